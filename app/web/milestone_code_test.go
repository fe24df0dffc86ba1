package web_test

import (
	"context"
	"fmt"
	"testing"
)

// Milestones are known by their codes (the commitment's code and the
// milestone's own ref, as plans number them): the list of what is due, its
// calendar and an agency's overdue milestones show them beside the titles.
func TestMilestoneListsShowEachMilestonesCode(t *testing.T) {
	st, srv := watchServer(t, window(t), mar1)
	// The demo's titles are in Chinese only: marked as such on English pages.
	titled := map[string]string{"zh-TW": "", "en": `<span lang="zh-TW">`}
	for _, lang := range []string{"en", "zh-TW"} {
		overdue := `<span class="code">2-1.1</span> ` + titled[lang] + "新增憑證多元應用範圍"    // due 10 January
		child := `<span class="code">2-4.2.1</span> ` + titled[lang] + "子里程碑：工會登記指引初稿" // a child milestone
		upcoming := `<span class="code">2-1.4</span> `                                 // due 30 April
		body := mustGet(t, srv, "/milestones?lang="+lang)
		wantIn(t, "overdue milestones", section(t, body, `<section id="overdue"`, "</section>"), `<th scope="row">`+overdue, `<th scope="row">`+child)
		wantIn(t, "upcoming milestones", section(t, body, `<section id="upcoming"`, "</section>"), `<th scope="row">`+upcoming)
		calendar := mustGet(t, srv, "/milestones?month=2022-01&lang="+lang)
		wantIn(t, "calendar", section(t, calendar, `<section id="calendar"`, "</section>"), "</a>: "+overdue)

		cec, err := st.FindAgencyByCode(context.Background(), "CEC")
		if err != nil {
			t.Fatal(err)
		}
		agency := mustGet(t, srv, fmt.Sprintf("/agencies/%d?lang=%s", cec.ID, lang))
		wantIn(t, "the agency's overdue milestones", section(t, agency, `<table class="milestones">`, "</table>"), `<th scope="row">`+overdue)
	}
}
