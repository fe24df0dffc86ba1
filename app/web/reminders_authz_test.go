package web_test

import (
	"net/url"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The reminders' write routes in the authorization table (authz_test.go).
func init() {
	openWrites["POST /unsubscribe/:token"] = "the message's unsubscribe token is the authorization (RFC 8058 one-click needs no session); it only turns off one kind of reminder for its recipient"
	adminOnly := [...]int{toSignIn, forbidden, forbidden, forbidden, done}
	writeCases = append(writeCases,
		writeCase{
			route: "POST /account/reminders",
			path:  func(*authzSite) string { return "/account/reminders" },
			form: func(*authzSite) url.Values {
				return url.Values{"kind": {"overdue"}, "digest": {"weekly"}, "language": {"en"}}
			},
			want: [...]int{toSignIn, done, done, done, done}, // everyone signed in, for themselves only
		},
		writeCase{
			route: "POST /admin/outbox/:id/retry",
			path: func(s *authzSite) string {
				added, err := s.st.QueueMessages(s.t.Context(), []model.OutboxMessage{{Rule: "milestone-overdue", Subject: "milestone:1",
					Recipient: "user:1", Occurrence: "2021-12", Kind: model.KindOverdue,
					Channel: model.ChannelEmail, To: "x@example.org", Lang: "zh-TW", Title: "t", Text: "t"}})
				if err != nil || len(added) == 0 {
					// Already queued by an earlier role: retry the same message.
					msgs, _, err := s.st.FindOutbox(s.t.Context(), store.OutboxFilter{})
					if err != nil || len(msgs) == 0 {
						s.t.Fatal(err)
					}
					return "/admin/outbox/" + itoa(msgs[0].ID) + "/retry"
				}
				return "/admin/outbox/" + itoa(added[0].ID) + "/retry"
			},
			form: func(*authzSite) url.Values { return url.Values{} },
			want: adminOnly,
		},
		writeCase{
			route: "POST /admin/meetings",
			path:  func(*authzSite) string { return "/admin/meetings" },
			form:  func(*authzSite) url.Values { return url.Values{"held_on": {"2021-11-30"}} },
			want:  adminOnly,
		},
		writeCase{
			route: "POST /admin/webhooks",
			path:  func(*authzSite) string { return "/admin/webhooks" },
			form:  func(*authzSite) url.Values { return url.Values{"url": {"https://hooks.example.org/committee"}} },
			want:  adminOnly,
		},
		writeCase{
			route: "POST /admin/webhooks/:id/delete",
			path: func(s *authzSite) string {
				w := &model.Webhook{URL: "https://hooks.example.org/x"}
				if err := s.st.CreateWebhook(s.t.Context(), w); err != nil {
					s.t.Fatal(err)
				}
				return "/admin/webhooks/" + itoa(w.ID) + "/delete"
			},
			form: func(*authzSite) url.Values { return url.Values{} },
			want: adminOnly,
		},
	)
}
