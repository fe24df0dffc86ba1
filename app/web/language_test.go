package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// bilingualPlan is a member's plan given in English and French only, as
// many members' are.
func bilingualPlan() *model.Dataset {
	return &model.Dataset{
		Agencies: []model.AgencyRecord{{Code: "OT-FIN", Name: model.T("en", "Finance Office", "fr", "Service des finances")}},
		Plans: []model.PlanRecord{{
			Ref: "OTN-1", Jurisdiction: model.T("en", "Open Town", "fr", "Ville ouverte"), JurisdictionCode: "OTN-LOCAL",
			JurisdictionLevel: model.JurisdictionLocal, Number: 1,
			Title: model.T("en", "Open Town action plan", "fr", "Plan d’action de Ville ouverte"),
			Start: model.MustDate("2021-09"), End: model.MustDate("2023-08"), Status: model.PlanImplementation,
			Themes: []model.ThemeRecord{{Number: 1, Name: model.T("en", "Open budgets", "fr", "Budgets ouverts")}},
			Commitments: []model.CommitmentRecord{{
				Ref: "OTN-1/1", Code: "1", Theme: 1, LeadAgency: "OT-FIN",
				Title:       model.T("en", "Publish the budget as open data", "fr", "Publier le budget en données ouvertes"),
				Description: model.T("en", "Every line of the town's budget, every quarter.", "fr", "Chaque ligne du budget de la ville, chaque trimestre."),
				Start:       model.MustDate("2021-09"), End: model.MustDate("2023-08"),
				Milestones: []model.MilestoneRecord{{Ref: "1", Title: model.T("en", "Budget portal online", "fr", "Portail budgétaire en ligne"),
					Start: model.MustDate("2021-09"), Due: model.MustDate("2022-12-02"), Status: model.MilestoneInProgress, Weight: 1}},
			}},
		}},
	}
}

// The plan reads entirely in the visitor's language: interface, content,
// dates, the lang attribute and Content-Language, whether the language is
// asked for in the address or by the browser; and nothing pins it.
func TestABilingualPlanReadsEntirelyInTheVisitorsLanguage(t *testing.T) {
	srv := newServerWith(t, day, bilingualPlan())
	plans := mustGet(t, srv, "/plans?lang=en")
	plan := linkBefore(t, plans, "/plans/", "Open Town action plan")
	commitment := linkBefore(t, mustGet(t, srv, plan+"?lang=en"), "/commitments/", "Publish the budget as open data")

	french := []string{"Plan d’action de Ville ouverte", "Ville ouverte", "Budgets ouverts", "Publier le budget en données ouvertes"}
	english := []string{"Open Town action plan", "Open Town", "Open budgets", "Publish the budget as open data"}
	for _, tc := range []struct {
		name, query string
		header      []string
		lang        string
		want, not   []string
	}{
		{"?lang=fr", "?lang=fr", nil, "fr", append(french, "Avancement global", "septembre 2021", "août 2023", "Accueil"), english},
		{"Accept-Language: fr-CA", "", []string{"Accept-Language", "fr-CA,fr;q=0.9"}, "fr", append(french, "Avancement global", "septembre 2021"), english},
		{"?lang=en", "?lang=en", []string{"Accept-Language", "fr-CA,fr;q=0.9"}, "en", append(english, "Overall progress", "Sep 2021", "Aug 2023"), french},
		// A language the tracker has no catalog for is no choice: the browser's is next.
		{"?lang=de", "?lang=de", []string{"Accept-Language", "fr-BE"}, "fr", french, english},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := get(t, srv, plan+tc.query, tc.header...)
			checkServedIn(t, plan+tc.query, res, body, tc.lang)
			wantIn(t, plan+tc.query, body, tc.want...)
			wantNotIn(t, plan+tc.query, body, tc.not...)

			res, body = get(t, srv, commitment+tc.query, tc.header...)
			checkServedIn(t, commitment+tc.query, res, body, tc.lang)
			if tc.lang == "fr" {
				wantIn(t, commitment, body, "Publier le budget en données ouvertes", "Chaque ligne du budget de la ville",
					"Portail budgétaire en ligne", "Service des finances", "2 décembre 2022", "Organisme responsable", "Jalon")
				wantNotIn(t, commitment, body, "Budget portal online", "Finance Office", "Dec 2022")
			} else {
				wantIn(t, commitment, body, "Budget portal online", "Finance Office", "2 Dec 2022")
				wantNotIn(t, commitment, body, "Portail budgétaire en ligne", "Service des finances")
			}
		})
	}
}

// checkServedIn checks that a page is in lang throughout its headers and
// markup, that none of its texts fell back to another language, and that
// it set no cookie: only the language switch remembers a language.
func checkServedIn(t *testing.T, path string, res *http.Response, body, lang string) {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d", path, res.StatusCode)
	}
	if got := res.Header.Get("Content-Language"); got != lang {
		t.Errorf("%s: Content-Language %q, want %q", path, got, lang)
	}
	if !strings.Contains(body, `<html lang="`+lang+`">`) {
		t.Errorf("%s: not <html lang=%q>", path, lang)
	}
	if strings.Contains(body, "fallback-notice") {
		t.Errorf("%s: texts fell back: %s", path, section(t, body, `fallback-notice`, "</p>"))
	}
	if ck := res.Header.Get("Set-Cookie"); ck != "" {
		t.Errorf("%s: set a cookie %q", path, ck)
	}
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Language") {
		t.Errorf("%s: Vary %q", path, res.Header.Get("Vary"))
	}
}

// The demo plan, given in Chinese and partly in English, read in French:
// French interface, English where a text has English, Chinese where it
// has only Chinese, and the page says so once at its top.
func TestAFrenchReaderOfTheDemoPlanIsToldOnceWhatFallsBack(t *testing.T) {
	srv := newServer(t, day)
	res, body := get(t, srv, "/", "Accept-Language", "fr")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Language") != "fr" {
		t.Fatalf("status %d, Content-Language %q", res.StatusCode, res.Header.Get("Content-Language"))
	}
	notice := "<p class=\"fallback-notice\" role=\"note\">Certains textes de cette page sont en anglais ou chinois traditionnel\u00a0: ils n’ont pas été fournis en français.</p>"
	if strings.Count(body, notice) != 1 {
		t.Errorf("the notice is not said once:\n%s", section(t, body, "<main", "<h1"))
	}
	wantIn(t, "French home", body, `<html lang="fr">`, "19 engagements", "Promoting open data and information transparency",
		`<span lang="en">Promoting open data and information transparency</span>`,
		`<span lang="zh-TW">完備政府資料開放與再利用制度</span>`, "Organisme responsable inconnu")
	wantNotIn(t, "French home", body, "(anglais)", "(Anglais)", "(英文)")
}

// A ?lang= that is not a language tag is refused, in the language the
// visitor would otherwise get, and not guessed at.
func TestAMalformedLanguageIsRefused(t *testing.T) {
	srv := newServer(t, day)
	for _, q := range []string{"EN_us", "en_US", "garbage%20words", "fr,en", "x"} {
		res, body := get(t, srv, "/plans?lang="+q, "Accept-Language", "fr-CA")
		if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Language") != "fr" ||
			!strings.Contains(body, `<html lang="fr">`) || !strings.Contains(body, "Cette langue n’est pas reconnue") {
			t.Errorf("?lang=%s: %d, Content-Language %q:\n%.300s", q, res.StatusCode, res.Header.Get("Content-Language"), body)
		}
		if res.Header.Get("Set-Cookie") != "" {
			t.Errorf("?lang=%s set a cookie", q)
		}
	}
	// Without a browser language, in the default one, with the language switch to leave.
	res, body := get(t, srv, "/plans?lang=EN_us")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `<html lang="zh-TW">`) || !strings.Contains(body, "無法辨識這個語言") ||
		!strings.Contains(body, `href="/plans?choose=1&amp;lang=fr"`) {
		t.Errorf("?lang=EN_us without Accept-Language: %d\n%s", res.StatusCode, body)
	}
	// The API names the parameter at fault.
	res, body = get(t, srv, "/api/v1/plans?lang=EN_us")
	var p struct {
		Status int
		Errors []struct{ Field, Detail string }
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil || res.StatusCode != http.StatusBadRequest || p.Status != 400 ||
		len(p.Errors) != 1 || p.Errors[0].Field != "lang" || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("API: %d %s (%v)", res.StatusCode, body, err)
	}
}
