package web_test

import (
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// A member with several plans: home shows the latest, and every plan page
// offers the others, earlier ones included, with the current one marked.
func TestPlanSwitcherOffersTheMembersEarlierPlans(t *testing.T) {
	second := &model.Dataset{Plans: []model.PlanRecord{{
		Ref: "TWN-2", Jurisdiction: model.T("zh-TW", "臺灣", "en", "Taiwan"), JurisdictionCode: "TWN", Number: 2,
		Title: model.T("zh-TW", "第二期行動方案", "en", "Second action plan"),
		Start: model.MustDate("2025-01"), End: model.MustDate("2028-12"), Status: model.PlanImplementation,
	}}}
	srv := newServerWith(t, day, second)

	home := mustGet(t, srv, "/?lang=en")
	wantIn(t, "home", home, "<h1>Second action plan</h1>")
	switcher := section(t, home, `<nav class="switcher"`, "</nav>")
	wantIn(t, "switcher", switcher, `aria-label="Action plans of this member"`,
		"Taiwan Open Government National Action Plan (2021–2024)", "Second action plan", "latest plan", `href="/plans"`)
	first := linkBefore(t, switcher, "/plans/", "Taiwan Open Government National Action Plan")
	if got := shownPlan(t, switcher); got == first {
		t.Error("home marks the earlier plan as the one shown")
	}

	earlier := mustGet(t, srv, first+"?lang=zh-TW")
	wantIn(t, "earlier plan", earlier, "<h1>臺灣開放政府國家行動方案（2021–2024）</h1>", "承諾事項（19 項）", "最新一期")
	if got := shownPlan(t, section(t, earlier, `<nav class="switcher"`, "</nav>")); got != first {
		t.Errorf("the earlier plan's switcher marks %s as shown, want %s", got, first)
	}
}

// shownPlan is the one link a plan switcher marks as the page shown.
func shownPlan(t *testing.T, switcher string) string {
	t.Helper()
	if n := strings.Count(switcher, `aria-current="page"`); n != 1 {
		t.Fatalf("switcher marks %d plans as shown, want 1", n)
	}
	return linkBefore(t, switcher, "/plans/", `aria-current="page"`)
}
