package transfer

import (
	"bytes"
	"os"
	"testing"

	"github.com/ogptracker/ogptracker/app/model"
)

// TestOwnWordsFixtureIsCanonical keeps the fixture of a plan in its own
// words (shared with the store's and the pages' tests) as WriteJSON
// writes it, so that its round trip can be byte-identical.
func TestOwnWordsFixtureIsCanonical(t *testing.T) {
	data, err := os.ReadFile("testdata/own_words.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ReadJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := writeJSON(t, ds); !bytes.Equal(got, data) {
		t.Errorf("not canonical:\n%s", got)
	}
	m := ds.Plans[0].Commitments[0].Milestones[1]
	if m.Due.Precision() != model.PrecisionQuarter || m.Status != "substantial" || len(m.OtherAgencies) != 1 {
		t.Errorf("milestone 2 read as %+v", m)
	}
}
