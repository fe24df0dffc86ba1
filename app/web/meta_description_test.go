package web_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/demo"
	"github.com/ogptracker/ogptracker/app/model"
)

var metaDescription = regexp.MustCompile(`<meta name="description" content="([^"]*)">`)

// description is a page's <meta name="description">, unescaped.
func description(t *testing.T, what, page string) string {
	t.Helper()
	m := metaDescription.FindAllStringSubmatch(page, -1)
	if len(m) != 1 {
		t.Fatalf("%s: %d meta descriptions, want 1", what, len(m))
	}
	return html.UnescapeString(m[0][1])
}

// Search engines and link previews show a page's description: every public
// page has its own, in the page's language, saying what that page holds (the
// plan's or commitment's own words where the page is about one).
func TestEveryPublicPageDescribesItselfInItsLanguage(t *testing.T) {
	ds, err := demo.Dataset()
	if err != nil {
		t.Fatal(err)
	}
	// A description of its own in Chinese only, longer than a snippet.
	const own = "建置全國性公民投票案電子連署系統，讓民眾可以透過自然人憑證或健保卡等方式，於線上完成公民投票案的提案與連署，降低參與門檻並節省行政成本。系統上線前將邀請公民團體與民眾共同測試，依回饋意見增修功能，並公開系統原始碼與資安檢測結果，確保連署過程透明、可信任，也讓各地方政府未來辦理地方性公民投票時可以參考運用。系統營運後每年公布使用統計。"
	for i := range ds.Plans[0].Commitments {
		if c := &ds.Plans[0].Commitments[i]; c.Code == "2-1" {
			c.Description = model.T("zh-TW", own)
		}
	}
	st, srv := watchServer(t, ds, jan15)
	ctx := context.Background()
	plan, err := st.FindHomePlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cec, err := st.FindAgencyByCode(ctx, "CEC")
	if err != nil {
		t.Fatal(err)
	}
	c21, err := st.FindCommitmentByID(ctx, 6)
	if err != nil || c21.Code != "2-1" {
		t.Fatalf("commitment 6 is not 2-1 (%v)", err)
	}
	commitment := "/commitments/6"
	pages := []string{"/", "/plans", fmt.Sprintf("/plans/%d", plan.ID), "/commitments", commitment, commitment + "/evidence",
		"/changes/1", "/themes/1", fmt.Sprintf("/agencies/%d", cec.ID), "/milestones", "/about", "/api", "/meetings"}
	site := map[string]string{"en": "Follow an open government action plan", "zh-TW": "逐項追蹤開放政府國家行動方案"}
	got := map[string]map[string]string{}
	for _, lang := range []string{"en", "zh-TW"} {
		got[lang] = map[string]string{}
		seen := map[string]string{}
		for _, path := range pages {
			if path == "/" {
				continue // the home page is the home plan's page
			}
			d := description(t, path+" in "+lang, mustGet(t, srv, withLang(path, lang)))
			if len([]rune(d)) < 30 || strings.Contains(d, "{{") || strings.HasPrefix(d, "meta.") {
				t.Errorf("%s in %s: description %q", path, lang, d)
			}
			if strings.HasPrefix(d, site[lang]) {
				t.Errorf("%s in %s: the site's general description, not the page's own: %q", path, lang, d)
			}
			if other, dup := seen[d]; dup {
				t.Errorf("%s and %s in %s share their description %q", other, path, lang, d)
			}
			seen[d], got[lang][path] = path, d
		}
		if d := description(t, "/ in "+lang, mustGet(t, srv, withLang("/", lang))); d != got[lang][fmt.Sprintf("/plans/%d", plan.ID)] {
			t.Errorf("home in %s: %q, not the home plan's description", lang, d)
		}
		// Pages of their own (a form) say what the tracker is.
		if d := description(t, "/signin in "+lang, mustGet(t, srv, withLang("/signin", lang))); !strings.HasPrefix(d, site[lang]) {
			t.Errorf("/signin in %s: %q", lang, d)
		}
	}
	for _, c := range []struct{ lang, path, want string }{
		{"en", fmt.Sprintf("/plans/%d", plan.ID), "Taiwan Open Government National Action Plan (2021–2024): how each commitment is doing"},
		{"zh-TW", fmt.Sprintf("/plans/%d", plan.ID), "臺灣開放政府國家行動方案（2021–2024）：每項承諾事項的執行情形"},
		// The commitment's own words where the page's language has them, cut for a snippet.
		{"zh-TW", commitment, string([]rune(own)[:160]) + "…"},
		{"en", commitment, "Commitment 2-1, "},
		{"en", fmt.Sprintf("/agencies/%d", cec.ID), "Central Election Commission: the commitments it leads or supports"},
		{"zh-TW", fmt.Sprintf("/agencies/%d", cec.ID), "中央選舉委員會：主辦或協辦的承諾事項"},
		{"en", "/milestones", "The milestones of Taiwan Open Government National Action Plan (2021–2024) that are overdue or due soon"},
	} {
		if d := got[c.lang][c.path]; !strings.HasPrefix(d, c.want) {
			t.Errorf("%s in %s: description %q, want it to begin %q", c.path, c.lang, d, c.want)
		}
	}
}
