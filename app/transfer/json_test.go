package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// formatExample is the example of FORMAT.md, so that the documentation is
// tested like code.
func formatExample(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```json\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("FORMAT.md has no ```json example")
	}
	return example
}

func writeJSON(t *testing.T, ds *model.Dataset) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, ds); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJSONRoundTripOfOGPFile(t *testing.T) {
	first := writeJSON(t, readOGP(t, fixture(t)))
	ds, err := ReadJSON(bytes.NewReader(first))
	if err != nil {
		t.Fatalf("ReadJSON of WriteJSON's output: %v", err)
	}
	if second := writeJSON(t, ds); !bytes.Equal(first, second) {
		t.Error("WriteJSON → ReadJSON → WriteJSON changed the bytes")
	}
	// Two imports of the same file give the same export.
	if again := writeJSON(t, readOGP(t, fixture(t))); !bytes.Equal(first, again) {
		t.Error("two reads of the same CSV serialise differently")
	}
}

func TestFormatExampleIsCanonical(t *testing.T) {
	example := formatExample(t)
	ds, err := ReadJSON(strings.NewReader(example))
	if err != nil {
		t.Fatalf("FORMAT.md's example is refused: %v", err)
	}
	if got := string(writeJSON(t, ds)); got != example {
		t.Errorf("FORMAT.md's example is not what WriteJSON writes:\n%s", got)
	}
}

func TestWriteJSONEmptyListsAndOrder(t *testing.T) {
	if got, want := string(writeJSON(t, &model.Dataset{})),
		"{\n  \"format\": \"ogptracker/1\",\n  \"agencies\": [],\n  \"organisations\": [],\n  \"contacts\": [],\n  \"plans\": []\n}\n"; got != want {
		t.Errorf("empty dataset:\n%s", got)
	}

	ms := func(refs ...string) []model.MilestoneRecord {
		var out []model.MilestoneRecord
		for _, r := range refs {
			out = append(out, model.MilestoneRecord{Ref: r})
		}
		return out
	}
	ds := &model.Dataset{
		Agencies: []model.AgencyRecord{{Code: "b"}, {Code: "a"}},
		Plans: []model.PlanRecord{{Ref: "P", Title: model.T("zh-TW", "<b>開放政府 & 你</b>"), Commitments: []model.CommitmentRecord{
			{Ref: "C10", SupportingAgencies: []string{"b", "a"}},
			{Ref: "C2", Milestones: append(ms("10", "2", "1"), model.MilestoneRecord{Ref: "3", Children: ms("3.10", "3.2")})},
		}}},
	}
	out := string(writeJSON(t, ds))
	if !strings.Contains(out, `"zh-TW": "<b>開放政府 & 你</b>"`) {
		t.Error("text is escaped")
	}
	order := []string{`"code": "a"`, `"code": "b"`, `"ref": "C2"`, `"ref": "1"`, `"ref": "2"`, `"ref": "3"`,
		`"ref": "3.2"`, `"ref": "3.10"`, `"ref": "10"`, `"ref": "C10"`, `"a",`, `"b"`}
	at := 0
	for _, s := range order {
		i := strings.Index(out[at:], s)
		if i < 0 {
			t.Fatalf("%s missing or out of order in\n%s", s, out)
		}
		at += i + len(s)
	}
}

func TestReadJSONAcceptsOutsideCarriedForward(t *testing.T) {
	example := strings.Replace(formatExample(t), `"code": "1-1",`, `"code": "1-1", "carried_forward_from": "AL0002",`, 1)
	if _, err := ReadJSON(strings.NewReader(example)); err != nil {
		t.Fatal(err)
	}
}

func TestReadJSONRefuses(t *testing.T) {
	example := formatExample(t)
	// edit replaces old, which must be in the example once, and returns the
	// line where new begins.
	edit := func(old, new string) (string, int) {
		if n := strings.Count(example, old); n != 1 {
			t.Fatalf("%q is %d times in the example", old, n)
		}
		i := strings.Index(example, old)
		return strings.Replace(example, old, new, 1), strings.Count(example[:i], "\n") + 1
	}
	type tc struct{ name, data, want string }
	var cases []tc
	add := func(name, old, new, want string) {
		data, line := edit(old, new)
		want = strings.ReplaceAll(want, "NEXT", fmt.Sprint(line+1))
		cases = append(cases, tc{name, data, strings.ReplaceAll(want, "LINE", fmt.Sprint(line))})
	}
	add("unknown field", `"code": "1-1",`, `"code": "1-1", "stat": "done",`,
		`plans[0].commitments[0]: line LINE: unknown field "stat"`)
	add("wrong format", `"format": "ogptracker/1",`, `"format": "ogptracker/2",`,
		`format: "ogptracker/2" is not "ogptracker/1"`)
	add("missing format", `"format": "ogptracker/1",`, ``,
		`format: is missing; expected "ogptracker/1"`)
	add("dangling agency", `"lead_agency": "NDC",`, `"lead_agency": "XYZ",`,
		`plans[0].commitments[0].lead_agency: unknown agency "XYZ"`)
	add("dangling parent", `"parent": "EY"`, `"parent": "MOF"`,
		`agencies[1].parent: unknown agency "MOF"`)
	add("dangling organisation", `"partners": [
            "open-data-alliance"`, `"partners": [
            "g0v"`, `plans[0].commitments[0].partners[0]: unknown organisation "g0v"`)
	add("unknown theme", `"theme": 1,`, `"theme": 2,`,
		`plans[0].commitments[0].theme: unknown theme "2"`)
	add("bad language tag", `"zh-TW": "完備政府資料開放與再利用制度"`, `"not a tag": "完備政府資料開放與再利用制度"`,
		`plans[0].commitments[0]: title: "not a tag" is not a language tag (such as en, fr or zh-TW)`)
	// A tag some would read and others not match is refused, not guessed at.
	add("underscored language tag", `"zh-TW": "完備政府資料開放與再利用制度"`, `"EN_us": "完備政府資料開放與再利用制度"`,
		`plans[0].commitments[0]: title: "EN_us" is not a language tag (such as en, fr or zh-TW)`)
	add("language tag not as BCP 47 writes it", `"zh-TW": "完備政府資料開放與再利用制度"`, `"zh-tw": "完備政府資料開放與再利用制度"`,
		`plans[0].commitments[0]: title: "zh-tw" is not a language tag as BCP 47 writes it: write "zh-TW"`)
	add("bad date", `"due": "2021-12",`, `"due": "2021-13",`,
		`plans[0].commitments[0].milestones[0].due: line LINE: "2021-13" is not a date`)
	add("wrong type", `"number": 1,
      "title"`, `"number": "one",
      "title"`, `plans[0].number: line LINE: expected a whole number, found "one"`)
	add("missing comma", `"code": "1-1",`, `"code": "1-1"`, // found at the next key
		`plans[0].commitments[0]: line NEXT: invalid character '"' after object key:value pair`)
	add("duplicate ref", `"ref": "2",`, `"ref": "1",`,
		`plans[0].commitments[0].milestones[1].ref: "1" is also used by plans[0].commitments[0].milestones[0]`)
	add("grandchildren", `"weight": 1
                }`, `"weight": 1, "children": [{"ref": "3.1.1", "title": {"en": "x"}, "status": "not-started", "weight": 1}]
                }`, `plans[0].commitments[0].milestones[2].children[0].children: milestones go only one level down`)
	add("evidence not on the web", `"url": "https://example.gov.tw/open-data-rules"`, `"url": "file:///etc/passwd"`,
		`plans[0].commitments[0].milestones[0]: evidence[0].url: must be an http or https address`)
	add("milestone validation", `"weight": 2,`, `"weight": -1,`,
		`plans[0].commitments[0].milestones[2]: weight: must be more than 0`)
	add("status neither the plan's nor the tracker's", `"status": "under-way",`, `"status": "finished",`,
		`plans[0].commitments[0].milestones[1].status: "finished" is not a status of the plan's scale (not-started, under-way, completed) nor of the tracker`)
	add("scale counting as no status of the tracker", `"status": "in-progress"`, `"status": "going"`,
		`plans[0]: status_scale[1].status: "going" is not one of not-started, in-progress, completed, delayed, cancelled`)
	add("scale key twice", `"key": "under-way",`, `"key": "not-started",`,
		`plans[0]: status_scale[1].key: "not-started" is used twice`)
	add("malformed quarter", `"due": "2023-Q4",`, `"due": "2023-Q5",`,
		`plans[0].commitments[0].milestones[2].children[0].due: line LINE: "2023-Q5" is not a quarter (use 2023-Q3)`)
	add("dangling other agency", `"other_agencies": [
                "EY"`, `"other_agencies": [
                "MOF"`, `plans[0].commitments[0].milestones[1].other_agencies[0]: unknown agency "MOF"`)
	add("wording with a control character", `"en": "By the end of 2022",`, "\"en\": \"By the end\\u001b of 2022\",",
		`plans[0].commitments[0].milestones[1]: due_text: contains a control character`)
	add("Latin-1 text", `"zh-TW": "完備政府資料開放與再利用制度"`, "\"zh-TW\": \"Caf\xe9\"",
		`plans[0].commitments[0].title.zh-TW: line LINE: is not valid UTF-8 text (is the file saved in another encoding, such as Latin-1?)`)
	add("Latin-1 text deep down", `"zh-TW": "建立高優先開放資料之公眾諮詢機制。促成資料活化應用示範案例。"`, "\"zh-TW\": \"\xa9 2022\"",
		`plans[0].commitments[0].milestones[1].title.zh-TW: line LINE: is not valid UTF-8 text (is the file saved in another encoding, such as Latin-1?)`)
	add("Latin-1 key", `"jurisdiction_code": "TWN",`, "\"jurisdiction_code\": \"TWN\", \"r\xe9f\": 1,",
		"plans[0].r\uFFFDf: line LINE: is not valid UTF-8 text (is the file saved in another encoding, such as Latin-1?)")
	add("circle of parents", `"level": "central"
    },`, `"level": "central", "parent": "NDC"
    },`, `agencies[0].parent: an agency cannot be its own parent (EY → NDC → EY)`)
	add("own parent", `"parent": "EY"`, `"parent": "NDC"`, `agencies[1].parent: an agency cannot be its own parent (NDC → NDC)`)
	add("huge weight", `"weight": 2,`, `"weight": 1e308,`,
		`plans[0].commitments[0].milestones[2]: weight: must be at most 1000`)
	add("NUL in a ref", `"ref": "2",`, `"ref": "2\u0000",`,
		`plans[0].commitments[0].milestones[1]: ref: contains a control character`)
	add("line break in a code", `"code": "1-1",`, `"code": "1-\n1",`,
		`plans[0].commitments[0]: code: must be one line, without line breaks or tabs`)
	add("escape in the source", `"source": "Taiwan's`, `"source": "\u001b[2JTaiwan's`,
		`source: contains a control character`)
	cases = append(cases,
		tc{"cut short", strings.TrimSuffix(example, "}\n"), fmt.Sprintf("line %d: the document ends too early", strings.Count(example, "\n")-1)},
		tc{"trailing data", example + "{}", fmt.Sprintf("line %d: unexpected data after the dataset", strings.Count(example, "\n")+1)},
	)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(c.data))
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v\nwant      %s", err, c.want)
			}
			var de *model.DatasetError
			if strings.Contains(c.want, "]") && !errors.As(err, &de) {
				t.Errorf("%T is not a *model.DatasetError", err)
			}
		})
	}
}
