package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/transfer"
)

// ownWordsServer serves the demo plan and a plan that reports in its own
// words (app/transfer/testdata/own_words.json), on 1 June 2023.
func ownWordsServer(t *testing.T) (srvOf func() string, data []byte, get2 func(path string, header ...string) (int, string)) {
	t.Helper()
	data, err := os.ReadFile("../transfer/testdata/own_words.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := transfer.ReadJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	srv := newServerWith(t, time.Date(2023, 6, 1, 9, 0, 0, 0, taipei), ds)
	return func() string { return srv.URL }, data, func(path string, header ...string) (int, string) {
		res, body := get(t, srv, path, header...)
		return res.StatusCode, body
	}
}

func TestAPlansOwnWordsShowOnItsPagesAndInTheAPI(t *testing.T) {
	_, data, fetch := ownWordsServer(t)
	decode := func(path string, v any) {
		t.Helper()
		status, body := fetch(path)
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	var plans struct {
		Items []struct {
			ID          uint   `json:"id"`
			Ref         string `json:"ref"`
			Source      string `json:"source"`
			StatusScale []struct {
				Key    string            `json:"key"`
				Label  map[string]string `json:"label"`
				Status string            `json:"status"`
			} `json:"status_scale"`
		} `json:"items"`
	}
	decode("/api/v1/plans", &plans)
	var planID uint
	for _, p := range plans.Items {
		if p.Ref == "XX-3" {
			planID = p.ID
			if !strings.HasPrefix(p.Source, "Made up for the tracker's tests") || len(p.StatusScale) != 4 ||
				p.StatusScale[2].Key != "substantial" || p.StatusScale[2].Status != "in-progress" {
				t.Errorf("API plan: %+v", p)
			}
		}
	}
	if planID == 0 {
		t.Fatal("the plan is not in the API")
	}
	var list struct {
		Items []struct {
			ID uint `json:"id"`
		} `json:"items"`
	}
	decode(fmt.Sprintf("/api/v1/commitments?plan=%d", planID), &list)
	if len(list.Items) != 1 {
		t.Fatalf("%d commitments", len(list.Items))
	}
	cid := list.Items[0].ID
	var detail struct {
		Milestones []struct {
			Ref           string            `json:"ref"`
			Status        string            `json:"status"`
			StatusKey     string            `json:"status_key"`
			StatusLabel   map[string]string `json:"status_label"`
			Due           *string           `json:"due"`
			DueText       map[string]string `json:"due_text"`
			OtherAgencies []struct {
				Code string `json:"code"`
			} `json:"other_agencies"`
		} `json:"milestones"`
	}
	decode(fmt.Sprintf("/api/v1/commitments/%d", cid), &detail)
	// The plan's statuses count as the tracker's they map to.
	want := map[string][2]string{"1": {"completed", "complete"}, "2": {"in-progress", "substantial"},
		"3": {"in-progress", "limited"}, "4": {"not-started", "not-started"}}
	for _, m := range detail.Milestones {
		if w := want[m.Ref]; m.Status != w[0] || m.StatusKey != w[1] || m.StatusLabel["en"] == "" {
			t.Errorf("API milestone %s: %s / %s %v, want %v", m.Ref, m.Status, m.StatusKey, m.StatusLabel, w)
		}
		switch m.Ref {
		case "2":
			if m.Due == nil || *m.Due != "2023-Q3" || len(m.OtherAgencies) != 1 || m.OtherAgencies[0].Code != "MIN-C" {
				t.Errorf("API milestone 2: due %v, other agencies %v", m.Due, m.OtherAgencies)
			}
		case "3":
			if m.Due != nil || m.DueText["en"] != "Ongoing" {
				t.Errorf("API milestone 3: due %v worded %v", m.Due, m.DueText)
			}
		}
	}

	// The plan's page: its source and its scale, each step with the tracker's status it counts as.
	_, body := fetch(fmt.Sprintf("/plans/%d?lang=en", planID))
	for _, s := range []string{"Made up for the tracker&#39;s tests", "The plan&#39;s own status scale",
		"Substantial progress</dt><dd>counts as In progress", "Complete</dt><dd>counts as Completed"} {
		if !strings.Contains(body, s) {
			t.Errorf("plan page lacks %q", s)
		}
	}
	// The commitment's page: the plan's words, the deadlines' wording, every agency.
	_, body = fetch(fmt.Sprintf("/commitments/%d?lang=en", cid))
	for _, s := range []string{"Substantial progress", "(in the tracker&#39;s words: In progress)", "Limited progress",
		"Nov 2022 <span class=\"worded\">(worded “By fall 2022”)</span>", "Q3 2023", "<span class=\"worded\">Ongoing</span>",
		"Court of Audit", "Q1 2022"} {
		if !strings.Contains(body, s) {
			t.Errorf("commitment page lacks %q", s)
		}
	}
	_, body = fetch(fmt.Sprintf("/commitments/%d?lang=zh-TW", cid))
	if !strings.Contains(body, "2023年第3季") {
		t.Error("the Chinese page does not write the quarter in Chinese")
	}
	// The court of audit's page counts the milestone it answers for with the ministry.
	var agencies struct {
		Items []struct {
			ID   uint   `json:"id"`
			Code string `json:"code"`
		} `json:"items"`
	}
	decode("/api/v1/agencies", &agencies)
	for _, a := range agencies.Items {
		if a.Code == "MIN-C" {
			if _, body := fetch(fmt.Sprintf("/agencies/%d?lang=en", a.ID)); !strings.Contains(body, "1 milestone it is responsible for") {
				t.Errorf("the court of audit's page does not count milestone 2:\n%s", section(t, body, "<main", "</main>"))
			}
			// Once milestone 2 is overdue, the page lists it with its status in the plan's words.
			_, body := fetch(fmt.Sprintf("/agencies/%d?lang=en&asof=2024-01-01", a.ID))
			overdue := section(t, body, `id="overdue"`, "</table>")
			for _, s := range []string{"Publish spending monthly", "Substantial progress", "(in the tracker&#39;s words: In progress)"} {
				if !strings.Contains(overdue, s) {
					t.Errorf("the court of audit's overdue milestones lack %q:\n%s", s, overdue)
				}
			}
		}
	}
	// About names the plan's source.
	if _, body := fetch("/about?lang=en"); !strings.Contains(body, "Made up for the tracker&#39;s tests") {
		t.Error("About does not name the plan's source")
	}
	// The plan's export is the file imported, byte for byte.
	if status, body := fetch(fmt.Sprintf("/export/plan-%d.json", planID)); status != 200 || body != string(data) {
		t.Errorf("export %d differs from the file imported", status)
	}
}
