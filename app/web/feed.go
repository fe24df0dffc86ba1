package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The feeds people subscribe to: the record of changes as Atom (RFC 4287)
// and milestones' due dates as iCalendar (RFC 5545), each for the whole
// tracker (the current plan, for the calendar) or ?plan=, ?agency= or
// ?commitment=.

// feedEntries is how many changes a feed carries, the most recent.
const feedEntries = 50

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Link    atomLink   `xml:"link"`
	Author  atomPerson `xml:"author"`
	Content atomText   `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// feedScope reads which part of the tracker a feed is about, with its
// name in words and its page; an unknown record is not found.
func (s *Server) feedScope(c *gin.Context, t *i18n.Translator) (f store.ChangeFilter, title, page string, err error) {
	textOf := func(v model.Text) string { return t.Text(v).Value }
	q, bad := parseDueQuery(c.Request.URL.Query())
	if len(bad) > 0 {
		return f, "", "", errBadRequest
	}
	ctx := c.Request.Context()
	switch {
	case q.Commitment != 0:
		cm, err := s.store.FindCommitmentByID(ctx, q.Commitment)
		if err != nil {
			return f, "", "", err
		}
		f.CommitmentID = cm.ID
		return f, t.T("feed.commitment", "Code", cm.Code, "Title", textOf(cm.Title)), fmt.Sprintf("/commitments/%d", cm.ID), nil
	case q.Agency != 0:
		a, err := s.store.FindAgencyByID(ctx, q.Agency)
		if err != nil {
			return f, "", "", err
		}
		f.AgencyID = a.ID
		return f, t.T("feed.agency", "Name", textOf(a.Name)), fmt.Sprintf("/agencies/%d", a.ID), nil
	case q.Plan != 0:
		p, err := s.store.FindPlanByID(ctx, q.Plan)
		if err != nil {
			return f, "", "", err
		}
		f.PlanID = p.ID
		return f, t.T("feed.plan", "Title", textOf(p.Title)), fmt.Sprintf("/plans/%d", p.ID), nil
	}
	return f, t.T("feed.all"), "/", nil
}

// feed is the record of changes as an Atom feed.
func (s *Server) feed(c *gin.Context) {
	pg := s.page(c)
	f, scope, page, err := s.feedScope(c, pg.T)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.Limit = feedEntries
	changes, err := s.store.FindRecentChanges(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	self := s.absolute(c.Request.URL.RequestURI())
	feed := atomFeed{Lang: pg.Lang, ID: self, Title: scope + " · " + pg.T.T("site.name"),
		Updated: s.now().UTC().Format(time.RFC3339), Author: atomPerson{Name: pg.T.T("site.name")},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: s.absolute(page)}}}
	if len(changes) > 0 {
		feed.Updated = changes[0].At.UTC().Format(time.RFC3339)
	}
	w := newChangeWords(pg.T, shortText)
	dated := make([]time.Time, 0, len(changes))
	for _, ch := range changes {
		dated = append(dated, ch.At)
		row := w.row(ch)
		var body strings.Builder
		for _, fr := range row.Fields {
			fmt.Fprintf(&body, "%s: %s → %s\n", fr.Name, shownWords(pg.T, fr.Before), shownWords(pg.T, fr.After))
		}
		if row.Created && row.Title.Short != "" {
			fmt.Fprintf(&body, "%s\n", row.Title.Short)
		}
		link := s.absolute(row.URL)
		feed.Entries = append(feed.Entries, atomEntry{ID: link, Title: row.What, Updated: ch.At.UTC().Format(time.RFC3339),
			Link: atomLink{Rel: "alternate", Type: "text/html", Href: link}, Author: atomPerson{Name: w.who(ch)},
			Content: atomText{Type: "text", Body: strings.TrimSpace(body.String())}})
	}
	if err := s.feedMeetings(c, pg.T, f, &feed, &dated); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.feedFollowUps(c, pg.T, f, &feed, &dated); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.feedQuestions(c, pg.T, f, &feed, &dated); err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.fail(c, err)
		return
	}
	s.sendBytes(c, 200, "application/atom+xml; charset=utf-8", buf.Bytes(), "")
}

// feedMeetings adds to the feed of the whole tracker or of a plan the
// forum's meetings, each as it was recorded, and each transcript as it was
// published.
func (s *Server) feedMeetings(c *gin.Context, t *i18n.Translator, f store.ChangeFilter, feed *atomFeed, dated *[]time.Time) error {
	if f.CommitmentID != 0 || f.AgencyID != 0 {
		return nil
	}
	ctx := c.Request.Context()
	ms, err := s.store.FindMeetings(ctx, f.PlanID)
	if err != nil {
		return err
	}
	published, err := s.store.FindTranscriptsPublished(ctx, f.PlanID)
	if err != nil {
		return err
	}
	for i := range ms {
		m := &ms[i]
		link := s.absolute(fmt.Sprintf("/meetings/%d", m.ID))
		title := t.T("meeting.kind."+string(m.Kind)) + " · " + t.Date(m.HeldOn)
		if m.Title != "" {
			title += " · " + m.Title
		}
		body := strings.TrimSpace(m.Place + "\n" + m.Link)
		feed.Entries = append(feed.Entries, atomEntry{ID: link, Title: title, Updated: m.CreatedAt.UTC().Format(time.RFC3339),
			Link: atomLink{Rel: "alternate", Type: "text/html", Href: link}, Author: atomPerson{Name: t.T("site.name")},
			Content: atomText{Type: "text", Body: body}})
		*dated = append(*dated, m.CreatedAt)
		at, ok := published[m.ID]
		if !ok {
			continue
		}
		tlink := s.absolute(fmt.Sprintf("/meetings/%d/transcript", m.ID))
		feed.Entries = append(feed.Entries, atomEntry{ID: tlink, Title: t.T("transcript.title") + " · " + title,
			Updated: at.UTC().Format(time.RFC3339), Link: atomLink{Rel: "alternate", Type: "text/html", Href: tlink},
			Author: atomPerson{Name: t.T("site.name")}, Content: atomText{Type: "text", Body: t.T("transcript.published.note", "When", t.Time(at))}})
		*dated = append(*dated, at)
	}
	return nil
}

// feedFollowUps adds to a feed the forum's follow-up items within its
// scope: each decided, each progress note, each closed (feedQuestions then
// orders the whole feed).
func (s *Server) feedFollowUps(c *gin.Context, t *i18n.Translator, f store.ChangeFilter, feed *atomFeed, dated *[]time.Time) error {
	items, err := s.store.FindFollowUps(c.Request.Context(), store.FollowUpFilter{CommitmentID: f.CommitmentID, AgencyID: f.AgencyID})
	if err != nil {
		return err
	}
	add := func(at time.Time, e atomEntry) {
		e.Updated = at.UTC().Format(time.RFC3339)
		feed.Entries = append(feed.Entries, e)
		*dated = append(*dated, at)
	}
	for i := range items {
		fu := &items[i]
		if f.PlanID != 0 && (fu.Meeting == nil || fu.Meeting.PlanID == nil || *fu.Meeting.PlanID != f.PlanID) {
			continue
		}
		link := s.absolute(fmt.Sprintf("/followups/%d", fu.ID))
		owner := t.T("site.name")
		if fu.Agency != nil {
			owner = t.Text(fu.Agency.Name).Value
		}
		forum := t.T("followup.title")
		add(fu.CreatedAt, atomEntry{ID: link, Title: forum + " · " + t.T("followup.event.decided") + ": " + excerpt(fu.What, 80),
			Link: atomLink{Rel: "alternate", Type: "text/html", Href: link}, Author: atomPerson{Name: t.T("site.name")},
			Content: atomText{Type: "text", Body: fu.What + "\n\n" + t.T("followup.owner") + ": " + owner}})
		for _, n := range fu.Notes {
			add(n.At, atomEntry{ID: fmt.Sprintf("%s#note-%d", link, n.ID), Title: forum + " · " + t.T("followup.event.note") + ": " + excerpt(fu.What, 80),
				Link: atomLink{Rel: "alternate", Type: "text/html", Href: link}, Author: atomPerson{Name: owner},
				Content: atomText{Type: "text", Body: n.Text}})
		}
		if !fu.IsOpen() {
			add(fu.UpdatedAt, atomEntry{ID: link + "#closed", Title: forum + " · " + t.T("followup.event.closed") + ": " + excerpt(fu.What, 80),
				Link: atomLink{Rel: "alternate", Type: "text/html", Href: link}, Author: atomPerson{Name: t.T("site.name")},
				Content: atomText{Type: "text", Body: fu.Closing}})
		}
	}
	return nil
}

// feedQuestions adds to a feed the questions asked and answered within
// its scope, newest first among its changes, within feedEntries in all.
// dated holds the instant of each entry already in the feed.
func (s *Server) feedQuestions(c *gin.Context, t *i18n.Translator, f store.ChangeFilter, feed *atomFeed, dated *[]time.Time) error {
	qf := store.QuestionFilter{CommitmentID: f.CommitmentID, AgencyID: f.AgencyID, Thread: true, Limit: feedEntries}
	if f.PlanID != 0 {
		qf.PlanIDs = []uint{f.PlanID}
	}
	qs, err := s.store.FindQuestions(c.Request.Context(), qf)
	if err != nil {
		return err
	}
	add := func(at time.Time, e atomEntry) {
		e.Updated = at.UTC().Format(time.RFC3339)
		feed.Entries = append(feed.Entries, e)
		*dated = append(*dated, at)
	}
	for i := range qs {
		q := &qs[i]
		link := s.absolute(fmt.Sprintf("/questions/%d", q.ID))
		number := t.T("question.number", "ID", q.ID)
		if q.Hidden() {
			add(*q.HiddenAt, atomEntry{ID: link + "#hidden", Title: number + ": " + t.T("question.hidden.short", "Reason", t.T("question.hide."+string(q.HiddenReason)), "Date", t.Time(*q.HiddenAt)),
				Link: atomLink{Rel: "alternate", Type: "text/html", Href: link}, Author: atomPerson{Name: t.T("question.secretariat")},
				Content: atomText{Type: "text", Body: t.T("question.hidden.policy")}})
			continue
		}
		asker := q.Name
		if asker == "" {
			asker = t.T("question.anonymous")
		}
		add(q.ReceivedAt, atomEntry{ID: link, Title: t.T("question.kind."+string(q.Kind)) + " · " + number + ": " + excerpt(q.Text, 80),
			Link: atomLink{Rel: "alternate", Type: "text/html", Href: link}, Author: atomPerson{Name: asker},
			Content: atomText{Type: "text", Body: q.Text}})
		for _, e := range q.Entries {
			if e.Kind != model.EntryAnswer {
				continue
			}
			signer := t.T("question.secretariat")
			if e.Agency != nil {
				signer = t.Text(e.Agency.Name).Value
			}
			add(e.At, atomEntry{ID: fmt.Sprintf("%s#entry-%d", link, e.ID), Title: number + ": " + t.T("question.entry.answer") + " · " + t.T("question.disposition."+string(e.Disposition)),
				Link: atomLink{Rel: "alternate", Type: "text/html", Href: fmt.Sprintf("%s#entry-%d", link, e.ID)}, Author: atomPerson{Name: signer},
				Content: atomText{Type: "text", Body: e.Body + "\n\n" + t.T("question.entry.reasons") + ": " + e.Reasons}})
		}
	}
	// Newest first, and no more than a feed carries.
	order := make([]int, len(feed.Entries))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return (*dated)[b].Compare((*dated)[a]) })
	entries := make([]atomEntry, 0, min(len(order), feedEntries))
	for _, i := range order[:min(len(order), feedEntries)] {
		entries = append(entries, feed.Entries[i])
	}
	feed.Entries = entries
	if len(entries) > 0 {
		feed.Updated = (*dated)[order[0]].UTC().Format(time.RFC3339)
	}
	return nil
}

// shownWords is a value of the record of changes in plain words.
func shownWords(t *i18n.Translator, v shownValue) string {
	if v.Empty {
		return t.T("feed.empty")
	}
	return v.Short
}

// calendar is the due dates of milestones as an iCalendar feed: one
// all-day event per leaf milestone on the last day it is due.
func (s *Server) calendar(c *gin.Context) {
	q, bad := parseDueQuery(c.Request.URL.Query())
	if len(bad) > 0 {
		s.fail(c, errBadRequest)
		return
	}
	pg := s.page(c)
	items, err := s.dueMilestones(c, q, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	b, host, stamp := s.newCalendar("milestones", pg.Lang, pg.T.T("calendar.name"))
	for _, it := range items {
		if it.M.Due.IsZero() {
			continue
		}
		day := it.M.Due.Last(time.UTC)
		link := s.absolute(fmt.Sprintf("/commitments/%d", it.C.ID))
		b.line("BEGIN:VEVENT")
		b.line(fmt.Sprintf("UID:milestone-%d@%s", it.M.ID, host))
		b.line("DTSTAMP:" + stamp)
		b.line("DTSTART;VALUE=DATE:" + day.Format("20060102"))
		b.line("DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"))
		b.prop("SUMMARY", fmt.Sprintf("%s/%s %s", it.C.Code, it.M.Ref, pg.T.Text(it.M.Title).Value))
		desc := pg.T.T("state." + string(it.State))
		if it.Agency != nil {
			desc += " · " + pg.T.Text(it.Agency.Name).Value
		}
		b.prop("DESCRIPTION", desc+"\n"+link)
		b.prop("URL", link)
		b.prop("CATEGORIES", string(it.State))
		b.line("END:VEVENT")
	}
	b.line("END:VCALENDAR")
	s.sendBytes(c, 200, "text/calendar; charset=utf-8", b.Bytes(), "")
}

// newCalendar begins an iCalendar file of kind ("milestones", "meetings")
// named name, and returns it with the host its events' UIDs are of and
// the DTSTAMP they carry.
func (s *Server) newCalendar(kind, lang, name string) (b *icsWriter, host, stamp string) {
	host = "ogptracker"
	if u, err := url.Parse(s.baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	b = &icsWriter{}
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:-//ogptracker//" + kind + "//" + strings.ToUpper(lang))
	b.line("CALSCALE:GREGORIAN")
	b.line("METHOD:PUBLISH")
	b.prop("X-WR-CALNAME", name)
	return b, host, s.now().UTC().Format("20060102T150405Z")
}

// icsWriter writes iCalendar content lines: CRLF-terminated, folded at
// 75 octets without splitting a character, with text values escaped.
type icsWriter struct{ bytes.Buffer }

func (w *icsWriter) line(l string) {
	for len(l) > 75 {
		cut := 75
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		w.WriteString(l[:cut] + "\r\n ")
		l = l[cut:]
	}
	w.WriteString(l + "\r\n")
}

var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`)

// prop writes a property whose value is text.
func (w *icsWriter) prop(name, value string) {
	if name != "URL" {
		value = icsEscaper.Replace(value)
	}
	w.line(name + ":" + value)
}
