package store

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// QueueMessages adds messages to the outbox as pending, due now, in one
// transaction. A message whose (rule, subject, recipient, occurrence) is
// already queued is left alone: QueueMessages returns only those it added,
// so a pass run twice for the same instant queues nothing the second time.
func (s *Store) QueueMessages(ctx context.Context, msgs []model.OutboxMessage) ([]model.OutboxMessage, error) {
	now := s.now().UTC()
	var added []model.OutboxMessage
	err := s.write(ctx, func(tx *gorm.DB) error {
		added = added[:0]
		// A pass every minute works out the same messages again: those
		// queued before are passed over without an insert, which would
		// count as a change and let every kept page go (see memo).
		queued, err := queuedKeys(tx, msgs)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if queued[outboxKeyOf(m)] {
				continue
			}
			m.ID, m.Status, m.Attempts, m.NextAttemptAt = 0, model.OutboxPending, 0, now
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&m)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				added = append(added, m)
			}
		}
		return nil
	})
	return added, err
}

// outboxKey is what makes a message one of a kind (idx_outbox_key).
type outboxKey struct{ rule, subject, recipient, occurrence string }

func outboxKeyOf(m model.OutboxMessage) outboxKey {
	return outboxKey{m.Rule, m.Subject, m.Recipient, m.Occurrence}
}

// queuedKeys returns which of msgs are in the outbox already, read by
// their occurrences (a day, a week: a pass has a few).
func queuedKeys(tx *gorm.DB, msgs []model.OutboxMessage) (map[outboxKey]bool, error) {
	occurrences := map[string]bool{}
	for _, m := range msgs {
		occurrences[m.Occurrence] = true
	}
	queued := map[outboxKey]bool{}
	if len(occurrences) == 0 {
		return queued, nil
	}
	var rows []model.OutboxMessage
	err := tx.Select("rule", "subject", "recipient", "occurrence").
		Where("occurrence IN ?", slices.Collect(maps.Keys(occurrences))).Find(&rows).Error
	for _, r := range rows {
		queued[outboxKeyOf(r)] = true
	}
	return queued, err
}

// ClaimLease is how long a claimed message may stay "sending": a sender
// that has not marked it by then died while sending (see ClaimMessages).
const ClaimLease = 10 * time.Minute

// ClaimMessages marks up to limit pending messages of a channel (and of
// kinds, when given) that are due as "sending" and returns them: the sender owns them until it marks
// each sent or failed. Messages claimed more than ClaimLease ago by a
// sender that stopped (a crash, a restart) are pending again first, so a
// crash loses nothing; see app/remind for the one window where it could
// send a message twice. Two senders at once, of one process or several,
// never claim the same message (skipLocked).
func (s *Store) ClaimMessages(ctx context.Context, channel model.Channel, limit int, kinds ...model.ReminderKind) ([]model.OutboxMessage, error) {
	now := s.now().UTC()
	var claimed []model.OutboxMessage
	err := s.write(ctx, func(tx *gorm.DB) error {
		// Only when there is a lapsed claim: on PostgreSQL an update of no
		// row counts as a change all the same (a statement's trigger).
		lapsed := tx.Model(&model.OutboxMessage{}).Where("status = ? AND claimed_at <= ?", model.OutboxSending, now.Add(-ClaimLease))
		var lapsedIDs []uint
		if err := lapsed.Session(&gorm.Session{}).Limit(1).Pluck("id", &lapsedIDs).Error; err != nil {
			return err
		}
		if len(lapsedIDs) > 0 {
			if err := lapsed.Updates(map[string]any{"status": model.OutboxPending, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		q := tx.Where("status = ? AND channel = ? AND next_attempt_at <= ?", model.OutboxPending, channel, now)
		if len(kinds) > 0 {
			q = q.Where("kind IN ?", kinds)
		}
		if err := skipLocked(q).Order("next_attempt_at, id").Limit(limit).Find(&claimed).Error; err != nil {
			return err
		}
		if len(claimed) == 0 {
			return nil
		}
		ids := make([]uint, len(claimed))
		for i := range claimed {
			ids[i] = claimed[i].ID
			claimed[i].Status, claimed[i].ClaimedAt = model.OutboxSending, &now
		}
		return tx.Model(&model.OutboxMessage{}).Where("id IN ?", ids).
			Updates(map[string]any{"status": model.OutboxSending, "claimed_at": now, "updated_at": now}).Error
	})
	return claimed, err
}

// MarkSent records a delivered message and its attempt. The text of
// account mail is dropped once delivered: it holds a live password link,
// which the database otherwise keeps only as a hash; so is the text of
// mail to an asker (a confirmation link), with its sealed address.
func (s *Store) MarkSent(ctx context.Context, id uint) error {
	now := s.now().UTC()
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&model.OutboxAttempt{MessageID: id, At: now}).Error; err != nil {
			return err
		}
		return tx.Model(&model.OutboxMessage{}).Where("id = ?", id).Updates(map[string]any{
			"status": model.OutboxSent, "sent_at": now, "attempts": gorm.Expr("attempts + 1"),
			"text":       gorm.Expr("CASE WHEN kind IN (?, ?) THEN '' ELSE text END", model.KindAccount, model.KindAsker),
			"to":         gorm.Expr(`CASE WHEN kind = ? THEN '' ELSE "to" END`, model.KindAsker),
			"last_error": "", "updated_at": now}).Error
	})
}

// MarkAttemptFailed records a failed attempt: the message is tried again
// at retryAt, or fails for good when retryAt is zero.
func (s *Store) MarkAttemptFailed(ctx context.Context, id uint, reason string, retryAt time.Time) error {
	now := s.now().UTC()
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	update := map[string]any{"status": model.OutboxPending, "next_attempt_at": retryAt.UTC(),
		"attempts": gorm.Expr("attempts + 1"), "last_error": reason, "updated_at": now}
	if retryAt.IsZero() {
		update["status"], update["next_attempt_at"] = model.OutboxFailed, now
	}
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&model.OutboxAttempt{MessageID: id, At: now, Error: reason}).Error; err != nil {
			return err
		}
		return tx.Model(&model.OutboxMessage{}).Where("id = ?", id).Updates(update).Error
	})
}

// ReleaseMessages gives claimed messages back untried (the sender was
// stopped before it tried them).
func (s *Store) ReleaseMessages(ctx context.Context, ids []uint) error {
	if len(ids) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Model(&model.OutboxMessage{}).Where("id IN ? AND status = ?", ids, model.OutboxSending).
		Updates(map[string]any{"status": model.OutboxPending, "updated_at": s.now().UTC()}).Error
}

// RetryMessage makes a failed or waiting message due now, for an
// administrator's "retry"; a sent message is not sent again.
func (s *Store) RetryMessage(ctx context.Context, id uint) error {
	now := s.now().UTC()
	res := s.db.WithContext(ctx).Model(&model.OutboxMessage{}).
		Where("id = ? AND status IN ?", id, []model.OutboxStatus{model.OutboxFailed, model.OutboxPending}).
		Updates(map[string]any{"status": model.OutboxPending, "next_attempt_at": now, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return model.ErrNotFound
	}
	return nil
}

// OutboxFilter narrows FindOutbox.
type OutboxFilter struct {
	Status model.OutboxStatus // "" for every status
	Limit  int
}

// FindOutbox returns messages, newest first, and how many there are of
// each status.
func (s *Store) FindOutbox(ctx context.Context, f OutboxFilter) ([]model.OutboxMessage, map[model.OutboxStatus]int64, error) {
	q := s.db.WithContext(ctx).Omit("text", "html").Order("id DESC")
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var msgs []model.OutboxMessage
	if err := q.Find(&msgs).Error; err != nil {
		return nil, nil, err
	}
	for i := range msgs {
		// A follower's address is personal data no administrator needs.
		if m := &msgs[i]; model.IsFollowerRecipient(m.Recipient) {
			m.LastError, m.To = strings.ReplaceAll(m.LastError, m.To, "…"), ""
		}
	}
	var rows []struct {
		Status model.OutboxStatus
		N      int64
	}
	if err := s.db.WithContext(ctx).Model(&model.OutboxMessage{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	counts := map[model.OutboxStatus]int64{}
	for _, r := range rows {
		counts[r.Status] = r.N
	}
	return msgs, counts, nil
}

// FindOutboxAttempts returns every attempt to deliver a message, oldest first.
func (s *Store) FindOutboxAttempts(ctx context.Context, messageID uint) ([]model.OutboxAttempt, error) {
	var out []model.OutboxAttempt
	err := s.db.WithContext(ctx).Where("message_id = ?", messageID).Order("id").Find(&out).Error
	return out, err
}

// FindMessageByUnsubscribeToken returns the message whose unsubscribe
// link holds token, with its user.
func (s *Store) FindMessageByUnsubscribeToken(ctx context.Context, token string) (*model.OutboxMessage, *model.User, error) {
	if token == "" {
		return nil, nil, model.ErrNotFound
	}
	var m model.OutboxMessage
	if err := s.db.WithContext(ctx).Omit("text", "html").Where("unsubscribe_token = ?", token).Take(&m).Error; err != nil {
		return nil, nil, notFound(err)
	}
	if m.UserID == nil {
		return nil, nil, model.ErrNotFound
	}
	u, err := s.FindUserByID(ctx, *m.UserID)
	if err != nil {
		return nil, nil, err
	}
	return &m, u, nil
}
