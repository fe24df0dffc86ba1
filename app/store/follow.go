package store

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// RuleFollowConfirm is the outbox rule of the message that carries a
// follow's confirmation link.
const RuleFollowConfirm = "follow-confirm"

// FollowLimits bound what the "Follow by email" form may ask of an address.
type FollowLimits struct {
	LinkLifetime time.Duration // how long a confirmation link works
	PerWindow    int           // confirmation messages an address receives within Window
	Window       time.Duration
}

// RequestFollow records that an address asks to follow something and
// queues, in the same transaction, the message with the link that
// confirms it: mail(token, follower) writes it. Nothing else is ever sent
// to the address until it confirms. A follow already confirmed sends
// nothing and returns sent false; so the answer to the form, the same
// either way, tells no one what an address follows. An address that has
// been sent limits.PerWindow links within limits.Window gets
// model.ErrTooManyRequests, and nothing changes.
func (s *Store) RequestFollow(ctx context.Context, req model.FollowRequest, limits FollowLimits,
	mail func(token string, f *model.Follower) model.OutboxMessage) (sent bool, err error) {
	if err := req.Validate(); err != nil {
		return false, err
	}
	now := s.now().UTC()
	err = s.write(ctx, func(tx *gorm.DB) error {
		sent = false
		fresh := model.Follower{Email: req.Email, Language: req.Language, CreatedAt: now, UpdatedAt: now}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
			return err
		}
		var f model.Follower
		if err := tx.Where("email = ?", req.Email).Take(&f).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&model.OutboxMessage{}).Where("rule = ? AND recipient = ? AND created_at > ?",
			RuleFollowConfirm, model.FollowerRecipient(f.ID), now.Add(-limits.Window)).Count(&n).Error; err != nil {
			return err
		}
		if n >= int64(limits.PerWindow) {
			return model.ErrTooManyRequests
		}
		var existing []model.Follow
		if err := tx.Where("follower_id = ? AND target = ? AND target_id = ?", f.ID, req.Target, req.TargetID).
			Limit(1).Find(&existing).Error; err != nil {
			return err
		}
		if len(existing) == 1 && existing[0].ConfirmedAt != nil {
			return nil
		}
		token := rand.Text()
		follow := model.Follow{FollowerID: f.ID, Target: req.Target, TargetID: req.TargetID, Language: req.Language,
			TokenHash: hashToken(token), ExpiresAt: now.Add(limits.LinkLifetime), CreatedAt: now, UpdatedAt: now}
		if len(existing) == 1 {
			// A new link replaces the one asked for before: the latest works.
			follow.ID, follow.CreatedAt = existing[0].ID, existing[0].CreatedAt
			if err := tx.Save(&follow).Error; err != nil {
				return err
			}
		} else if err := tx.Create(&follow).Error; err != nil {
			return err
		}
		m := mail(token, &f)
		m.ID, m.Status, m.Attempts, m.NextAttemptAt = 0, model.OutboxPending, 0, now
		m.Rule, m.Recipient, m.Subject = RuleFollowConfirm, model.FollowerRecipient(f.ID), "follow:"+strconv.FormatUint(uint64(follow.ID), 10)
		m.Occurrence = follow.TokenHash[:32]
		m.Kind, m.Channel, m.To = model.KindAccount, model.ChannelEmail, f.Email
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}

// FindFollowConfirmation returns the unconfirmed, unexpired follow whose
// confirmation link holds token.
func (s *Store) FindFollowConfirmation(ctx context.Context, token string) (*model.Follow, error) {
	return findFollowConfirmation(s.db.WithContext(ctx), token, s.now().UTC())
}

func findFollowConfirmation(db *gorm.DB, token string, now time.Time) (*model.Follow, error) {
	if token == "" {
		return nil, model.ErrNotFound
	}
	var f model.Follow
	err := db.Where("token_hash = ? AND confirmed_at IS NULL AND expires_at > ?", hashToken(token), now).Take(&f).Error
	return &f, notFound(err)
}

// ConfirmFollow makes the follow of a confirmation link active, once: the
// link is spent, and the address's digests are written in the language
// asked for with it.
func (s *Store) ConfirmFollow(ctx context.Context, token string) (*model.Follow, error) {
	now := s.now().UTC()
	var follow *model.Follow
	err := s.write(ctx, func(tx *gorm.DB) error {
		f, err := findFollowConfirmation(tx, token, now)
		if err != nil {
			return err
		}
		res := tx.Model(&model.Follow{}).Where("id = ? AND confirmed_at IS NULL", f.ID).
			Updates(map[string]any{"confirmed_at": now, "token_hash": "", "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return model.ErrNotFound // confirmed by a request a moment earlier
		}
		if err := tx.Model(&model.Follower{}).Where("id = ?", f.FollowerID).
			Updates(map[string]any{"language": f.Language, "updated_at": now}).Error; err != nil {
			return err
		}
		f.ConfirmedAt, f.TokenHash = &now, ""
		follow = f
		return nil
	})
	return follow, err
}

// FindFollowerByUnsubscribeToken returns the follower a digest holding
// token was sent to, with the follows it confirmed.
func (s *Store) FindFollowerByUnsubscribeToken(ctx context.Context, token string) (*model.Follower, error) {
	if token == "" {
		return nil, model.ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var m model.OutboxMessage
	if err := db.Select("recipient").Where("unsubscribe_token = ? AND kind = ?", token, model.KindFollow).Take(&m).Error; err != nil {
		return nil, notFound(err)
	}
	var f model.Follower
	err := db.Preload("Follows", "confirmed_at IS NOT NULL", func(q *gorm.DB) *gorm.DB { return q.Order("id") }).
		Where("id = ?", followerIDOf(m.Recipient)).Take(&f).Error
	return &f, notFound(err)
}

// StopFollowing ends one follow of a follower (followID), or all of them
// (followID 0), when the address forgets everything it followed.
func (s *Store) StopFollowing(ctx context.Context, followerID, followID uint) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if followID == 0 {
			return tx.Where("follower_id = ?", followerID).Delete(&model.Follow{}).Error
		}
		res := tx.Where("id = ? AND follower_id = ?", followID, followerID).Delete(&model.Follow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return model.ErrNotFound
		}
		return nil
	})
}

// FindActiveFollowers returns every address with a confirmed follow, and
// those follows.
func (s *Store) FindActiveFollowers(ctx context.Context) ([]model.Follower, error) {
	var out []model.Follower
	err := s.db.WithContext(ctx).
		Preload("Follows", "confirmed_at IS NOT NULL", func(q *gorm.DB) *gorm.DB { return q.Order("id") }).
		Where("id IN (?)", s.db.Model(&model.Follow{}).Select("follower_id").Where("confirmed_at IS NOT NULL")).
		Order("id").Find(&out).Error
	return out, err
}

// FollowCounts is what administrators see of follows: numbers, never addresses.
type FollowCounts struct {
	Addresses                    int64 // with at least one confirmed follow
	Commitments, Agencies, Plans int64 // confirmed follows of each kind of thing
	Waiting                      int64 // asked for, not confirmed yet, the link still working
}

// CountFollows counts follows for administrators.
func (s *Store) CountFollows(ctx context.Context) (FollowCounts, error) {
	db := s.db.WithContext(ctx)
	var c FollowCounts
	if err := db.Model(&model.Follow{}).Where("confirmed_at IS NOT NULL").Distinct("follower_id").Count(&c.Addresses).Error; err != nil {
		return c, err
	}
	if err := db.Model(&model.Follow{}).Where("confirmed_at IS NULL AND expires_at > ?", s.now().UTC()).Count(&c.Waiting).Error; err != nil {
		return c, err
	}
	var rows []struct {
		Target model.FollowTarget
		N      int64
	}
	if err := db.Model(&model.Follow{}).Select("target, COUNT(*) AS n").Where("confirmed_at IS NOT NULL").Group("target").Scan(&rows).Error; err != nil {
		return c, err
	}
	for _, r := range rows {
		switch r.Target {
		case model.FollowCommitment:
			c.Commitments = r.N
		case model.FollowAgency:
			c.Agencies = r.N
		case model.FollowPlan:
			c.Plans = r.N
		}
	}
	return c, nil
}

// FindReportsSubmittedBetween returns the progress reports submitted in
// (from, to], oldest first, with their commitment and period.
func (s *Store) FindReportsSubmittedBetween(ctx context.Context, from, to time.Time) ([]model.ProgressReport, error) {
	var out []model.ProgressReport
	err := s.db.WithContext(ctx).Preload("Commitment").Preload("Period").
		Where("status = ? AND submitted_at > ? AND submitted_at <= ?", model.ReportSubmitted, from.UTC(), to.UTC()).
		Order("submitted_at, id").Find(&out).Error
	return out, err
}

// FindPublicChangesOf returns the public entries of the record of changes
// about records of the given kinds made in (from, to], oldest first.
func (s *Store) FindPublicChangesOf(ctx context.Context, entities []model.Entity, from, to time.Time) ([]model.Change, error) {
	var out []model.Change
	err := public(s.db.WithContext(ctx)).Where("entity IN ? AND at > ? AND at <= ?", entities, from.UTC(), to.UTC()).
		Order("at, id").Find(&out).Error
	return out, err
}

// FindAgencyCommitmentIDs returns, for each agency, the commitments it
// leads or supports or answers for a milestone of: what following an
// agency covers, as its history does (ChangeFilter.AgencyID).
func (s *Store) FindAgencyCommitmentIDs(ctx context.Context, agencyIDs []uint) (map[uint]map[uint]bool, error) {
	out := map[uint]map[uint]bool{}
	if len(agencyIDs) == 0 {
		return out, nil
	}
	var rows []struct{ AgencyID, CommitmentID uint }
	err := s.db.WithContext(ctx).Raw(`SELECT lead_agency_id AS agency_id, id AS commitment_id FROM commitments WHERE lead_agency_id IN ?
		UNION SELECT agency_id, commitment_id FROM commitment_agencies WHERE agency_id IN ?
		UNION SELECT agency_id, commitment_id FROM milestones WHERE agency_id IN ?`, agencyIDs, agencyIDs, agencyIDs).Scan(&rows).Error
	for _, r := range rows {
		if out[r.AgencyID] == nil {
			out[r.AgencyID] = map[uint]bool{}
		}
		out[r.AgencyID][r.CommitmentID] = true
	}
	return out, err
}

// followerIDOf reads the follower's id in an outbox recipient; 0 for any other.
func followerIDOf(recipient string) uint {
	id, err := strconv.ParseUint(strings.TrimPrefix(recipient, "follower:"), 10, 64)
	if err != nil || !model.IsFollowerRecipient(recipient) {
		return 0
	}
	return uint(id)
}

// ForgetUnconfirmedFollows deletes the requests to follow whose link
// expired unconfirmed by at, and the addresses left following nothing:
// an address someone typed and never confirmed is not kept. It returns
// how many addresses it forgot.
func (s *Store) ForgetUnconfirmedFollows(ctx context.Context, at time.Time) (int64, error) {
	var forgotten int64
	// Each pass asks; only when there is something to forget does it
	// delete: on PostgreSQL a delete of no row counts as a change all the
	// same (a statement's trigger), and would let every kept page go.
	err := s.write(ctx, func(tx *gorm.DB) error {
		var expired []uint
		if err := tx.Model(&model.Follow{}).Where("confirmed_at IS NULL AND expires_at <= ?", at.UTC()).Pluck("id", &expired).Error; err != nil {
			return err
		}
		if len(expired) > 0 {
			if err := tx.Where("id IN ?", expired).Delete(&model.Follow{}).Error; err != nil {
				return err
			}
		}
		var alone []uint
		if err := tx.Model(&model.Follower{}).Where("id NOT IN (?)", tx.Model(&model.Follow{}).Select("follower_id")).Pluck("id", &alone).Error; err != nil {
			return err
		}
		if len(alone) == 0 {
			return nil
		}
		res := tx.Where("id IN ?", alone).Delete(&model.Follower{})
		forgotten = res.RowsAffected
		return res.Error
	})
	return forgotten, err
}
