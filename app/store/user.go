package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ogptracker/ogptracker/app/model"
)

// CreateUser saves a new account, its email in lower case, and enters it
// in the record of changes under the actor of ctx (never its email or
// password). An email already taken, in any case, or an unknown agency or
// organisation, is a field error.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	u.Email = model.NormalizeEmail(u.Email)
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := checkUser(tx, u); err != nil {
			return err
		}
		u.Version = 1
		if err := tx.Omit(clause.Associations).Create(u).Error; err != nil {
			return err
		}
		_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityUser, Action: model.ChangeCreated}, &userRecord{}, recordOfUser(u), nil)
		return err
	})
}

// UpdateUser saves the name, role, agency, organisation, chair and
// disabled of u if the account stored is still at version; otherwise it
// returns ErrConflict and writes nothing. Its email and password stay as
// they are. Disabling signs the account out everywhere, in the same
// transaction as the change and its entry in the record of changes.
func (s *Store) UpdateUser(ctx context.Context, u *model.User, version int) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		return s.updateUser(ctx, tx, u, version)
	})
}

func (s *Store) updateUser(ctx context.Context, tx *gorm.DB, u *model.User, version int) error {
	var before model.User
	if err := tx.Take(&before, u.ID).Error; err != nil {
		return notFound(err)
	}
	if before.Version != version {
		return ErrConflict
	}
	after := before
	after.Name, after.Role, after.AgencyID, after.OrganisationID = u.Name, u.Role, u.AgencyID, u.OrganisationID
	after.Chair, after.Disabled = u.Chair, u.Disabled
	if err := checkUser(tx, &after); err != nil {
		return err
	}
	if len(diffFields(recordOfUser(&before), recordOfUser(&after))) == 0 {
		return nil
	}
	// Only what an administrator changes: a password set meanwhile stays.
	if err := saveVersioned(tx, &after, version, "name", "role", "agency_id", "organisation_id", "chair", "disabled"); err != nil {
		return err
	}
	if after.Disabled {
		if err := tx.Where("user_id = ?", after.ID).Delete(&model.Session{}).Error; err != nil {
			return err
		}
	}
	_, err := s.recordWrite(ctx, tx, written{Entity: model.EntityUser, Action: model.ChangeUpdated}, recordOfUser(&before), recordOfUser(&after), nil)
	return err
}

func checkUser(tx *gorm.DB, u *model.User) error {
	fe := model.FieldErrors{}
	if err := checkUnique(tx, fe, &model.User{}, "email", "email", u.Email, u.ID); err != nil {
		return err
	}
	if err := checkExists(tx, fe, &model.Agency{}, "agency", u.AgencyID); err != nil {
		return err
	}
	if err := checkExists(tx, fe, &model.Organisation{}, "organisation", u.OrganisationID); err != nil {
		return err
	}
	return validated(u, fe)
}

// userRecord is what the record of changes keeps of an account, which
// anyone may read: who the person is and what they may do, never their
// email or password.
type userRecord struct {
	ID             uint
	Name           string
	Role           model.Role
	AgencyID       *uint
	Agency         *model.Agency
	OrganisationID *uint
	Organisation   *model.Organisation
	Chair          bool
	Disabled       bool
}

func recordOfUser(u *model.User) *userRecord {
	return &userRecord{ID: u.ID, Name: u.Name, Role: u.Role, AgencyID: u.AgencyID, OrganisationID: u.OrganisationID,
		Chair: u.Chair, Disabled: u.Disabled}
}

// FindUsers returns every account with its agency and organisation, by name.
func (s *Store) FindUsers(ctx context.Context) ([]model.User, error) {
	var us []model.User
	err := s.db.WithContext(ctx).Preload("Agency").Preload("Organisation").Order("name, email").Find(&us).Error
	return us, err
}

// FindUserByID returns one account with its agency.
func (s *Store) FindUserByID(ctx context.Context, id uint) (*model.User, error) {
	var u model.User
	if err := s.db.WithContext(ctx).Preload("Agency").Preload("Organisation").Take(&u, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// FindUserByEmail returns the account of an address, however it is typed.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (*model.User, error) {
	var u model.User
	if err := s.db.WithContext(ctx).Preload("Agency").Preload("Organisation").Where("email = ?", model.NormalizeEmail(email)).Take(&u).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// CountUsers counts the accounts.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&model.User{}).Count(&n).Error
	return n, err
}

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 7 * 24 * time.Hour

// CreateSession signs a user in and returns the token the browser keeps.
// Each call makes a new token, so signing in always changes the session id.
func (s *Store) CreateSession(ctx context.Context, userID uint) (token string, sess *model.Session, err error) {
	token = rand.Text()
	now := s.now().UTC()
	sess = &model.Session{TokenHash: hashToken(token), UserID: userID, CSRFToken: rand.Text(),
		CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := s.db.WithContext(ctx).Create(sess).Error; err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// FindSession returns the live session of a token, with its user. An
// unknown or expired token, or a disabled account, is not found.
func (s *Store) FindSession(ctx context.Context, token string) (*model.Session, error) {
	if token == "" {
		return nil, model.ErrNotFound
	}
	var sess model.Session
	err := s.db.WithContext(ctx).Joins("User").Preload("User.Agency").
		Where("sessions.token_hash = ? AND sessions.expires_at > ?", hashToken(token), s.now().UTC()).Take(&sess).Error
	if err != nil {
		return nil, notFound(err)
	}
	if sess.User == nil || sess.User.Disabled {
		return nil, model.ErrNotFound
	}
	return &sess, nil
}

// DeleteSession signs out the browser holding token; an unknown token is
// already signed out.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.db.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Delete(&model.Session{}).Error
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID uint) error {
	return s.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&model.Session{}).Error
}

// SetUserDisabled disables or re-enables an account, whatever its version;
// disabling signs it out everywhere.
func (s *Store) SetUserDisabled(ctx context.Context, userID uint, disabled bool) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		var u model.User
		if err := tx.Take(&u, userID).Error; err != nil {
			return notFound(err)
		}
		u.Disabled = disabled
		return s.updateUser(ctx, tx, &u, u.Version)
	})
}

// RecordSignInFailure notes a failed sign-in for throttling, and forgets
// failures too old to count.
func (s *Store) RecordSignInFailure(ctx context.Context, email, address string, window time.Duration) error {
	now := s.now().UTC()
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("at <= ?", now.Add(-window)).Delete(&model.SignInFailure{}).Error; err != nil {
			return err
		}
		return tx.Create(&model.SignInFailure{At: now, Email: model.NormalizeEmail(email), Address: address}).Error
	})
}

// CountSignInFailures counts the failed sign-ins within window, for an
// address typed and for a client address.
func (s *Store) CountSignInFailures(ctx context.Context, email, address string, window time.Duration) (byEmail, byAddress int64, err error) {
	since := s.now().UTC().Add(-window)
	var row struct{ ByEmail, ByAddress int64 }
	err = s.db.WithContext(ctx).Model(&model.SignInFailure{}).
		Select("COALESCE(SUM(CASE WHEN email = ? THEN 1 ELSE 0 END), 0) AS by_email, "+
			"COALESCE(SUM(CASE WHEN address = ? THEN 1 ELSE 0 END), 0) AS by_address", model.NormalizeEmail(email), address).
		Where("at > ?", since).Scan(&row).Error
	return row.ByEmail, row.ByAddress, err
}

// SignInAllowedAt is when a sign-in held back by its failures within
// window is allowed again: when so many of the oldest that count have left
// the window that fewer than maxByEmail remain for the address typed and
// fewer than maxByAddress for the client address. It is now when neither
// limit is reached.
func (s *Store) SignInAllowedAt(ctx context.Context, email, address string, window time.Duration, maxByEmail, maxByAddress int64) (time.Time, error) {
	now := s.now().UTC()
	byEmail, byAddress, err := s.CountSignInFailures(ctx, email, address, window)
	if err != nil {
		return now, err
	}
	at := now
	for _, k := range []struct {
		column, value string
		count, max    int64
	}{{"email", model.NormalizeEmail(email), byEmail, maxByEmail}, {"address", address, byAddress, maxByAddress}} {
		if k.count < k.max {
			continue
		}
		var f model.SignInFailure
		err := s.db.WithContext(ctx).Where(k.column+" = ? AND at > ?", k.value, now.Add(-window)).
			Order("at").Offset(int(k.count - k.max)).Take(&f).Error
		if err != nil {
			return now, err
		}
		if t := f.At.UTC().Add(window); t.After(at) {
			at = t
		}
	}
	return at, nil
}

// ClearSignInFailures forgets an address's failures after it signs in.
func (s *Store) ClearSignInFailures(ctx context.Context, email string) error {
	return s.db.WithContext(ctx).Where("email = ?", model.NormalizeEmail(email)).Delete(&model.SignInFailure{}).Error
}

// hashToken is what the database keeps of a session token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateOneTimeLink makes a link token for an account, valid for lifetime.
func (s *Store) CreateOneTimeLink(ctx context.Context, userID uint, purpose model.LinkPurpose, lifetime time.Duration) (token string, err error) {
	token = rand.Text()
	now := s.now().UTC()
	link := &model.OneTimeLink{TokenHash: hashToken(token), UserID: userID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := s.db.WithContext(ctx).Create(link).Error; err != nil {
		return "", err
	}
	return token, nil
}

// CreateOneTimeLinkAndMail makes a link token for an account, as
// CreateOneTimeLink, and queues in the outbox, in the same transaction, the
// email that carries it: mail(token) writes the message, whose occurrence
// is the link's. The sender delivers it in the background, so the request
// that asked for the link does no mail I/O, and a failure is retried and
// shown in the outbox rather than to the visitor.
func (s *Store) CreateOneTimeLinkAndMail(ctx context.Context, userID uint, purpose model.LinkPurpose, lifetime time.Duration,
	mail func(token string) model.OutboxMessage) (token string, err error) {
	token = rand.Text()
	now := s.now().UTC()
	err = s.write(ctx, func(tx *gorm.DB) error {
		link := &model.OneTimeLink{TokenHash: hashToken(token), UserID: userID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
		if err := tx.Create(link).Error; err != nil {
			return err
		}
		m := mail(token)
		m.ID, m.Status, m.Attempts, m.NextAttemptAt = 0, model.OutboxPending, 0, now
		m.Occurrence = fmt.Sprintf("link:%d", link.ID)
		return tx.Create(&m).Error
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// CountOneTimeLinks counts the links of one purpose made for an account
// within the last window, so that a form anyone can send cannot flood a
// mailbox with links.
func (s *Store) CountOneTimeLinks(ctx context.Context, userID uint, purpose model.LinkPurpose, window time.Duration) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&model.OneTimeLink{}).
		Where("user_id = ? AND purpose = ? AND created_at > ?", userID, purpose, s.now().UTC().Add(-window)).Count(&n).Error
	return n, err
}

// FindOneTimeLink returns the unused, unexpired link of a token, whatever
// its purpose, with its account; any other token, or a disabled account,
// is not found.
func (s *Store) FindOneTimeLink(ctx context.Context, token string) (*model.OneTimeLink, error) {
	return findOneTimeLink(s.db.WithContext(ctx), token, s.now().UTC())
}

func findOneTimeLink(db *gorm.DB, token string, now time.Time) (*model.OneTimeLink, error) {
	if token == "" {
		return nil, model.ErrNotFound
	}
	var link model.OneTimeLink
	err := db.Joins("User").Where("one_time_links.token_hash = ? AND one_time_links.used_at IS NULL AND one_time_links.expires_at > ?",
		hashToken(token), now).Take(&link).Error
	if err != nil {
		return nil, notFound(err)
	}
	if link.User == nil || link.User.Disabled {
		return nil, model.ErrNotFound
	}
	return &link, nil
}

// UseOneTimeLink sets the account's password hash through a link (a reset
// or an invitation), once: the link is spent, every other link of the
// account ends too (an older link kept by someone else must not undo the
// change), and every session of the account ends, so that whoever knew
// the old password is signed out.
func (s *Store) UseOneTimeLink(ctx context.Context, token string, passwordHash string) (*model.User, error) {
	now := s.now().UTC()
	var user *model.User
	err := s.write(ctx, func(tx *gorm.DB) error {
		link, err := findOneTimeLink(tx, token, now)
		if err != nil {
			return err
		}
		res := tx.Model(&model.OneTimeLink{}).Where("id = ? AND used_at IS NULL", link.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return model.ErrNotFound // spent by a request a moment earlier
		}
		if err := setPassword(tx, link.UserID, passwordHash, now); err != nil {
			return err
		}
		user = link.User
		return nil
	})
	return user, err
}

// setPassword is every change of a password: it ends the account's
// outstanding links and signs it out everywhere, in the caller's transaction.
func setPassword(tx *gorm.DB, userID uint, passwordHash string, now time.Time) error {
	if err := tx.Model(&model.User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": passwordHash, "updated_at": now}).Error; err != nil {
		return err
	}
	if err := tx.Model(&model.OneTimeLink{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error; err != nil {
		return err
	}
	return tx.Where("user_id = ?", userID).Delete(&model.Session{}).Error
}

// PendingInvitation is an invitation link not used yet, with its account.
type PendingInvitation struct {
	User      model.User
	CreatedAt time.Time
	ExpiresAt time.Time
	Expired   bool
}

// FindPendingInvitations lists the accounts whose newest invitation was
// never used, the soonest to expire first, with when it expires (or
// expired): only the hash of a link is kept, so the link itself cannot be
// shown again; a new one replaces it (ReplaceInvitation).
func (s *Store) FindPendingInvitations(ctx context.Context) ([]PendingInvitation, error) {
	var links []model.OneTimeLink
	err := s.db.WithContext(ctx).Preload("User").
		Where("purpose = ? AND id IN (SELECT MAX(id) FROM one_time_links WHERE purpose = ? GROUP BY user_id)", model.LinkInvitation, model.LinkInvitation).
		Where("used_at IS NULL").
		// An account that has set a password through another link (a reset) is no longer waiting.
		Where("NOT EXISTS (SELECT 1 FROM one_time_links u WHERE u.user_id = one_time_links.user_id AND u.used_at IS NOT NULL)").
		Order("expires_at, id").Find(&links).Error
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	out := make([]PendingInvitation, 0, len(links))
	for _, l := range links {
		if l.User == nil || l.User.Disabled {
			continue
		}
		out = append(out, PendingInvitation{User: *l.User, CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt, Expired: !now.Before(l.ExpiresAt)})
	}
	return out, nil
}

// ReplaceInvitation makes a new invitation link for an account and ends,
// in the same transaction, the unused invitation links made before: the
// one just made is the only one that works.
func (s *Store) ReplaceInvitation(ctx context.Context, userID uint) (token string, err error) {
	token = rand.Text()
	now := s.now().UTC()
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ? AND purpose = ? AND used_at IS NULL", userID, model.LinkInvitation).
			Delete(&model.OneTimeLink{}).Error; err != nil {
			return err
		}
		return tx.Create(&model.OneTimeLink{TokenHash: hashToken(token), UserID: userID, Purpose: model.LinkInvitation,
			CreatedAt: now, ExpiresAt: now.Add(model.InvitationLifetime)}).Error
	})
	if err != nil {
		return "", err
	}
	return token, nil
}
