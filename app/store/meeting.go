package store

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// Messages of the meetings' checks, as model.FieldErrors carry them.
const (
	MsgNotLater          = "is not a meeting held after the one that decided it"
	MsgNotTracked        = "is no longer tracked"
	MsgTranscriptExists  = "the meeting has a transcript already"
	MsgUnknownCommitment = "is not a commitment of the tracker"
)

// ErrWindowClosed is returned for an edit of a speech after its
// transcript's edit window, or of a speech that is not the editor's own.
var ErrWindowClosed = errors.New("the transcript's edit window is closed")

// RecordMeeting records a multi-stakeholder meeting of the committee by
// its day alone, as the outbox page does.
func (s *Store) RecordMeeting(ctx context.Context, heldOn model.Date) error {
	if heldOn.IsZero() || heldOn.MonthOnly() {
		return model.FieldErrors{"held_on": "is required"}
	}
	return s.db.WithContext(ctx).Create(&model.Meeting{HeldOn: heldOn, Kind: model.MeetingTaskForce}).Error
}

// ListMeetings returns the recorded meetings, latest first.
func (s *Store) ListMeetings(ctx context.Context, limit int) ([]model.Meeting, error) {
	var out []model.Meeting
	err := s.db.WithContext(ctx).Order("held_on DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// FindMeetings returns the meetings of a plan (all when planID is 0),
// latest first, with their plan.
func (s *Store) FindMeetings(ctx context.Context, planID uint) ([]model.Meeting, error) {
	var out []model.Meeting
	q := s.db.WithContext(ctx).Preload("Plan").Order("held_on DESC, id DESC")
	if planID != 0 {
		q = q.Where("plan_id = ?", planID)
	}
	return out, q.Find(&out).Error
}

// FindUpcomingMeetings returns the meetings held on from or later, soonest first.
func (s *Store) FindUpcomingMeetings(ctx context.Context, from model.Date) ([]model.Meeting, error) {
	var out []model.Meeting
	err := s.db.WithContext(ctx).Preload("Plan").Where("held_on >= ?", from).Order("held_on, starts_at, id").Find(&out).Error
	return out, err
}

// meetingsInFull reads meetings with their plan, agenda (and the
// commitments of its items), attendees and documents, each in order: one
// query per kind of record, however many meetings.
func (s *Store) meetingsInFull(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Preload("Plan").
		Preload("Agenda", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).Preload("Agenda.Commitment").
		Preload("Attendees", func(db *gorm.DB) *gorm.DB { return db.Order("side, position") }).
		Preload("Documents", func(db *gorm.DB) *gorm.DB { return db.Order("position") })
}

// FindMeetingByID returns a meeting with its plan, agenda (and the
// commitments of its items), attendees and documents, each in order.
func (s *Store) FindMeetingByID(ctx context.Context, id uint) (*model.Meeting, error) {
	var m model.Meeting
	err := s.meetingsInFull(ctx).Take(&m, id).Error
	return &m, notFound(err)
}

// FindMeetingsInFull returns the meetings of plan planID (of every plan for
// 0), oldest first, each as FindMeetingByID does.
func (s *Store) FindMeetingsInFull(ctx context.Context, planID uint) ([]model.Meeting, error) {
	var out []model.Meeting
	q := s.meetingsInFull(ctx).Order("held_on, id")
	if planID != 0 {
		q = q.Where("plan_id = ?", planID)
	}
	return out, q.Find(&out).Error
}

// FindTranscriptsPublished says when the published transcripts of plan
// planID's meetings (of every plan's for 0) were published, by meeting, in
// one query rather than one a meeting.
func (s *Store) FindTranscriptsPublished(ctx context.Context, planID uint) (map[uint]time.Time, error) {
	var published []model.Transcript
	q := s.db.WithContext(ctx).Select("transcripts.meeting_id, transcripts.published_at").
		Joins("JOIN meetings ON meetings.id = transcripts.meeting_id").Where("transcripts.published_at IS NOT NULL")
	if planID != 0 {
		q = q.Where("meetings.plan_id = ?", planID)
	}
	if err := q.Find(&published).Error; err != nil {
		return nil, err
	}
	at := make(map[uint]time.Time, len(published))
	for _, t := range published {
		at[t.MeetingID] = *t.PublishedAt
	}
	return at, nil
}

// AgendaFromLines makes the agenda of a meeting of plan planID from its
// lines as typed: a line that opens with the code of one of the plan's
// commitments, then a space, is an item about that commitment.
func (s *Store) AgendaFromLines(ctx context.Context, planID *uint, text string) ([]model.AgendaItem, error) {
	codes := map[string]uint{}
	if planID != nil {
		var cs []model.Commitment
		if err := s.db.WithContext(ctx).Select("id, code").Where("plan_id = ?", *planID).Find(&cs).Error; err != nil {
			return nil, err
		}
		for _, c := range cs {
			codes[c.Code] = c.ID
		}
	}
	var out []model.AgendaItem
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		item := model.AgendaItem{Title: line, Position: len(out) + 1}
		if code, _, ok := strings.Cut(line, " "); ok {
			if id, ok := codes[code]; ok {
				item.CommitmentID = &id
			}
		}
		out = append(out, item)
	}
	return out, nil
}

// SaveMeeting creates m (m.ID 0) or replaces the meeting stored, with its
// agenda, attendees and documents, if it is still at version; otherwise
// it returns ErrConflict and writes nothing.
func (s *Store) SaveMeeting(ctx context.Context, m *model.Meeting, version int) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		if m.PlanID != nil {
			if err := tx.Take(&model.Plan{}, *m.PlanID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				return model.FieldErrors{"plan": "is not one of the listed values"}
			} else if err != nil {
				return err
			}
		}
		agenda, attendees, documents := m.Agenda, m.Attendees, m.Documents
		row := *m
		row.Agenda, row.Attendees, row.Documents, row.Plan = nil, nil, nil, nil
		if m.ID == 0 {
			row.Version = 1
			if err := tx.Omit(clause.Associations).Create(&row).Error; err != nil {
				return err
			}
		} else {
			var before model.Meeting
			if err := tx.Take(&before, m.ID).Error; err != nil {
				return notFound(err)
			}
			if before.Version != version {
				return ErrConflict
			}
			row.Version, row.CreatedAt = version+1, before.CreatedAt
			if err := tx.Omit(clause.Associations).Save(&row).Error; err != nil {
				return err
			}
			for _, child := range []any{&model.AgendaItem{}, &model.Attendee{}, &model.MeetingDocument{}} {
				if err := tx.Where("meeting_id = ?", m.ID).Delete(child).Error; err != nil {
					return err
				}
			}
		}
		for i := range agenda {
			agenda[i].ID, agenda[i].MeetingID = 0, row.ID
		}
		for i := range attendees {
			attendees[i].ID, attendees[i].MeetingID = 0, row.ID
		}
		for i := range documents {
			documents[i].ID, documents[i].MeetingID = 0, row.ID
		}
		for _, rows := range []any{&agenda, &attendees, &documents} {
			if err := tx.Omit(clause.Associations).CreateInBatches(rows, 100).Error; err != nil && !errors.Is(err, gorm.ErrEmptySlice) {
				return err
			}
		}
		m.ID, m.Version = row.ID, row.Version
		return nil
	})
}

// CreateFollowUp records an item decided at its meeting, tracked.
func (s *Store) CreateFollowUp(ctx context.Context, f *model.FollowUp) error {
	f.Status, f.ClosedAtID, f.Closing = model.FollowUpTracked, nil, ""
	if err := f.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		fe := model.FieldErrors{}
		if err := tx.Take(&model.Agency{}, f.AgencyID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			fe.Add("agency", MsgUnknownAgency)
		} else if err != nil {
			return err
		}
		if f.CommitmentID != nil {
			if err := tx.Take(&model.Commitment{}, *f.CommitmentID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				fe.Add("commitment", MsgUnknownCommitment)
			} else if err != nil {
				return err
			}
		}
		if err := tx.Take(&model.Meeting{}, f.MeetingID).Error; err != nil {
			return notFound(err)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		return tx.Omit(clause.Associations).Create(f).Error
	})
}

// RecordFollowUp records an item as a meeting's record gives it, tracked
// or already closed (f.ClosedAtID, f.Closing): for a forum whose earlier
// meetings are known only from a later transcript. CreateFollowUp is the
// form's way, which always starts an item tracked.
func (s *Store) RecordFollowUp(ctx context.Context, f *model.FollowUp) error {
	if f.Status != model.FollowUpClosed {
		f.Status, f.ClosedAtID, f.Closing = model.FollowUpTracked, nil, ""
	}
	if err := f.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		for _, id := range []*uint{&f.AgencyID, &f.MeetingID, f.ClosedAtID} {
			if id == nil {
				continue
			}
			var err error
			if id == &f.AgencyID {
				err = tx.Take(&model.Agency{}, *id).Error
			} else {
				err = tx.Take(&model.Meeting{}, *id).Error
			}
			if err != nil {
				return notFound(err)
			}
		}
		return tx.Omit(clause.Associations).Create(f).Error
	})
}

// followUps preloads what a follow-up item is shown with.
func followUps(db *gorm.DB) *gorm.DB {
	return db.Preload("Meeting").Preload("ClosedAt").Preload("Agency").Preload("Commitment").
		Preload("Notes", func(db *gorm.DB) *gorm.DB { return db.Order("at, id") }).Preload("Notes.Author")
}

// FindFollowUpByID returns a follow-up item with its meetings, owner,
// commitment and notes.
func (s *Store) FindFollowUpByID(ctx context.Context, id uint) (*model.FollowUp, error) {
	var f model.FollowUp
	return &f, notFound(followUps(s.db.WithContext(ctx)).Take(&f, id).Error)
}

// FollowUpFilter picks follow-up items; zero fields pick all.
type FollowUpFilter struct {
	DecidedAt    uint // the meeting that decided them
	ClosedAt     uint // the meeting that closed them
	AgencyID     uint
	CommitmentID uint
	OpenOnly     bool
}

// FindFollowUps returns the items f picks, oldest decision first.
func (s *Store) FindFollowUps(ctx context.Context, f FollowUpFilter) ([]model.FollowUp, error) {
	q := followUps(s.db.WithContext(ctx)).Joins("JOIN meetings decided ON decided.id = follow_ups.meeting_id").
		Order("decided.held_on, follow_ups.id")
	if f.DecidedAt != 0 {
		q = q.Where("follow_ups.meeting_id = ?", f.DecidedAt)
	}
	if f.ClosedAt != 0 {
		q = q.Where("follow_ups.closed_at_id = ?", f.ClosedAt)
	}
	if f.AgencyID != 0 {
		q = q.Where("follow_ups.agency_id = ?", f.AgencyID)
	}
	if f.CommitmentID != 0 {
		q = q.Where("follow_ups.commitment_id = ?", f.CommitmentID)
	}
	if f.OpenOnly {
		q = q.Where("follow_ups.status = ?", model.FollowUpTracked)
	}
	var out []model.FollowUp
	return out, q.Find(&out).Error
}

// FindCarriedFollowUps returns the items on meeting m's agenda by
// themselves: decided at an earlier meeting and still tracked when m was
// held (open now, or closed at m or later), oldest first.
func (s *Store) FindCarriedFollowUps(ctx context.Context, m *model.Meeting) ([]model.FollowUp, error) {
	var out []model.FollowUp
	err := followUps(s.db.WithContext(ctx)).
		Joins("JOIN meetings decided ON decided.id = follow_ups.meeting_id").
		Joins("LEFT JOIN meetings closed ON closed.id = follow_ups.closed_at_id").
		Where("(decided.held_on < ? OR (decided.held_on = ? AND decided.id < ?))", m.HeldOn, m.HeldOn, m.ID).
		Where("(follow_ups.closed_at_id IS NULL OR closed.held_on > ? OR (closed.held_on = ? AND closed.id >= ?))", m.HeldOn, m.HeldOn, m.ID).
		Order("decided.held_on, follow_ups.id").Find(&out).Error
	return out, err
}

// CloseFollowUps records meeting m's decision to close the items ids
// (解除列管), in its words. Each must be tracked and decided at an
// earlier meeting; otherwise nothing is closed.
func (s *Store) CloseFollowUps(ctx context.Context, meetingID uint, ids []uint, decision string) error {
	fe := model.FieldErrors{}
	if len(ids) == 0 {
		fe.Add("close", "is required")
	}
	if err := model.CheckLines(decision); err != nil {
		fe.Add("decision", err.Error())
	} else if len([]rune(decision)) > 2000 {
		fe.Add("decision", "is longer than 2000 characters")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var m model.Meeting
		if err := tx.Take(&m, meetingID).Error; err != nil {
			return notFound(err)
		}
		carried, err := (&Store{db: tx, dialect: s.dialect, now: s.now}).FindCarriedFollowUps(ctx, &m)
		if err != nil {
			return err
		}
		open := map[uint]bool{}
		for _, f := range carried {
			open[f.ID] = f.IsOpen()
		}
		for _, id := range ids {
			if !open[id] {
				return model.FieldErrors{"close": MsgNotTracked}
			}
		}
		return tx.Model(&model.FollowUp{}).Where("id IN ?", ids).
			Updates(map[string]any{"status": model.FollowUpClosed, "closed_at_id": meetingID, "closing": strings.TrimSpace(decision), "updated_at": s.now()}).Error
	})
}

// AddFollowUpNote records a note of progress on a tracked item.
func (s *Store) AddFollowUpNote(ctx context.Context, n *model.FollowUpNote) error {
	if err := n.Validate(); err != nil {
		return err
	}
	n.At = s.now()
	return s.write(ctx, func(tx *gorm.DB) error {
		var f model.FollowUp
		if err := tx.Take(&f, n.FollowUpID).Error; err != nil {
			return notFound(err)
		}
		if !f.IsOpen() {
			return model.FieldErrors{"text": MsgNotTracked}
		}
		return tx.Omit(clause.Associations).Create(n).Error
	})
}

// HolidaySet returns every holiday entered.
func (s *Store) HolidaySet(ctx context.Context) (map[model.Date]bool, error) {
	var hs []model.Holiday
	if err := s.db.WithContext(ctx).Find(&hs).Error; err != nil {
		return nil, err
	}
	out := make(map[model.Date]bool, len(hs))
	for _, h := range hs {
		out[h.Day] = true
	}
	return out, nil
}

// FindHolidays returns the holidays of a year, in order.
func (s *Store) FindHolidays(ctx context.Context, year int) ([]model.Holiday, error) {
	var out []model.Holiday
	err := s.db.WithContext(ctx).Where("day >= ? AND day <= ?", model.Date{Year: year, Month: 1, Day: 1}, model.Date{Year: year, Month: 12, Day: 31}).
		Order("day").Find(&out).Error
	return out, err
}

// AddHolidays enters holidays; a day entered again takes the new name.
func (s *Store) AddHolidays(ctx context.Context, hs []model.Holiday) error {
	if len(hs) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "day"}}, DoUpdates: clause.AssignmentColumns([]string{"name"})}).
			Create(&hs).Error
	})
}

// CreateTranscript stores the transcript of a meeting, its window open
// until closesAt. A meeting has one transcript.
func (s *Store) CreateTranscript(ctx context.Context, t *model.Transcript) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Take(&model.Meeting{}, t.MeetingID).Error; err != nil {
			return notFound(err)
		}
		var n int64
		if err := tx.Model(&model.Transcript{}).Where("meeting_id = ?", t.MeetingID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return model.FieldErrors{"transcript": MsgTranscriptExists}
		}
		speeches := t.Speeches
		t.Speeches = nil
		if err := tx.Omit(clause.Associations).Create(t).Error; err != nil {
			return err
		}
		for i := range speeches {
			speeches[i].ID, speeches[i].TranscriptID = 0, t.ID
		}
		if err := tx.Omit(clause.Associations).CreateInBatches(&speeches, 100).Error; err != nil {
			return err
		}
		t.Speeches = speeches
		return nil
	})
}

// FindTranscriptByMeeting returns a meeting's transcript with its
// speeches in order.
func (s *Store) FindTranscriptByMeeting(ctx context.Context, meetingID uint) (*model.Transcript, error) {
	var t model.Transcript
	err := s.db.WithContext(ctx).Preload("Speeches", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Where("meeting_id = ?", meetingID).Take(&t).Error
	return &t, notFound(err)
}

// FindSpeechByID returns a speech with its transcript.
func (s *Store) FindSpeechByID(ctx context.Context, id uint) (*model.Speech, error) {
	var sp model.Speech
	return &sp, notFound(s.db.WithContext(ctx).Preload("Transcript").Take(&sp, id).Error)
}

// EditSpeech saves the text of a speech edited by its speaker, userID,
// while the transcript's window is open by the store's clock; otherwise
// it returns ErrWindowClosed and writes nothing.
func (s *Store) EditSpeech(ctx context.Context, id, userID uint, text string) error {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	fe := model.FieldErrors{}
	if text == "" {
		fe.Add("text", "is required")
	} else if err := model.CheckLines(text); err != nil {
		fe.Add("text", err.Error())
	} else if len([]rune(text)) > 50000 {
		fe.Add("text", "is longer than 50000 characters")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var sp model.Speech
		if err := tx.Preload("Transcript").Take(&sp, id).Error; err != nil {
			return notFound(err)
		}
		now := s.now()
		if sp.UserID == nil || *sp.UserID != userID || !sp.Transcript.Open(now) {
			return ErrWindowClosed
		}
		if text == sp.Text {
			return nil
		}
		return tx.Model(&model.Speech{}).Where("id = ?", id).Updates(map[string]any{"text": text, "edited_at": now}).Error
	})
}

// PublishDueTranscripts publishes, once, the transcripts whose edit
// window has closed by now, and returns the meetings they belong to.
func (s *Store) PublishDueTranscripts(ctx context.Context, now time.Time) ([]uint, error) {
	var meetings []uint
	err := s.write(ctx, func(tx *gorm.DB) error {
		var due []model.Transcript
		if err := tx.Where("published_at IS NULL AND closes_at <= ?", now).Find(&due).Error; err != nil {
			return err
		}
		for _, t := range due {
			res := tx.Model(&model.Transcript{}).Where("id = ? AND published_at IS NULL", t.ID).Update("published_at", now)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				meetings = append(meetings, t.MeetingID)
			}
		}
		return nil
	})
	return meetings, err
}

// FindMeetingsAhead returns the meetings held after today and on or
// before until, with the agencies owning items still tracked from earlier
// meetings: what their liaisons are to report on.
func (s *Store) FindMeetingsAhead(ctx context.Context, today, until model.Date) ([]model.Meeting, map[uint][]model.FollowUp, error) {
	var ms []model.Meeting
	if err := s.db.WithContext(ctx).Where("held_on > ? AND held_on <= ?", today, until).Order("held_on, id").Find(&ms).Error; err != nil {
		return nil, nil, err
	}
	open := map[uint][]model.FollowUp{}
	for i := range ms {
		carried, err := s.FindCarriedFollowUps(ctx, &ms[i])
		if err != nil {
			return nil, nil, err
		}
		for _, f := range carried {
			if f.IsOpen() {
				open[ms[i].ID] = append(open[ms[i].ID], f)
			}
		}
	}
	return ms, open, nil
}

// FindSpeechesMentioning returns the speeches of published transcripts of
// the plan's meetings that name the commitment by its code ("2-1", as
// people speak of it), each with its transcript and meeting, in the order
// spoken. A code is a whole word: "2-1" is not "12-1" nor "2-10".
func (s *Store) FindSpeechesMentioning(ctx context.Context, planID uint, code string) ([]model.Speech, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, nil
	}
	var candidates []model.Speech
	err := s.db.WithContext(ctx).Preload("Transcript.Meeting").
		Joins("JOIN transcripts ON transcripts.id = speeches.transcript_id").
		Joins("JOIN meetings ON meetings.id = transcripts.meeting_id").
		Where("transcripts.published_at IS NOT NULL AND meetings.plan_id = ?", planID).
		Where(`speeches.text LIKE ? ESCAPE '\'`, likePattern(code)).
		Order("meetings.held_on, speeches.transcript_id, speeches.position").Find(&candidates).Error
	if err != nil {
		return nil, err
	}
	// Chinese writes "承諾事項2-1" without a space: only Latin letters and
	// digits join a code to its neighbours.
	word := regexp.MustCompile(`(^|[^0-9A-Za-z.-])` + regexp.QuoteMeta(code) + `($|[^0-9A-Za-z-]|\.[^0-9])`)
	out := candidates[:0]
	for _, sp := range candidates {
		if word.MatchString(sp.Text) {
			out = append(out, sp)
		}
	}
	return out, nil
}
