package remind

import (
	"context"
	"time"
)

// AccountMail delivers account mail (password links), which the web
// queues in the outbox, in the background: at once when woken, and every
// minute for the retries. The visitor's request then never waits for the
// mail server, nor learns of its failures.
type AccountMail struct {
	kick chan struct{}
	done chan struct{}
}

// StartAccountMail starts delivering account mail until ctx ends; it
// sends what is due at once (mail queued before a restart).
func (r *Reminder) StartAccountMail(ctx context.Context) *AccountMail {
	a := &AccountMail{kick: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		tick := time.NewTicker(time.Minute)
		defer tick.Stop()
		for {
			if _, err := r.SendAccountMail(ctx); err != nil && ctx.Err() == nil {
				r.log.Error("sending account mail failed", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-a.kick:
			case <-tick.C:
			}
		}
	}()
	return a
}

// Kick wakes the sender; it never blocks, and kicks while it is busy
// make one more round.
func (a *AccountMail) Kick() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// Wait returns once the sender has stopped, after its ctx ended.
func (a *AccountMail) Wait() { <-a.done }
