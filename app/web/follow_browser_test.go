package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// TestFollowPagesInABrowser runs the browser checks over the pages of
// following by email: the form (as shown, and refusing an address), the
// confirmation link's page and the page of what an address follows.
func TestFollowPagesInABrowser(t *testing.T) {
	browser(t)
	site := newAccountSite(t, "http://example.test")
	ctx := context.Background()
	cec, err := site.st.FindAgencyByCode(ctx, "CEC")
	if err != nil {
		t.Fatal(err)
	}
	ask := func(email string, target model.FollowTarget, id uint) string {
		var token string
		if _, err := site.st.RequestFollow(ctx, model.FollowRequest{Email: email, Language: "en", Target: target, TargetID: id}, store.FollowLimits{LinkLifetime: 48 * time.Hour, PerWindow: 5, Window: time.Hour},
			func(tok string, f *model.Follower) model.OutboxMessage {
				token = tok
				return model.OutboxMessage{Lang: "en", Title: "Confirm", Text: tok}
			}); err != nil {
			t.Fatal(err)
		}
		return token
	}
	confirmLink := ask("waiting@example.org", model.FollowCommitment, 6)
	for _, tok := range []string{ask("reader@example.org", model.FollowCommitment, 6), ask("reader@example.org", model.FollowAgency, cec.ID),
		ask("reader@example.org", model.FollowPlan, 1)} {
		if _, err := site.st.ConfirmFollow(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	reader, err := site.st.FindActiveFollowers(ctx)
	if err != nil || len(reader) != 1 {
		t.Fatalf("followers: %v %v", reader, err)
	}
	to := model.FollowerRecipient(reader[0].ID)
	if _, err := site.st.QueueMessages(ctx, []model.OutboxMessage{{Rule: "follow-digest", Subject: to, Recipient: to, Occurrence: "2021-W51",
		Kind: model.KindFollow, Channel: model.ChannelEmail, To: reader[0].Email, Lang: "en", Title: "Digest", Text: "…",
		UnsubscribeToken: "BROWSERFOLLOW"}}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			t.Parallel() // the pages only read; the refused address stores nothing
			tb := openTab(t, site.srv)
			for _, path := range []string{"/follow?commitment=6", "/follow?agency=" + itoa(cec.ID) + "&sent=1", "/follow?plan=1&confirmed=1",
				"/follow/confirm/" + confirmLink, "/follow/stop/BROWSERFOLLOW"} {
				tb.checkPage(withLang(path, lang), lang)
			}
			// The form refusing an address the browser accepts but the tracker does not.
			tb.viewport(1280, 900)
			tb.visit(withLang("/follow?commitment=6", lang), 200)
			tb.mu.Lock()
			tb.allowed = tb.base + "/follow"
			tb.mu.Unlock()
			tb.do(chromedp.SendKeys(chromedp.CSS("#follow-email"), "reader@example"))
			res, err := chromedp.RunResponse(tb.ctx, chromedp.Click(`//form[@action="/follow"]//button[@type="submit"]`))
			if err != nil || res.Status != 422 {
				t.Fatalf("sending a refused address: %v, %v", res, err)
			}
			tb.checkAxe("the refused form")
			tb.viewport(320, 640)
			tb.checkNoHorizontalScroll("the refused form", 320)
			tb.checkAxe("the refused form at 320 px")
		})
	}
}
