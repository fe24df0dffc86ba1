package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestAnOversizedBodyIsRefusedWithAPageAndChangesNothing(t *testing.T) {
	site := newEditSite(t)
	b := site.as("liaison@cec.example.org")
	before := site.state()
	form := url.Values{"csrf_token": {b.formToken()}, "version": {strconv.Itoa(site.m.Version)},
		"status": {"completed"}, "completed_on": {"2021-12-15"}, "padding": {strings.Repeat("x", 33<<20)}}
	res, page := b.do("POST", site.updatePath(), form)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "<h1>送出的內容過大</h1>") {
		t.Errorf("a 33 MB form: %d\n%.400s", res.StatusCode, page)
	}
	site.unchangedSince(before, "an oversized form refused")
}

// A 10 MB value is still read, so that its form can say which field is
// too long rather than finding every field empty.
func TestATenMegabyteValueReachesItsForm(t *testing.T) {
	site := newEditSite(t)
	b := site.as("liaison@cec.example.org")
	form := url.Values{"csrf_token": {b.formToken()}, "version": {strconv.Itoa(site.m.Version)},
		"status": {"completed"}, "completed_on": {strings.Repeat("9", 10<<20)}}
	res, page := b.do("POST", site.updatePath(), form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="edit-completed-on-error"`) {
		t.Errorf("a 10 MB date: %d\n%.400s", res.StatusCode, page)
	}
	if m := site.milestone(); m.Status != "not-started" {
		t.Errorf("the form with a 10 MB date changed the milestone: %s", m.Status)
	}
}
