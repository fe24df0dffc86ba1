package demo_test

import (
	"time"

	"net/mail"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
)

func dataset(t *testing.T) *model.Dataset {
	t.Helper()
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatalf("demo.Dataset: %v", err)
	}
	if len(ds.Plans) != 1 || ds.Plans[0].Ref != demo.PlanRef {
		t.Fatalf("want the one plan %s, got %d plans", demo.PlanRef, len(ds.Plans))
	}
	return ds
}

func commitment(t *testing.T, ds *model.Dataset, code string) *model.CommitmentRecord {
	t.Helper()
	for i := range ds.Plans[0].Commitments {
		if c := &ds.Plans[0].Commitments[i]; c.Code == code {
			return c
		}
	}
	t.Fatalf("no commitment %s", code)
	return nil
}

func TestDatasetShape(t *testing.T) {
	ds := dataset(t)
	plan := ds.Plans[0]
	if ds.Format != model.DatasetFormat || ds.Source == "" {
		t.Errorf("format %q, source %q; want %q and an attribution", ds.Format, ds.Source, model.DatasetFormat)
	}
	if len(plan.Themes) != 5 {
		t.Errorf("%d themes, want 5", len(plan.Themes))
	}
	for i, th := range plan.Themes {
		en, shown := th.Name.Get("en")
		if th.Number != i+1 || shown != "en" || en == "" || en[:1] != strings.ToUpper(en[:1]) {
			t.Errorf("theme %d: number %d, English name %q (shown in %s); want %d with a capitalised English name", i, th.Number, en, shown, i+1)
		}
		if zh, shown := th.Name.Get("zh-TW"); shown != "zh-TW" || zh == "" {
			t.Errorf("theme %d has no Chinese name", th.Number)
		}
	}
	if en, _ := plan.Themes[0].Name.Get("en"); en != "Promoting open data and information transparency" {
		t.Errorf("theme 1 in English: %q", en)
	}

	var milestones, led, unknown int
	for _, c := range plan.Commitments {
		milestones += len(c.Milestones)
		if c.LeadAgency != "" {
			led++
		} else {
			unknown++
		}
		if c.Ref != demo.PlanRef+"/"+c.Code || c.Theme < 1 || c.Theme > 5 || c.Title.IsEmpty() {
			t.Errorf("commitment %+v: want ref %s/code, a theme 1–5 and a title", c, demo.PlanRef)
		}
		for _, m := range c.Milestones {
			if m.Status != model.MilestoneNotStarted || m.Weight != 1 || m.Title.IsEmpty() {
				t.Errorf("%s milestone %s: status %q, weight %v; want not started, weight 1, a title", c.Code, m.Ref, m.Status, m.Weight)
			}
		}
	}
	if len(plan.Commitments) != 19 || milestones != 37 {
		t.Errorf("%d commitments and %d milestones, want 19 and 37", len(plan.Commitments), milestones)
	}
	if led != 7 || unknown != 12 {
		t.Errorf("%d commitments with a lead agency and %d without, want 7 and 12", led, unknown)
	}
}

// The source gives no agency or dates for most commitments: they stay
// unknown, never guessed.
func TestDatasetLeavesUnknownsUnknown(t *testing.T) {
	ds := dataset(t)
	for _, code := range []string{"1-2", "2-5", "3-1", "4-3", "5-2"} {
		c := commitment(t, ds, code)
		if c.LeadAgency != "" || len(c.SupportingAgencies) != 0 || !c.Start.IsZero() || !c.End.IsZero() {
			t.Errorf("%s: lead %q, supporting %v, %v–%v; the source gives none", code, c.LeadAgency, c.SupportingAgencies, c.Start, c.End)
		}
	}
	c := commitment(t, ds, "4-1")
	for _, m := range c.Milestones {
		undated := m.Ref == "3" || m.Ref == "4" || m.Ref == "5" || m.Ref == "6"
		if undated && (!m.Start.IsZero() || !m.Due.IsZero()) {
			t.Errorf("4-1 milestone %s: %v–%v, the source gives no dates", m.Ref, m.Start, m.Due)
		}
		if !undated && m.Start.IsZero() {
			t.Errorf("4-1 milestone %s has lost its start date", m.Ref)
		}
	}
	if len(c.Milestones) != 6 {
		t.Errorf("4-1 has %d milestones, want 6", len(c.Milestones))
	}
	if m := c.Milestones[1]; m.Start != model.MustDate("2022-01") || !m.Due.IsZero() {
		t.Errorf("4-1 milestone 2: %v–%v, want 2022-01 with no due date", m.Start, m.Due)
	}
	if m := commitment(t, ds, "2-3").Milestones[0]; m.Start != model.MustDate("2021-01") || m.Due != model.MustDate("2021-02") || !m.Due.MonthOnly() {
		t.Errorf("2-3 milestone 1: %v–%v, want 2021-01 to 2021-02 (month precision)", m.Start, m.Due)
	}
}

func TestDatasetAgencies(t *testing.T) {
	ds := dataset(t)
	codes := map[string]model.AgencyRecord{}
	for _, a := range ds.Agencies {
		if _, dup := codes[a.Code]; dup {
			t.Errorf("agency %s listed twice", a.Code)
		}
		codes[a.Code] = a
	}
	// 國發會 (1-1) and 國家發展委員會 (2-3) are the same council.
	if l1, l2 := commitment(t, ds, "1-1").LeadAgency, commitment(t, ds, "2-3").LeadAgency; l1 != "NDC" || l2 != "NDC" {
		t.Errorf("1-1 led by %q, 2-3 by %q; want both NDC", l1, l2)
	}
	if ndc := codes["NDC"]; ndc.Name["zh-TW"] != "國家發展委員會" || ndc.ShortName["zh-TW"] != "國發會" || ndc.Parent != "EY" {
		t.Errorf("NDC: %+v", ndc)
	}
	want := map[string]struct {
		lead       string
		supporting []string
	}{
		"1-1": {"NDC", []string{"EY-ALL"}},
		"2-1": {"CEC", []string{"EY-DCS"}},
		"2-2": {"MOE", nil},
		"2-4": {"MOL", []string{"MOEA"}},
		"3-4": {"HAC", []string{"ALL"}},
		"4-1": {"MOI", []string{"CY"}},
	}
	for code, w := range want {
		c := commitment(t, ds, code)
		if c.LeadAgency != w.lead || strings.Join(c.SupportingAgencies, ",") != strings.Join(w.supporting, ",") {
			t.Errorf("%s: lead %q, supporting %v; want %q, %v", code, c.LeadAgency, c.SupportingAgencies, w.lead, w.supporting)
		}
	}
	// Every code the plan or the contacts name is listed.
	for _, c := range ds.Plans[0].Commitments {
		for _, code := range append([]string{c.LeadAgency}, c.SupportingAgencies...) {
			if _, ok := codes[code]; code != "" && !ok {
				t.Errorf("%s names agency %q, which is not listed", c.Code, code)
			}
		}
	}
	for _, a := range ds.Agencies {
		if _, ok := codes[a.Parent]; a.Parent != "" && !ok {
			t.Errorf("agency %s has unlisted parent %q", a.Code, a.Parent)
		}
	}
}

func TestDatasetPeopleAreMadeUp(t *testing.T) {
	ds := dataset(t)
	if len(ds.Contacts) == 0 || len(ds.Organisations) == 0 {
		t.Fatalf("%d contacts, %d organisations; the demo needs people", len(ds.Contacts), len(ds.Organisations))
	}
	isExample := func(address string) bool {
		a, err := mail.ParseAddress(address)
		if err != nil {
			return false
		}
		domain := a.Address[strings.LastIndex(a.Address, "@")+1:]
		return domain == "example.org" || strings.HasSuffix(domain, ".example.org")
	}
	for _, c := range ds.Contacts {
		if !c.Demo {
			t.Errorf("contact %s is not marked demo", c.Ref)
		}
		if !isExample(c.Email) {
			t.Errorf("contact %s: address %q is not at example.org", c.Ref, c.Email)
		}
		if !strings.Contains(c.Name, "示範") || !strings.Contains(c.Name, "demo") {
			t.Errorf("contact %s: name %q does not say it is made up", c.Ref, c.Name)
		}
		if err := (&model.Contact{Ref: c.Ref, Name: c.Name, Role: c.Role, Email: c.Email, ActiveFrom: c.ActiveFrom, ActiveTo: c.ActiveTo}).Validate(); err != nil {
			t.Errorf("contact %s: %v", c.Ref, err)
		}
	}
	for _, o := range ds.Organisations {
		if !strings.Contains(o.Name["en"], "(demo)") || !strings.HasSuffix(strings.TrimPrefix(o.URL, "https://"), ".example.org") {
			t.Errorf("organisation %s: %q at %q does not say it is made up", o.Code, o.Name["en"], o.URL)
		}
	}
}

// The NDC liaison hands over on 2022-07-01, so the history of a role shows.
func TestDatasetLiaisonHandover(t *testing.T) {
	ds := dataset(t)
	var liaisonsOn = func(day string) []string {
		var refs []string
		for _, r := range ds.Contacts {
			c := model.Contact{ActiveFrom: r.ActiveFrom, ActiveTo: r.ActiveTo}
			if r.Agency == "NDC" && r.Role == model.ContactLiaison && c.ActiveOn(model.MustDate(day)) {
				refs = append(refs, r.Ref)
			}
		}
		return refs
	}
	for day, want := range map[string]string{"2022-01-01": "demo-ndc-liaison-2021", "2022-06-30": "demo-ndc-liaison-2021", "2022-07-01": "demo-ndc-liaison", "2023-01-01": "demo-ndc-liaison"} {
		if got := liaisonsOn(day); len(got) != 1 || got[0] != want {
			t.Errorf("NDC liaisons on %s: %v, want just %s", day, got, want)
		}
	}
}

// Each call gives a dataset of its own: changing one does not change the next.
func TestDatasetIsFreshEachTime(t *testing.T) {
	ds := dataset(t)
	ds.Organisations[0].URL = "https://changed.example.org"
	ds.Organisations[0].Name["en"] = "Changed"
	ds.Agencies[0].Name["en"] = "Changed"
	again := dataset(t)
	if again.Organisations[0].URL == "https://changed.example.org" || again.Organisations[0].Name["en"] == "Changed" || again.Agencies[0].Name["en"] == "Changed" {
		t.Error("changing one demo dataset changed the next one")
	}
}

// Every record is valid as the importer will check it.
func TestDatasetIsValid(t *testing.T) {
	ds := dataset(t)
	p := ds.Plans[0]
	plan := model.Plan{Ref: p.Ref, Jurisdiction: p.Jurisdiction, JurisdictionCode: p.JurisdictionCode, JurisdictionLevel: p.JurisdictionLevel,
		Number: p.Number, Title: p.Title, Start: p.Start, End: p.End, Status: p.Status, Documents: p.Documents}
	if err := plan.Validate(); err != nil {
		t.Errorf("plan: %v", err)
	}
	for _, c := range p.Commitments {
		cm := model.Commitment{Ref: c.Ref, Code: c.Code, Title: c.Title, Start: c.Start, End: c.End}
		if err := cm.Validate(); err != nil {
			t.Errorf("commitment %s: %v", c.Code, err)
		}
		for _, m := range c.Milestones {
			ms := model.Milestone{Ref: m.Ref, Title: m.Title, Start: m.Start, Due: m.Due, Status: m.Status, Weight: m.Weight}
			if err := ms.Validate(); err != nil {
				t.Errorf("%s milestone %s: %v", c.Code, m.Ref, err)
			}
		}
	}
}

// Only the milestone whose source note lists documents under it has evidence.
func TestEvidenceOnlyWhereTheSourceGivesIt(t *testing.T) {
	ds := dataset(t)
	var with []string
	for _, c := range ds.Plans[0].Commitments {
		for _, m := range c.Milestones {
			if len(m.Evidence) > 0 {
				with = append(with, c.Code+"#"+m.Ref)
			}
		}
	}
	if len(with) != 1 || with[0] != "2-2#2" {
		t.Fatalf("milestones with evidence: %v, want only 2-2#2", with)
	}
	ev := commitment(t, ds, "2-2").Milestones[1].Evidence
	if len(ev) != 2 || ev[0].Title["zh-TW"] != "110年Talk討論主題「心理健康」建議討論面向盤點說明" ||
		!strings.HasPrefix(ev[1].URL, "https://www.youthhub.tw/Content/Uploads/File/") || ev[1].Title["en"] != "" {
		t.Errorf("2-2#2 evidence %+v", ev)
	}
}

// The second plan holds what its sources publish and nothing more.
func TestSecondPlanHoldsOnlyWhatIsPublic(t *testing.T) {
	ds, err := demo.SecondPlan()
	if err != nil {
		t.Fatal(err)
	}
	p := ds.Plans[0]
	if p.Ref != demo.SecondPlanRef || p.Number != 2 || p.Status != model.PlanImplementation ||
		p.Start != model.MustDate("2025-01") || p.End != model.MustDate("2028-12") || ds.Source == "" {
		t.Errorf("second plan %s #%d %s %v–%v, source %q", p.Ref, p.Number, p.Status, p.Start, p.End, ds.Source)
	}
	if len(p.Commitments) != 7 || len(p.Themes) != 0 {
		t.Fatalf("%d commitments and %d themes, want 7 and none", len(p.Commitments), len(p.Themes))
	}
	for _, c := range p.Commitments {
		if c.Title["en"] == "" || c.LeadAgency != "" || len(c.Milestones) != 0 || !c.Start.IsZero() {
			t.Errorf("commitment %s: %+v; want an English title and no agency, milestone or date", c.Code, c)
		}
		_, zh := c.Title["zh-TW"]
		if want := c.Code >= "4"; zh != want {
			t.Errorf("commitment %s has a Chinese title: %v, want %v (the source gives 4 to 7)", c.Code, zh, want)
		}
	}
}

// Every text of the made-up plan begins with the marker, and its dates
// follow the day it is made for.
func TestIllustrativeDatasetIsMarkedAndDatedFromToday(t *testing.T) {
	today := model.MustDate("2026-12-02")
	ds := demo.IllustrativeDataset(today)
	marked := func(what string, tx model.Text) {
		for lang, v := range tx {
			if !strings.HasPrefix(v, demo.MadeUp) {
				t.Errorf("%s (%s) %q is not marked", what, lang, v)
			}
		}
	}
	p := ds.Plans[0]
	marked("plan", p.Title)
	marked("jurisdiction", p.Jurisdiction)
	for _, a := range ds.Agencies {
		marked("agency", a.Name)
	}
	dueSoon := 0
	for _, c := range p.Commitments {
		marked("commitment "+c.Code, c.Title)
		for _, m := range c.Milestones {
			marked("milestone "+c.Code+"#"+m.Ref, m.Title)
			if m.Due == model.DayOf(today.First(time.UTC).AddDate(0, 0, 21)) {
				dueSoon++
			}
		}
	}
	if dueSoon != 3 {
		t.Errorf("%d milestones due in three weeks, want 3", dueSoon)
	}
	ps := demo.IllustrativePeriods(today)
	if ps[0].StartsOn != model.MustDate("2026-01-01") || ps[0].EndsOn != model.MustDate("2026-06-30") || ps[1].EndsOn != model.MustDate("2026-12-31") {
		t.Errorf("periods %v–%v, %v–%v", ps[0].StartsOn, ps[0].EndsOn, ps[1].StartsOn, ps[1].EndsOn)
	}
	if ps := demo.IllustrativePeriods(model.MustDate("2027-03-01")); ps[0].StartsOn != model.MustDate("2026-07-01") {
		t.Errorf("in March, the last period starts %v, want the previous July", ps[0].StartsOn)
	}
}
