package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// TestReminderPagesInABrowser runs the browser checks over the reminder
// pages: a person's choices, an unsubscribe link, and the administrators'
// outbox (with a failed message) and webhooks.
func TestReminderPagesInABrowser(t *testing.T) {
	browser(t)
	site := newAccountSite(t, "http://example.test")
	ctx := context.Background()
	admin := site.addUser(&model.User{Email: "admin@example.org", Name: "李秘書", Role: model.RoleAdmin})
	liaison, _ := site.st.FindUserByEmail(ctx, "liaison@cec.example.org")
	failed := site.queueFor(liaison, model.KindDue, "BROWSERTOKEN")
	site.queueFor(liaison, model.KindOverdue, "BROWSERTOKEN2")
	if err := site.st.MarkAttemptFailed(ctx, failed.ID, "550 5.1.1 no such mailbox", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := site.st.CreateWebhook(ctx, &model.Webhook{URL: "https://hooks.example.org/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"}); err != nil {
		t.Fatal(err)
	}
	if err := site.st.RecordMeeting(ctx, model.MustDate("2021-11-30")); err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		name string
		who  *model.User
		path string
	}{
		{"your reminders", liaison, "/account/reminders"},
		{"unsubscribe", nil, "/unsubscribe/BROWSERTOKEN"},
		{"outbox", admin, "/admin/outbox"},
		{"webhooks", admin, "/admin/webhooks"},
	}
	for _, pg := range pages {
		var token string
		if pg.who != nil {
			var err error
			if token, _, err = site.st.CreateSession(ctx, pg.who.ID); err != nil {
				t.Fatal(err)
			}
		}
		t.Run(pg.name, func(t *testing.T) {
			t.Parallel()               // the pages only read
			tb := openTab(t, site.srv) // one tab for every language (tab.run)
			if token != "" {
				tb.signInWith(token)
			}
			for _, lang := range languages {
				tb.run(lang, func(t *testing.T) {
					tb.checkPage(withLang(pg.path, lang), lang)
				})
			}
		})
	}
}
