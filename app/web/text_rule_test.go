package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// The model's text rule reaches the forms: a control character or a line
// break in a code, or a NUL byte in a name, answers 422 with the field
// marked and what was typed kept, and stores nothing.
func TestFormsRefuseControlCharactersWithTheFieldNamed(t *testing.T) {
	site := newPeopleSite(t)
	admin := site.as(adminEmail)
	_, before := site.allChanges()
	for _, tc := range []struct{ what, code, name string }{
		{"a line break in the code", "OGP\nTEST", "測試機關"},
		{"a NUL byte in the code", "OGP\x00TEST", "測試機關"},
		{"a NUL byte in the name", "OGP-TEST", "測試\x00機關"},
		{"an escape in the name", "OGP-TEST", "測試\x1b[2J機關"},
	} {
		res, page := admin.post("/admin/agencies", url.Values{"code": {tc.code}, "name.zh-TW": {tc.name}, "name.en": {"Kept as typed"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `aria-invalid="true"`) {
			t.Errorf("%s: %d, want 422 with the field marked", tc.what, res.StatusCode)
		}
		if !strings.Contains(page, `value="Kept as typed"`) {
			t.Errorf("%s: what was typed is lost", tc.what)
		}
		if _, err := site.st.FindAgencyByCode(context.Background(), tc.code); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("%s: the agency was stored (%v)", tc.what, err)
		}
	}
	if _, after := site.allChanges(); after != before {
		t.Errorf("refused forms entered %d changes", after-before)
	}
}

// The write API names the field a control character is in, as problem
// details, and drafts nothing.
func TestTheWriteAPIRefusesControlCharactersNamingTheField(t *testing.T) {
	site := newAPISite(t)
	ctx := context.Background()
	before, err := site.st.FindReports(ctx, site.commitmentID)
	if err != nil {
		t.Fatal(err)
	}
	for field, body := range map[string]string{
		"narrative":  `"narrative": "Done.\u0000"`,
		"challenges": `"narrative": "Done.", "challenges": "\u001b[2J"`,
		"next_steps": `"narrative": "Done.", "next_steps": "Next\u0007"`,
	} {
		res, answer := site.call("POST", "/api/v1/reports", site.reportOnly,
			fmt.Sprintf(`{"commitment_id": %d, "period_id": %d, %s}`, site.commitmentID, site.period.ID, body))
		var problem struct {
			Errors []struct{ Field, Detail string } `json:"errors"`
		}
		if res.StatusCode != http.StatusUnprocessableEntity || res.Header.Get("Content-Type") != "application/problem+json" ||
			json.Unmarshal(answer, &problem) != nil || len(problem.Errors) != 1 || problem.Errors[0].Field != field {
			t.Errorf("%s: %d %s, want 422 naming %s", field, res.StatusCode, answer, field)
		}
	}
	// Line breaks and tabs are the text of a multi-line field, and welcome.
	res, answer := site.call("POST", "/api/v1/reports", site.reportOnly,
		fmt.Sprintf(`{"commitment_id": %d, "period_id": %d, "narrative": "Done:\r\n\t- tested\n\t- opened"}`, site.commitmentID, site.period.ID))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("a narrative of several lines: %d %s", res.StatusCode, answer)
	}
	after, err := site.st.FindReports(ctx, site.commitmentID)
	if err != nil || len(after) != len(before)+1 {
		t.Errorf("reports before %d, after %d (%v); want only the valid draft added", len(before), len(after), err)
	}
}
