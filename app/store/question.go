package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// Questions from the public (model.Question): asked, voted on, answered,
// followed up, hidden. Their thread (model.QuestionEntry) is their history;
// nothing is deleted.

// ErrVoteLimit is returned when one network address has cast as many votes
// on a question as it may (VotesPerAddress): a household or an office
// shares an address, so a few are allowed, not a crowd.
var ErrVoteLimit = errors.New("too many votes from this address")

// VotesPerAddress is how many people behind one network address may each
// add their voice to one question.
const VotesPerAddress = 5

// SealedPrefix marks an outbox address sealed with the askers' key: the
// sender opens it (OpenAddress) just before it hands the mail over.
const SealedPrefix = "sealed:"

const askerKeyName = "asker-email"

// askerKey is the AES-256 key of the askers' addresses.
func (s *Store) askerKey(ctx context.Context) (cipher.AEAD, error) {
	key, err := s.ServerSecret(ctx, askerKeyName)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// sealAddress seals an address with the askers' key (AES-GCM, a random
// nonce before the ciphertext).
func (s *Store) sealAddress(ctx context.Context, addr string) ([]byte, error) {
	aead, err := s.askerKey(ctx)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, []byte(addr), []byte(askerKeyName)), nil
}

// OpenAddress returns the address an outbox message is sent to: as it is,
// or opened when sealed (SealedPrefix).
func (s *Store) OpenAddress(ctx context.Context, to string) (string, error) {
	enc, ok := strings.CutPrefix(to, SealedPrefix)
	if !ok {
		return to, nil
	}
	sealed, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return "", fmt.Errorf("sealed address: %w", err)
	}
	aead, err := s.askerKey(ctx)
	if err != nil {
		return "", err
	}
	if len(sealed) < aead.NonceSize() {
		return "", errors.New("sealed address: too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(askerKeyName))
	if err != nil {
		return "", fmt.Errorf("sealed address: %w", err)
	}
	return string(plain), nil
}

// KeyedHash is a keyed hash (HMAC-SHA-256, with a key of the tracker's
// own) of a visitor's network address or cookie: enough to count and to
// recognise, not to recover it.
func (s *Store) KeyedHash(ctx context.Context, v string) (string, error) {
	key, err := s.ServerSecret(ctx, "visitor-hash")
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)), nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// AskerMail writes a message to an asker; to is their sealed address.
type AskerMail func(q *model.Question, to, token string) model.OutboxMessage

// AskQuestion publishes question q: its agency is the commitment's lead
// (none for a plan: the secretariat answers), its clock starts at
// q.ReceivedAt (now when zero) and runs the plan's QuestionDays. With an
// address, it is sealed and confirm's message (the link that confirms it)
// is queued in the same transaction; confirm receives the token of the
// link, which the store keeps only hashed. voter, when given, is the
// asker's own "I want to know too".
func (s *Store) AskQuestion(ctx context.Context, q *model.Question, email, voter string, confirm AskerMail) error {
	email = model.NormalizeEmail(email)
	now := s.now().UTC()
	if q.ReceivedAt.IsZero() {
		q.ReceivedAt = now
	}
	fe := model.FieldErrors{}
	if err := q.Validate(); err != nil {
		fe = err.(model.FieldErrors)
	}
	if email != "" {
		if err := checkAddress(email); err != nil {
			fe.Add("email", err.Error())
		}
	}
	if q.ReceivedAt.After(now) {
		fe.Add("received_on", model.MsgFuture)
	}
	if len(fe) > 0 {
		return fe
	}
	var sealed []byte
	if email != "" {
		var err error
		if sealed, err = s.sealAddress(ctx, email); err != nil {
			return err
		}
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		var plan model.Plan
		if q.CommitmentID != nil {
			var c model.Commitment
			if err := tx.Select("id", "plan_id", "lead_agency_id").Take(&c, *q.CommitmentID).Error; err != nil {
				return notFound(err)
			}
			q.PlanID, q.AgencyID = c.PlanID, c.LeadAgencyID
		}
		if err := tx.Take(&plan, q.PlanID).Error; err != nil {
			return notFound(err)
		}
		q.ID, q.Votes = 0, 0
		q.ReceivedAt = q.ReceivedAt.UTC()
		q.ClockFrom, q.DueAt = q.ReceivedAt, q.ReceivedAt.AddDate(0, 0, plan.QuestionDaysOrDefault())
		q.AnsweredAt, q.HiddenAt, q.Disposition = nil, nil, ""
		q.EmailSealed, q.EmailConfirmed, q.ConfirmHash = sealed, false, ""
		token := ""
		if sealed != nil {
			token = rand.Text()
			q.ConfirmHash = tokenHash(token)
		}
		if voter != "" {
			q.Votes = 1
		}
		if err := tx.Omit(clause.Associations).Create(q).Error; err != nil {
			return err
		}
		if voter != "" {
			if err := tx.Create(&model.QuestionVote{QuestionID: q.ID, Voter: voter, FromHash: q.FromHash, CreatedAt: now}).Error; err != nil {
				return err
			}
		}
		if sealed != nil && confirm != nil {
			m := confirm(q, SealedPrefix+base64.StdEncoding.EncodeToString(sealed), token)
			return queueOne(tx, now, m)
		}
		return nil
	})
}

func checkAddress(email string) error {
	u := model.User{Email: email}
	if err := u.Validate(); err != nil {
		if msg, ok := err.(model.FieldErrors)["email"]; ok {
			return errors.New(msg)
		}
	}
	return nil
}

// queueOne adds one message to the outbox within tx, pending and due now.
func queueOne(tx *gorm.DB, now time.Time, m model.OutboxMessage) error {
	m.ID, m.Status, m.Attempts, m.NextAttemptAt = 0, model.OutboxPending, 0, now
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&m).Error
}

// ConfirmQuestionEmail confirms the asker's address through the token of
// the link sent to it: from then on the answer is mailed to it. A link
// works once; ErrNotFound for any other.
func (s *Store) ConfirmQuestionEmail(ctx context.Context, token string) (*model.Question, error) {
	if token == "" {
		return nil, model.ErrNotFound
	}
	var q model.Question
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("confirm_hash = ?", tokenHash(token)).Take(&q).Error; err != nil {
			return notFound(err)
		}
		q.EmailConfirmed, q.ConfirmHash = true, ""
		return tx.Model(&model.Question{}).Where("id = ?", q.ID).
			Updates(map[string]any{"email_confirmed": true, "confirm_hash": ""}).Error
	})
	if err != nil {
		return nil, err
	}
	return &q, nil
}

// CountPostsFrom counts the questions and follow-ups sent from the network
// address whose keyed hash is from since the instant given: the rate limit.
func (s *Store) CountPostsFrom(ctx context.Context, from string, since time.Time) (int64, error) {
	var a, b int64
	db := s.db.WithContext(ctx)
	if err := db.Model(&model.Question{}).Where("from_hash = ? AND created_at >= ?", from, since.UTC()).Count(&a).Error; err != nil {
		return 0, err
	}
	if err := db.Model(&model.QuestionEntry{}).Where("from_hash = ? AND at >= ?", from, since.UTC()).Count(&b).Error; err != nil {
		return 0, err
	}
	return a + b, nil
}

// FindQuestionByID returns a question with its thread (oldest first, with
// who signed each entry), its plan, commitment and agency.
func (s *Store) FindQuestionByID(ctx context.Context, id uint) (*model.Question, error) {
	var q model.Question
	err := s.db.WithContext(ctx).Preload("Plan").Preload("Commitment").Preload("Agency").
		Preload("Entries", func(db *gorm.DB) *gorm.DB { return db.Order("at, id") }).
		Preload("Entries.User").Preload("Entries.Agency").Preload("Entries.ToAgency").
		Take(&q, id).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &q, nil
}

// QuestionFilter selects questions.
type QuestionFilter struct {
	PlanIDs      []uint
	CommitmentID uint
	PlanOnly     bool // the questions on a plan as a whole, none on a commitment
	AgencyID     uint // those whose clock the agency owns
	OpenOnly     bool // waiting for an answer, not hidden
	ByVotes      bool // most wanted first; else newest first
	Limit        int
	Thread       bool // with each question's thread, oldest first
}

// FindQuestions lists questions, hidden ones included (their place shows
// why), with their commitment and agency.
func (s *Store) FindQuestions(ctx context.Context, f QuestionFilter) ([]model.Question, error) {
	db := s.db.WithContext(ctx).Model(&model.Question{}).Preload("Commitment").Preload("Agency")
	if len(f.PlanIDs) > 0 {
		db = db.Where("plan_id IN ?", f.PlanIDs)
	}
	if f.CommitmentID != 0 {
		db = db.Where("commitment_id = ?", f.CommitmentID)
	}
	if f.PlanOnly {
		db = db.Where("commitment_id IS NULL")
	}
	if f.AgencyID != 0 {
		db = db.Where("agency_id = ?", f.AgencyID)
	}
	if f.OpenOnly {
		db = db.Where("answered_at IS NULL AND hidden_at IS NULL")
	}
	if f.Thread {
		db = db.Preload("Entries", func(db *gorm.DB) *gorm.DB { return db.Order("at, id") }).Preload("Entries.Agency").Preload("Plan")
	}
	if f.ByVotes {
		db = db.Order("votes DESC")
	}
	db = db.Order("received_at DESC").Order("id DESC")
	if f.Limit > 0 {
		db = db.Limit(f.Limit)
	}
	var qs []model.Question
	return qs, db.Find(&qs).Error
}

// VoteQuestion adds voter's "I want to know too" to a question: once per
// voter (added false the second time), at most VotesPerAddress per
// network address (ErrVoteLimit). A hidden question takes no votes
// (model.ErrNotFound).
func (s *Store) VoteQuestion(ctx context.Context, id uint, voter, from string) (added bool, err error) {
	now := s.now().UTC()
	err = s.write(ctx, func(tx *gorm.DB) error {
		var q model.Question
		if err := tx.Select("id", "hidden_at").Take(&q, id).Error; err != nil {
			return notFound(err)
		}
		if q.Hidden() {
			return model.ErrNotFound
		}
		var n int64
		if err := tx.Model(&model.QuestionVote{}).Where("question_id = ? AND voter = ?", id, voter).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := tx.Model(&model.QuestionVote{}).Where("question_id = ? AND from_hash = ?", id, from).Count(&n).Error; err != nil {
			return err
		}
		if n >= VotesPerAddress {
			return ErrVoteLimit
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&model.QuestionVote{QuestionID: id, Voter: voter, FromHash: from, CreatedAt: now})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		added = true
		return tx.Model(&model.Question{}).Where("id = ?", id).Update("votes", gorm.Expr("votes + 1")).Error
	})
	return added, err
}

// HasVoted reports whether voter added their voice to question id.
func (s *Store) HasVoted(ctx context.Context, id uint, voter string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&model.QuestionVote{}).Where("question_id = ? AND voter = ?", id, voter).Count(&n).Error
	return n > 0, err
}

// AnswerQuestion records an agency's reasoned answer e, signed by the
// actor of ctx (their agency and role), public at once. "Not our remit"
// hands the question and its clock to e.ToAgencyID; any other disposition
// ends the wait. Who may answer is the caller's check
// (model.User.MayAnswerQuestion). When the asker confirmed an address,
// notify's message (the answer) is queued in the same transaction.
func (s *Store) AnswerQuestion(ctx context.Context, id uint, e *model.QuestionEntry, notify AskerMail) error {
	e.Body, e.Reasons = strings.TrimSpace(e.Body), strings.TrimSpace(e.Reasons)
	now := s.now().UTC()
	return s.write(ctx, func(tx *gorm.DB) error {
		var q model.Question
		if err := tx.Take(&q, id).Error; err != nil {
			return notFound(err)
		}
		if q.Hidden() {
			return model.ErrNotFound
		}
		if err := e.CheckAnswer(q.AgencyID); err != nil {
			return err
		}
		if e.ToAgencyID != nil {
			if e.Disposition != model.DispositionNotOurRemit {
				e.ToAgencyID = nil
			} else if err := tx.Select("id").Take(&model.Agency{}, *e.ToAgencyID).Error; err != nil {
				if errors.Is(err, gorm.ErrRecordNotFound) {
					return model.FieldErrors{"to_agency": model.MsgNotListed}
				}
				return err
			}
		}
		actor, _ := model.ActorFromContext(ctx)
		e.ID, e.QuestionID, e.Kind, e.At = 0, q.ID, model.EntryAnswer, now
		e.UserID, e.Role, e.AgencyID = actor.UserID, actor.Role, q.AgencyID
		if err := tx.Omit(clause.Associations).Create(e).Error; err != nil {
			return err
		}
		update := map[string]any{"disposition": e.Disposition, "answered_at": now}
		if e.Disposition == model.DispositionNotOurRemit {
			// The other agency now owns the clock: the wait goes on.
			update = map[string]any{"agency_id": *e.ToAgencyID, "disposition": e.Disposition}
		}
		if err := tx.Model(&model.Question{}).Where("id = ?", q.ID).Updates(update).Error; err != nil {
			return err
		}
		if q.CommitmentID != nil {
			if err := progressReported(tx, *q.CommitmentID, now); err != nil {
				return err
			}
		}
		if q.EmailConfirmed && len(q.EmailSealed) > 0 && notify != nil {
			q.Disposition = e.Disposition
			q.Entries = []model.QuestionEntry{*e}
			return queueOne(tx, now, notify(&q, SealedPrefix+base64.StdEncoding.EncodeToString(q.EmailSealed), ""))
		}
		return nil
	})
}

// FollowUpQuestion adds a follow-up from the public (the asker or anyone)
// to a question's thread. On an answered question it reopens the wait: a
// new clock of the plan's QuestionDays starts now.
func (s *Store) FollowUpQuestion(ctx context.Context, id uint, body, name, from string) error {
	body, name = strings.TrimSpace(body), strings.TrimSpace(name)
	if err := model.CheckFollowUp(body, name); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.write(ctx, func(tx *gorm.DB) error {
		var q model.Question
		if err := tx.Preload("Plan").Take(&q, id).Error; err != nil {
			return notFound(err)
		}
		if q.Hidden() {
			return model.ErrNotFound
		}
		e := model.QuestionEntry{QuestionID: q.ID, Kind: model.EntryFollowUp, Body: body, Name: name, FromHash: from, At: now}
		if err := tx.Omit(clause.Associations).Create(&e).Error; err != nil {
			return err
		}
		if q.AnsweredAt == nil {
			return nil
		}
		return tx.Model(&model.Question{}).Where("id = ?", q.ID).Updates(map[string]any{
			"answered_at": nil, "disposition": "", "clock_from": now,
			"due_at": now.AddDate(0, 0, q.Plan.QuestionDaysOrDefault())}).Error
	})
}

// HideQuestion hides a question for a stated reason, signed by the actor
// of ctx. Its place keeps the reason and the date; the thread records it.
func (s *Store) HideQuestion(ctx context.Context, id uint, reason model.HideReason, duplicateOf *uint, note string) error {
	note = strings.TrimSpace(note)
	if reason != model.HideDuplicate {
		duplicateOf = nil
	}
	if err := model.CheckHide(reason, duplicateOf, note); err != nil {
		return err
	}
	now := s.now().UTC()
	return s.write(ctx, func(tx *gorm.DB) error {
		var q model.Question
		if err := tx.Take(&q, id).Error; err != nil {
			return notFound(err)
		}
		if q.Hidden() {
			return nil
		}
		if duplicateOf != nil {
			var other model.Question
			if err := tx.Select("id").Take(&other, *duplicateOf).Error; err != nil || other.ID == q.ID {
				return model.FieldErrors{"duplicate_of": model.MsgNotListed}
			}
		}
		actor, _ := model.ActorFromContext(ctx)
		e := model.QuestionEntry{QuestionID: q.ID, Kind: model.EntryHidden, Reasons: note, UserID: actor.UserID, Role: actor.Role, At: now}
		if err := tx.Omit(clause.Associations).Create(&e).Error; err != nil {
			return err
		}
		return tx.Model(&model.Question{}).Where("id = ?", q.ID).Updates(map[string]any{
			"hidden_at": now, "hidden_reason": reason, "duplicate_of_id": duplicateOf}).Error
	})
}

// AnswerItem is an answer given, with its question.
type AnswerItem struct {
	Entry    model.QuestionEntry
	Question model.Question
}

// FindAnswersBetween lists the answers given in [from, to), oldest first,
// each with its question (and the question's commitment, plan and agency):
// what a digest of new answers reports. Answers to questions hidden since
// are left out, as is "not our remit", which passes a question on without
// answering it. planIDs, when given, limits them to those plans.
func (s *Store) FindAnswersBetween(ctx context.Context, from, to time.Time, planIDs ...uint) ([]AnswerItem, error) {
	var entries []model.QuestionEntry
	db := s.db.WithContext(ctx).Preload("Agency").
		Joins("JOIN questions ON questions.id = question_entries.question_id").
		Where("question_entries.kind = ? AND question_entries.disposition <> ?", model.EntryAnswer, model.DispositionNotOurRemit).
		Where("question_entries.at >= ? AND question_entries.at < ?", from.UTC(), to.UTC()).
		Where("questions.hidden_at IS NULL")
	if len(planIDs) > 0 {
		db = db.Where("questions.plan_id IN ?", planIDs)
	}
	if err := db.Order("question_entries.at, question_entries.id").Find(&entries).Error; err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, nil
	}
	ids := make([]uint, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, e.QuestionID)
	}
	var qs []model.Question
	if err := s.db.WithContext(ctx).Preload("Plan").Preload("Commitment").Preload("Agency").Where("id IN ?", ids).Find(&qs).Error; err != nil {
		return nil, err
	}
	byID := make(map[uint]model.Question, len(qs))
	for _, q := range qs {
		byID[q.ID] = q
	}
	items := make([]AnswerItem, len(entries))
	for i, e := range entries {
		items[i] = AnswerItem{Entry: e, Question: byID[e.QuestionID]}
	}
	return items, nil
}

// QuestionStats is how the promise was kept: of the waits that ended in an
// answer, how many within the promise, and the median of the days taken.
type QuestionStats struct {
	Asked, Answered, InTime, Open, Overdue, Hidden int
	MedianDays                                     float64
}

// Share is the percentage of answers given within the promise.
func (st QuestionStats) Share() int {
	if st.Answered == 0 {
		return 0
	}
	return st.InTime * 100 / st.Answered
}

// StatsOf works out QuestionStats of questions as of now.
func StatsOf(qs []model.Question, now time.Time) QuestionStats {
	var st QuestionStats
	var days []float64
	for i := range qs {
		q := &qs[i]
		st.Asked++
		switch {
		case q.Hidden():
			st.Hidden++
		case q.AnsweredAt != nil:
			st.Answered++
			if q.AnsweredInTime() {
				st.InTime++
			}
			days = append(days, q.AnsweredAt.Sub(q.ClockFrom).Hours()/24)
		default:
			st.Open++
			if now.After(q.DueAt) {
				st.Overdue++
			}
		}
	}
	if n := len(days); n > 0 {
		slices.Sort(days)
		m := days[n/2]
		if n%2 == 0 {
			m = (days[n/2-1] + days[n/2]) / 2
		}
		st.MedianDays = float64(int(m*10+0.5)) / 10
	}
	return st
}

// FindQuestionStats works out how the promise was kept by an agency
// (agencyID) or in plans (planIDs), as of now.
func (s *Store) FindQuestionStats(ctx context.Context, f QuestionFilter) (QuestionStats, error) {
	db := s.db.WithContext(ctx).Model(&model.Question{}).
		Select("id", "clock_from", "due_at", "answered_at", "hidden_at")
	if f.AgencyID != 0 {
		db = db.Where("agency_id = ?", f.AgencyID)
	}
	if len(f.PlanIDs) > 0 {
		db = db.Where("plan_id IN ?", f.PlanIDs)
	}
	var qs []model.Question
	if err := db.Find(&qs).Error; err != nil {
		return QuestionStats{}, err
	}
	return StatsOf(qs, s.now()), nil
}

// FindOpenQuestions lists the questions waiting for an answer in plans,
// the one due first first, for reminders and work queues.
func (s *Store) FindOpenQuestions(ctx context.Context, planIDs []uint) ([]model.Question, error) {
	var qs []model.Question
	if len(planIDs) == 0 {
		return nil, nil
	}
	err := s.db.WithContext(ctx).Preload("Commitment").Preload("Agency").
		Where("plan_id IN ? AND answered_at IS NULL AND hidden_at IS NULL", planIDs).
		Order("due_at, id").Find(&qs).Error
	return qs, err
}

// QuestionCounts counts a list's questions for its heading.
type QuestionCounts struct{ All, Answered, Open, Hidden int }

// CountsOf counts questions by where they stand.
func CountsOf(qs []model.Question) QuestionCounts {
	c := QuestionCounts{All: len(qs)}
	for i := range qs {
		switch qs[i].Status() {
		case "hidden":
			c.Hidden++
		case "answered":
			c.Answered++
		default:
			c.Open++
		}
	}
	return c
}
