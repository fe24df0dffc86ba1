package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// EditWindowDays is how many working days speakers have to correct
// their speeches before a transcript is published.
const EditWindowDays = 10

// uploadTranscript takes a meeting's transcript as speeches ("Speaker:"
// lines, see README) and opens the speakers' edit window. The secretariat
// names the account of each speaker who has one ("Name = email"); a
// speaker named exactly as an account is matched without it.
func (s *Server) uploadTranscript(c *gin.Context) {
	ctx := c.Request.Context()
	m, ok := s.meetingOfPath(c)
	if !ok {
		return
	}
	found := formErrors{}
	speeches, err := model.ParseTranscript(c.PostForm("transcript"))
	if err != nil {
		found["transcript"] = "transcript.error.format"
	}
	accounts, err := s.speakerAccounts(c, c.PostForm("speakers"), speeches)
	if err != nil {
		var unknown unknownSpeakers
		if !errors.As(err, &unknown) {
			s.fail(c, err)
			return
		}
		found["speakers"] = "transcript.error.speakers"
	}
	for i := range speeches {
		if u, ok := accounts[speeches[i].Speaker]; ok {
			speeches[i].UserID = &u
		}
	}
	now := s.now()
	t := &model.Transcript{MeetingID: m.ID, UploadedAt: now, Speeches: speeches}
	err = saveParsed(found, func() error { return nil }, func() error {
		holidays, err := s.store.HolidaySet(ctx)
		if err != nil {
			return err
		}
		t.ClosesAt = model.AddWorkingDays(now, EditWindowDays, s.location, holidays)
		return s.store.CreateTranscript(ctx, t)
	})
	if err != nil {
		s.refuseMeetingSubform(c, m, err, func(mf *meetingForm) *adminForm { return &mf.Upload })
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "transcript uploaded", slog.Uint64("meeting", uint64(m.ID)), slog.Int("speeches", len(speeches)),
		slog.Time("closes", t.ClosesAt))
	s.flash(c, "flash.saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/meetings/%d/transcript", m.ID))
}

type unknownSpeakers []string

func (u unknownSpeakers) Error() string { return "unknown accounts: " + strings.Join(u, ", ") }

// speakerAccounts reads the secretariat's "Name = email" lines, and
// matches the other speakers to accounts of the same name.
func (s *Server) speakerAccounts(c *gin.Context, lines string, speeches []model.Speech) (map[string]uint, error) {
	users, err := s.store.FindUsers(c.Request.Context())
	if err != nil {
		return nil, err
	}
	byEmail, byName := map[string]uint{}, map[string][]uint{}
	for _, u := range users {
		if u.Disabled {
			continue
		}
		byEmail[model.NormalizeEmail(u.Email)] = u.ID
		byName[u.Name] = append(byName[u.Name], u.ID)
	}
	out := map[string]uint{}
	for _, sp := range speeches {
		if ids := byName[sp.Speaker]; len(ids) == 1 { // two accounts of one name: the secretariat chooses
			out[sp.Speaker] = ids[0]
		}
	}
	var unknown unknownSpeakers
	for _, line := range strings.Split(lines, "\n") {
		name, email, ok := strings.Cut(line, "=")
		name, email = strings.TrimSpace(name), model.NormalizeEmail(email)
		if strings.TrimSpace(line) == "" {
			continue
		}
		id, known := byEmail[email]
		if !ok || name == "" || !known {
			unknown = append(unknown, strings.TrimSpace(line))
			continue
		}
		out[name] = id
	}
	if len(unknown) > 0 {
		return out, unknown
	}
	return out, nil
}

// transcriptPage is a meeting's transcript: a draft its participants
// read and correct, then the final, public text.
type transcriptPage struct {
	Page
	Meeting    *model.Meeting
	Transcript *model.Transcript
	Speeches   []speechView
	Open       bool // speakers may still edit
	Edited     int  // speeches their speakers edited
}

// speechView is a speech as the page shows it: its Markdown made safe.
type speechView struct {
	S       *model.Speech
	HTML    template.HTML
	MayEdit bool
}

func (s *Server) showTranscript(c *gin.Context) {
	ctx := c.Request.Context()
	m, ok := s.meetingOfPath(c)
	if !ok {
		return
	}
	t, err := s.store.FindTranscriptByMeeting(ctx, m.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := transcriptPage{Page: s.page(c), Meeting: m, Transcript: t, Open: t.Open(s.now())}
	if !t.Published() {
		if !mayReadDraft(p.User, t) {
			s.fail(c, model.ErrNotFound) // a draft is nobody else's business
			return
		}
		c.Set(noStoreKey, true)
	}
	now := s.now()
	for i := range t.Speeches {
		sp := &t.Speeches[i]
		if sp.Edited() {
			p.Edited++
		}
		p.Speeches = append(p.Speeches, speechView{S: sp, HTML: renderMarkdown(sp.Text, 2), MayEdit: p.User != nil && p.User.MayEditSpeech(sp, t, now)})
	}
	s.render(c, http.StatusOK, "meetings/transcript", p)
}

// speechForm is a speaker's correction of their own speech.
type speechForm struct {
	Page
	Speech     *model.Speech
	Meeting    *model.Meeting
	Transcript *model.Transcript
	Text       string
	Error      string
}

// speechOfPath finds the speech of the path and checks that the visitor
// may edit it now (MayEditSpeech): the speaker, in the window.
func (s *Server) speechOfPath(c *gin.Context) (*model.Speech, *model.Meeting, bool) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	sp, err := s.store.FindSpeechByID(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	u := visitor(c)
	if !sp.Transcript.Published() {
		t, err := s.store.FindTranscriptByMeeting(c.Request.Context(), sp.Transcript.MeetingID)
		if err != nil {
			s.fail(c, err)
			return nil, nil, false
		}
		if !mayReadDraft(u, t) {
			s.fail(c, model.ErrNotFound) // a draft is its participants' business only
			return nil, nil, false
		}
	}
	if !s.permit(c, u.MayEditSpeech(sp, sp.Transcript, s.now()), "transcript.forbidden") {
		return nil, nil, false
	}
	m, err := s.store.FindMeetingByID(c.Request.Context(), sp.Transcript.MeetingID)
	if err != nil {
		s.fail(c, err)
		return nil, nil, false
	}
	return sp, m, true
}

func (s *Server) editSpeech(c *gin.Context) {
	sp, m, ok := s.speechOfPath(c)
	if !ok {
		return
	}
	s.render(c, http.StatusOK, "meetings/speech", speechForm{Page: s.page(c), Speech: sp, Meeting: m, Transcript: sp.Transcript, Text: sp.Text})
}

func (s *Server) updateSpeech(c *gin.Context) {
	sp, m, ok := s.speechOfPath(c)
	if !ok {
		return
	}
	text := c.PostForm("text")
	err := s.store.EditSpeech(c.Request.Context(), sp.ID, visitor(c).ID, text)
	var fe model.FieldErrors
	switch {
	case errors.As(err, &fe):
		p := speechForm{Page: s.page(c), Speech: sp, Meeting: m, Transcript: sp.Transcript, Text: text, Error: "transcript.error.text"}
		s.render(c, http.StatusUnprocessableEntity, "meetings/speech", p)
		return
	case errors.Is(err, store.ErrWindowClosed): // closed between the check and the save
		s.refuse(c, "transcript.forbidden")
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "speech edited", slog.Uint64("speech", uint64(sp.ID)), slog.Uint64("by", uint64(visitor(c).ID)))
	s.flash(c, "flash.saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/meetings/%d/transcript#speech-%d", m.ID, sp.Position))
}

// holidaysPage lists a year's holidays and enters more.
type holidaysPage struct {
	Page
	Year     int
	Holidays []model.Holiday
	CSV      string // as typed
	Error    string
	Added    int
}

func (s *Server) showHolidays(c *gin.Context) {
	year := s.now().In(s.location).Year()
	if v := c.Query("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1900 || y > 9999 {
			s.fail(c, errBadRequest)
			return
		}
		year = y
	}
	s.renderHolidays(c, http.StatusOK, holidaysPage{Year: year})
}

func (s *Server) renderHolidays(c *gin.Context, status int, p holidaysPage) {
	var err error
	if p.Holidays, err = s.store.FindHolidays(c.Request.Context(), p.Year); err != nil {
		s.fail(c, err)
		return
	}
	p.Page = s.page(c)
	c.Set(noStoreKey, true)
	s.render(c, status, "admin/holidays", p)
}

// importHolidays enters holidays from CSV: a date a row (2024-01-01,
// 2024/1/1 or 20240101) and, optionally, its name. DGPA's calendar
// (西元日期, 星期, 是否放假, 備註) works as published: of its rows only
// those marked 2 (a day off) are taken.
func (s *Server) importHolidays(c *gin.Context) {
	text := c.PostForm("csv")
	if fh, err := c.FormFile("file"); err == nil {
		f, err := fh.Open()
		if err != nil {
			s.fail(c, err)
			return
		}
		b, err := io.ReadAll(io.LimitReader(f, 1<<20))
		f.Close()
		if err != nil {
			s.fail(c, err)
			return
		}
		text = string(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	}
	hs, err := parseHolidays(text)
	if err != nil || len(hs) == 0 {
		s.renderHolidays(c, http.StatusUnprocessableEntity, holidaysPage{Year: s.now().In(s.location).Year(), CSV: text, Error: "holidays.error.csv"})
		return
	}
	if err := s.store.AddHolidays(c.Request.Context(), hs); err != nil {
		s.fail(c, err)
		return
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "holidays entered", slog.Int("days", len(hs)))
	s.flash(c, "flash.saved")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/holidays?year=%d", hs[0].Day.Year))
}

func parseHolidays(text string) ([]model.Holiday, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	offCol, nameCol := -1, -1
	var out []model.Holiday
	for i, row := range rows {
		if len(row) == 0 || strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		day, ok := parseHolidayDate(row[0])
		if !ok {
			if i == 0 { // a header: DGPA's names its columns
				for j, h := range row {
					switch strings.TrimSpace(h) {
					case "是否放假":
						offCol = j
					case "備註", "name", "Name":
						nameCol = j
					}
				}
				continue
			}
			return nil, fmt.Errorf("row %d: %q is not a date", i+1, row[0])
		}
		if offCol >= 0 && (offCol >= len(row) || strings.TrimSpace(row[offCol]) != "2") {
			continue
		}
		h := model.Holiday{Day: day}
		switch {
		case nameCol >= 0 && nameCol < len(row):
			h.Name = strings.TrimSpace(row[nameCol])
		case nameCol < 0 && offCol < 0 && len(row) > 1:
			h.Name = strings.TrimSpace(row[1])
		}
		if model.CheckLine(h.Name) != nil || len([]rune(h.Name)) > 200 {
			return nil, fmt.Errorf("row %d: bad name", i+1)
		}
		out = append(out, h)
	}
	return out, nil
}

func parseHolidayDate(s string) (model.Date, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 8 && !strings.ContainsAny(s, "-/") {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) != 3 {
		return model.Date{}, false
	}
	y, e1 := strconv.Atoi(parts[0])
	mo, e2 := strconv.Atoi(parts[1])
	d, e3 := strconv.Atoi(parts[2])
	if e1 != nil || e2 != nil || e3 != nil {
		return model.Date{}, false
	}
	day, err := model.ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, mo, d))
	if err != nil || day.MonthOnly() {
		return model.Date{}, false
	}
	return day, true
}
