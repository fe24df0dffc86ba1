package remind

import (
	"context"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// Readiness is what decides whether reminders reach anyone at an instant,
// for the outbox page to say plainly why nothing would be sent.
type Readiness struct {
	PlansInForce int  // plans running at the instant: reminders are only for them
	Mailing      bool // email is delivered (SMTP is configured)
	Webhooks     int  // webhooks, delivered with or without mail settings
	Accounts     int  // enabled accounts
	Receiving    int  // of those, the ones that take at least one kind of reminder
}

// Readiness works out what stands in the way of reminders at at.
func (r *Reminder) Readiness(ctx context.Context, at time.Time) (Readiness, error) {
	rd := Readiness{Mailing: r.Mailing()}
	plans, err := r.st.ListPlans(ctx)
	if err != nil {
		return rd, err
	}
	for _, p := range plans {
		if p.InForce(at.In(r.loc), r.loc) {
			rd.PlansInForce++
		}
	}
	who, err := r.people(ctx)
	if err != nil {
		return rd, err
	}
	for _, hs := range who.webhooks {
		rd.Webhooks += len(hs)
	}
	rd.Accounts = len(who.users)
	for _, u := range who.users {
		for _, k := range model.ReminderKinds {
			if !who.optOut[u.ID][k] {
				rd.Receiving++
				break
			}
		}
	}
	return rd, nil
}
