package model_test

import (
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

func TestTenWorkingDaysSkipWeekendsAndHolidays(t *testing.T) {
	taipei, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		t.Fatal(err)
	}
	// Friday 7 October 2022, before National Day (Monday 10 October).
	uploaded := time.Date(2022, 10, 7, 16, 30, 0, 0, taipei)
	holidays := map[model.Date]bool{model.MustDate("2022-10-10"): true}
	end := model.AddWorkingDays(uploaded, 10, taipei, holidays)
	// 11–14, 17–21, 24 October: the window ends as 25 October begins.
	if want := time.Date(2022, 10, 25, 0, 0, 0, 0, taipei); !end.Equal(want) {
		t.Errorf("window ends %s, want %s", end, want)
	}
	if end := model.AddWorkingDays(uploaded, 10, taipei, nil); !end.Equal(time.Date(2022, 10, 22, 0, 0, 0, 0, taipei)) {
		t.Errorf("without the holiday it ends %s, want the start of 22 October", end)
	}
}

func TestATranscriptIsReadAsSpeechesBySpeakerLines(t *testing.T) {
	speeches, err := model.ParseTranscript("\n主席：各位好，開會。\n\n林聯絡: 報告進度。\n\n第二段，見 https://example.org/x。\nA long line of a speech, with a colon: not a speaker\nOlive Open: Thank you.\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(speeches) != 3 || speeches[0].Speaker != "主席" || speeches[1].Speaker != "林聯絡" ||
		speeches[1].Text != "報告進度。\n\n第二段，見 https://example.org/x。\nA long line of a speech, with a colon: not a speaker" || speeches[2].Speaker != "Olive Open" || speeches[1].Position != 2 || speeches[1].Original != speeches[1].Text {
		t.Errorf("speeches: %+v", speeches)
	}
	for _, bad := range []string{"", "no speaker line here", "before\n主席：開會"} {
		if _, err := model.ParseTranscript(bad); err == nil {
			t.Errorf("%q was read", bad)
		}
	}
}
