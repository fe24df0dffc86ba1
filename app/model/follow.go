package model

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// FollowTarget is what a person without an account may follow by email.
type FollowTarget string

const (
	FollowCommitment FollowTarget = "commitment"
	FollowAgency     FollowTarget = "agency"
	FollowPlan       FollowTarget = "plan"
)

// FollowTargets lists every kind of thing that may be followed.
var FollowTargets = []FollowTarget{FollowCommitment, FollowAgency, FollowPlan}

// KindFollow is the weekly digest of what an address follows: it has no
// account, so it is not among the kinds a person turns off on the
// preferences page; each message's link stops it.
const KindFollow ReminderKind = "follow"

// Follower is an email address that follows something, without an
// account. The address is personal data: it is shown on no page but the
// messages sent to it, and in no API or export.
type Follower struct {
	ID        uint   `gorm:"primaryKey"`
	Email     string `gorm:"size:254;not null;uniqueIndex"` // normalised (NormalizeEmail)
	Language  string `gorm:"size:10;not null"`              // of the digest: that of the latest confirmed follow
	CreatedAt time.Time
	UpdatedAt time.Time
	Follows   []Follow
}

// Follow is one thing an address follows. It is active once the address
// confirmed it through the link sent to it (ConfirmedAt); until then only
// the hash of that link's token is kept, and it expires.
type Follow struct {
	ID          uint         `gorm:"primaryKey"`
	FollowerID  uint         `gorm:"not null;uniqueIndex:idx_follow_target,priority:1"`
	Follower    *Follower    `gorm:"constraint:OnDelete:CASCADE"`
	Target      FollowTarget `gorm:"size:20;not null;uniqueIndex:idx_follow_target,priority:2"`
	TargetID    uint         `gorm:"not null;uniqueIndex:idx_follow_target,priority:3"`
	Language    string       `gorm:"size:10;not null"` // asked for with the request
	TokenHash   string       `gorm:"size:64;not null;default:'';index"`
	ExpiresAt   time.Time    `gorm:"not null"` // of the confirmation link
	ConfirmedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// FollowRequest is what the "Follow by email" form asks for.
type FollowRequest struct {
	Email    string
	Language string
	Target   FollowTarget
	TargetID uint
}

// Validate checks a request and normalises its address.
func (r *FollowRequest) Validate() error {
	fe := FieldErrors{}
	email := NormalizeEmail(r.Email)
	switch a, err := mail.ParseAddress(email); {
	case email == "":
		fe.Add("email", "is required")
	case len(email) > 254:
		fe.Add("email", "is longer than 254 characters")
	case err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@")+1:], "."):
		fe.Add("email", "is not an email address")
	}
	if !slices.Contains(Languages, r.Language) {
		fe.Add("language", "is not one of zh-TW, en")
	}
	if !slices.Contains(FollowTargets, r.Target) || r.TargetID == 0 {
		fe.Add("target", "is not a commitment, an agency or a plan")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	r.Email = email
	return nil
}

// ErrTooManyRequests is returned when an address asked for more links
// than a person needs: the rest is someone else sending the form.
var ErrTooManyRequests = errors.New("too many requests")

// FollowerRecipient is the outbox recipient of a follower's messages.
func FollowerRecipient(followerID uint) string { return fmt.Sprintf("follower:%d", followerID) }

// IsFollowerRecipient tells the messages of followers, whose address is
// kept from administrators.
func IsFollowerRecipient(recipient string) bool { return strings.HasPrefix(recipient, "follower:") }
