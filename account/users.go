package account

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// Users creates accounts, signs people in and out, changes passwords and
// issues API tokens. Use it by pointer: it keeps a dummy password hash.
type Users struct {
	DB             *store.DB
	Now            func() time.Time // nil: time.Now
	PasswordParams auth.Params      // zero: auth.DefaultParams
	Throttle       auth.Throttle    // zero: auth.DefaultThrottle
	SessionIdle    time.Duration    // a session ends after this long unused; zero: 12h
	SessionMax     time.Duration    // and after this long in any case; zero: 7 days
	// MaxPasswordChecks bounds the password checks (argon2id, 64 MiB each
	// with the default parameters) that run at once, so that a burst of
	// sign-ins cannot take the server's memory; zero: DefaultPasswordChecks.
	MaxPasswordChecks int
	// Box seals authenticator-app secrets; nil: two-step verification cannot
	// be set up (ErrNoSecretKey).
	Box attest.SecretBox
	// SecondStepThrottle limits wrong second-step codes per account; zero:
	// DefaultSecondStepThrottle.
	SecondStepThrottle auth.Throttle
	// PasswordCheckWait is how long a sign-in waits for a free check before
	// it is refused as busy (ETHROTTLED); zero: 2 seconds.
	PasswordCheckWait time.Duration

	checksOnce sync.Once
	checks     chan struct{}                                // a slot per check running
	check      func(encoded, password string) (bool, error) // nil: auth.CheckPassword; tests watch it

	dummyOnce sync.Once
	dummyHash string
	dummyErr  error

	kept keptCredentials // sessions and tokens read for earlier requests
}

// NewMember is a person added to an organization by an operator.
type NewMember struct {
	Email    string
	Name     string // default: the part of the email before @
	Role     attest.Role
	Password string // required only when no account has the email yet
}

// Add adds a person to p's organization with a role, creating their account
// when none has the email (then Password is required; field password). It is
// what `attest user create` does; admins only. It reports whether the account
// was created.
func (s *Users) Add(ctx context.Context, p attest.Principal, in NewMember) (attest.Membership, bool, error) {
	if !p.Can(attest.ActAdmin) {
		return attest.Membership{}, false, forbidden(p)
	}
	if _, err := attest.ParseRole(string(in.Role)); err != nil {
		return attest.Membership{}, false, err
	}
	email := attest.NormalizeEmail(in.Email)
	if err := attest.ValidateEmail(email); err != nil {
		return attest.Membership{}, false, err
	}
	if in.Name == "" {
		in.Name, _, _ = strings.Cut(email, "@")
	}
	var hash string
	if in.Password != "" {
		if err := attest.ValidatePassword(in.Password); err != nil {
			return attest.Membership{}, false, err
		}
		var err error
		if hash, err = auth.HashPassword(in.Password, params(s.PasswordParams)); err != nil {
			return attest.Membership{}, false, err
		}
	}
	var m attest.Membership
	created := false
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		u, err := tx.UserByEmail(ctx, email)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			if hash == "" {
				return attest.Invalid("password", "is required for a new account")
			}
			u = attest.User{Email: email, Name: in.Name, PasswordHash: hash}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			created = true
		} else if err != nil {
			return err
		}
		if err := tx.AddMember(ctx, p.OrgID, u.ID, in.Role); err != nil {
			return fmt.Errorf("%s: %w", u.Email, err)
		}
		summary := "Added " + u.Email + " as " + string(in.Role)
		if p.Via == attest.ViaCLI {
			summary += " from the command line"
		}
		if err := tx.Log(ctx, p.Record("member.added", "membership", idString(u.ID), summary)); err != nil {
			return err
		}
		m, err = tx.Membership(ctx, p.OrgID, u.ID)
		return err
	})
	return m, created, err
}

// ChangePassword replaces p's password and signs out every session of theirs
// but keep (the hash of the session making the change; "" signs out all),
// which is what someone changing a possibly leaked password wants. Errors name
// the fields current, password and confirm. The change is logged in every
// organization p belongs to.
func (s *Users) ChangePassword(ctx context.Context, p attest.Principal, keep, current, next, confirm string) error {
	if p.UserID == 0 {
		return attest.Errorf(attest.EUNAUTHORIZED, "sign in to continue")
	}
	u, err := s.DB.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	ok, err := s.checkPassword(ctx, u.PasswordHash, current)
	if IsBusy(err) || (err != nil && ctx.Err() != nil) {
		return err
	}
	if !ok {
		return attest.Invalid("current", "does not match the password you sign in with")
	}
	if err := attest.ValidatePassword(next); err != nil {
		return err
	}
	if next != confirm {
		return attest.Invalid("confirm", "does not match the new password")
	}
	done, err := s.slot(ctx)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(next, params(s.PasswordParams))
	done()
	if err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		ms, err := tx.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteOtherSessions(ctx, u.ID, keep); err != nil {
			return err
		}
		// Account security events belong in every organization the user can act in.
		for _, m := range ms {
			if err := tx.Log(ctx, p.Actor().Record(m.Org.ID, "user.password_changed", "user", idString(u.ID),
				u.Email+" changed their password; other sessions were signed out")); err != nil {
				return err
			}
		}
		return nil
	})
}

// DefaultPasswordChecks is how many password checks run at once by default:
// 256 MiB with the default parameters.
const DefaultPasswordChecks = 4

// Throttled is the error of a sign-in refused because of recent failures (code
// ETHROTTLED); Wait is how long until one is allowed (Retry-After). Busy marks
// a sign-in refused because too many passwords were being checked at once:
// nothing was counted against it, and it may retry at once.
type Throttled struct {
	Wait time.Duration
	Busy bool
}

func (t *Throttled) Error() string {
	if t.Busy {
		return "Too many sign-ins are being checked at the moment. Try again in a few seconds."
	}
	return fmt.Sprintf("Too many failed sign-in attempts. Try again in %d minute(s).", int(math.Ceil(t.Wait.Minutes())))
}

// Unwrap gives the error its code for attest.ErrorCode and the error mapping.
func (t *Throttled) Unwrap() error { return &attest.Error{Code: attest.ETHROTTLED, Message: t.Error()} }

// ErrBadCredentials is the one answer to a wrong email or a wrong password, so
// that sign-in does not tell which accounts exist.
var ErrBadCredentials = attest.Errorf(attest.EUNAUTHORIZED, "The email or password is incorrect.")

// Credentials are what a person signing in gives, and where from.
type Credentials struct {
	Email, Password string
	IP, UserAgent   string
	// Replaces is the secret of the session the browser already holds, if
	// any: a successful sign-in ends it, so that signing in as someone else
	// in the same browser does not leave the previous session valid.
	Replaces string
}

// SignIn checks credentials and starts a session. Failures are counted per
// account and address pair, per account and per address (auth.Throttle), and
// an attempt over a limit is *Throttled before the password is checked. The
// attempt is reserved as a failure, atomically with the count, before the
// check: concurrent attempts each see the ones before them, so no more than the
// limit are ever checked. A success takes the reservation back and forgets the
// pair's failures. An unknown email is checked against a dummy hash, so it
// takes as long as a wrong password. It returns the user and the new session's
// secret (the cookie value), shown only here; for an account with a second
// factor it starts no session and answers *SecondFactorNeeded instead (see
// VerifySecondFactor). Sign-ins and wrong passwords of existing accounts are
// logged in the account's organizations.
func (s *Users) SignIn(ctx context.Context, c Credentials) (attest.User, string, error) {
	// Made on the first sign-in whatever its email, so that the first unknown
	// email is not the only one to pay for it.
	dummy, err := s.dummy()
	if err != nil {
		return attest.User{}, "", err
	}
	email := attest.NormalizeEmail(c.Email)
	throttle := s.Throttle
	if throttle == (auth.Throttle{}) {
		throttle = auth.DefaultThrottle
	}
	var res store.LoginReservation
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.LockLogin(ctx, email, c.IP); err != nil {
			return err
		}
		now := clock(s.Now)
		f, err := tx.LoginFailuresFor(ctx, email, c.IP, now.Add(-throttle.Window))
		if err != nil {
			return err
		}
		if wait := throttle.RetryAfter(now, auth.Failures(f)); wait > 0 {
			return &Throttled{Wait: wait}
		}
		res, err = tx.ReserveLoginFailure(ctx, email, c.IP)
		return err
	})
	if err != nil {
		return attest.User{}, "", err
	}

	u, err := s.DB.UserByEmail(ctx, email)
	hash := u.PasswordHash
	if err != nil {
		if attest.ErrorCode(err) != attest.ENOTFOUND {
			return attest.User{}, "", err
		}
		hash, u = dummy, attest.User{}
	}
	ok, err := s.checkPassword(ctx, hash, c.Password)
	if IsBusy(err) || (err != nil && ctx.Err() != nil) {
		// Never checked: take the reservation back (with a context of its own,
		// since the request's may be what ended).
		bg := context.WithoutCancel(ctx)
		if rerr := s.DB.Update(bg, func(tx *store.Queries) error { return tx.ReleaseLoginFailure(bg, res) }); rerr != nil {
			return attest.User{}, "", rerr
		}
		return attest.User{}, "", err
	}
	actor := attest.Actor{UserID: u.ID, Label: u.Email, IP: c.IP, Via: attest.ViaUI}
	if u.ID == 0 {
		return attest.User{}, "", ErrBadCredentials // the reservation stays, as the failure
	}
	if !ok {
		// The reservation stays, as the failure; the account's organizations see it.
		if err := s.DB.Update(ctx, func(tx *store.Queries) error {
			return s.logEverywhere(ctx, tx, actor, u, "user.signin_failed", u.Email+" entered a wrong password")
		}); err != nil {
			return attest.User{}, "", err
		}
		return attest.User{}, "", ErrBadCredentials
	}
	var challenge string
	if err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.ReleaseLoginFailure(ctx, res); err != nil {
			return err
		}
		if err := tx.ClearLoginPair(ctx, email, c.IP); err != nil {
			return err
		}
		f, err := tx.FactorsOf(ctx, u.ID)
		if err != nil {
			return err
		}
		if f.Any() {
			// The second step decides; the browser's session stays until it does.
			challenge = auth.NewSecret("")
			return tx.CreateChallenge(ctx, auth.HashSecret(challenge), u.ID, clock(s.Now).Add(ChallengeTTL))
		}
		if c.Replaces != "" {
			if err := tx.DeleteSession(ctx, auth.HashSecret(c.Replaces)); err != nil {
				return err
			}
		}
		return s.logEverywhere(ctx, tx, actor, u, "user.signed_in", u.Email+" signed in with a password")
	}); err != nil {
		return attest.User{}, "", err
	}
	if challenge != "" {
		return attest.User{}, "", &SecondFactorNeeded{Challenge: challenge}
	}
	secret, _, err := s.startSession(ctx, u.ID, c.IP, c.UserAgent, attest.MethodPassword)
	return u, secret, err
}

// checkPassword checks a password once a check slot is free (slot).
func (s *Users) checkPassword(ctx context.Context, encoded, password string) (bool, error) {
	done, err := s.slot(ctx)
	if err != nil {
		return false, err
	}
	defer done()
	check := s.check
	if check == nil {
		check = auth.CheckPassword
	}
	if !auth.HasPassword(encoded) {
		// An account made by single sign-on: checked against the dummy hash,
		// so that it takes as long as a wrong password, and never matches.
		dummy, err := s.dummy()
		if err != nil {
			return false, err
		}
		check(dummy, password)
		return false, nil
	}
	return check(encoded, password)
}

// slot waits at most PasswordCheckWait for one of MaxPasswordChecks slots
// for an argon2id computation, and returns how to give it back; without one
// in time it is *Throttled with Busy set.
func (s *Users) slot(ctx context.Context) (func(), error) {
	s.checksOnce.Do(func() {
		n := s.MaxPasswordChecks
		if n <= 0 {
			n = DefaultPasswordChecks
		}
		s.checks = make(chan struct{}, n)
	})
	done := func() { <-s.checks }
	select {
	case s.checks <- struct{}{}:
		return done, nil
	default:
	}
	wait := s.PasswordCheckWait
	if wait <= 0 {
		wait = 2 * time.Second
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case s.checks <- struct{}{}:
		return done, nil
	case <-t.C:
		return nil, &Throttled{Wait: time.Second, Busy: true}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dummy returns a hash of a random password made with the configured
// parameters, once.
func (s *Users) dummy() (string, error) {
	s.dummyOnce.Do(func() {
		s.dummyHash, s.dummyErr = auth.HashPassword(auth.NewSecret(""), params(s.PasswordParams))
	})
	return s.dummyHash, s.dummyErr
}

func (s *Users) idle() time.Duration {
	if s.SessionIdle <= 0 {
		return 12 * time.Hour
	}
	return s.SessionIdle
}

// SessionLifetime is how long a session lasts at most, however often it is
// used: the session cookie lives as long.
func (s *Users) SessionLifetime() time.Duration { return s.max() }

func (s *Users) max() time.Duration {
	if s.SessionMax <= 0 {
		return 7 * 24 * time.Hour
	}
	return s.SessionMax
}

// StartSession signs a user in with a fresh session (never reusing a token the
// browser brought, which would allow session fixation). It returns the
// session's secret, the cookie value, which only its hash is stored for.
func (s *Users) StartSession(ctx context.Context, userID int64, ip, userAgent string) (string, store.Session, error) {
	return s.startSession(ctx, userID, ip, userAgent, attest.MethodPassword)
}

// StartSSOSession signs a user in through an organization's identity
// provider: the session acts in that organization only
// (attest.SignInAllowed). The session the browser held, if any, ends.
func (s *Users) StartSSOSession(ctx context.Context, userID, orgID int64, ip, userAgent, replaces string) (string, error) {
	if err := s.EndPresentedSession(ctx, replaces); err != nil {
		return "", err
	}
	secret, _, err := s.newSession(ctx, store.Session{UserID: userID, IP: ip, UserAgent: userAgent, Method: attest.MethodSSO, SSOOrgID: orgID})
	return secret, err
}

func (s *Users) startSession(ctx context.Context, userID int64, ip, userAgent string, m attest.SignInMethod) (string, store.Session, error) {
	return s.newSession(ctx, store.Session{UserID: userID, IP: ip, UserAgent: userAgent, Method: m})
}

func (s *Users) newSession(ctx context.Context, sess store.Session) (string, store.Session, error) {
	secret := auth.NewSecret("")
	sess.TokenHash, sess.ExpiresAt = auth.HashSecret(secret), clock(s.Now).Add(min(s.idle(), s.max()))
	if err := s.DB.CreateSession(ctx, &sess); err != nil {
		return "", sess, err
	}
	return secret, sess, nil
}

// Session returns the live session with the given secret and its user, or nil
// when there is none, with the revision of the organization orgSlug names
// ("": none) read alongside (store.Session.Org). It slides the idle expiry, at
// most once a minute, never past the session's maximum age.
func (s *Users) Session(ctx context.Context, secret, orgSlug string) (*store.Session, attest.User, error) {
	if secret == "" {
		return nil, attest.User{}, nil
	}
	hash := auth.HashSecret(secret)
	now := clock(s.Now)
	if e, ok := s.kept.session(hash); ok {
		st, err := s.DB.SessionState(ctx, hash, orgSlug)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			s.kept.count(true) // read narrowly, and ended
			s.kept.drop(hash)
			return nil, attest.User{}, nil
		}
		if err != nil {
			return nil, attest.User{}, err
		}
		if st.Access == e.sess.Access && st.UserID == e.sess.UserID {
			sess := e.sess
			sess.ExpiresAt, sess.LastSeenAt, sess.Method, sess.SSOOrgID, sess.Org = st.ExpiresAt, st.LastSeenAt, st.Method, st.SSOOrgID, st.Org
			s.kept.count(true)
			return s.touchSession(ctx, hash, sess, e.user, now)
		}
	}
	// Not kept, or its user may have changed: read it all.
	s.kept.count(false)
	sess, u, err := s.DB.SessionUser(ctx, hash, orgSlug)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		s.kept.drop(hash)
		return nil, attest.User{}, nil
	}
	if err != nil {
		return nil, attest.User{}, err
	}
	return s.touchSession(ctx, hash, sess, u, now)
}

// touchSession slides a live session's idle expiry, at most once a minute,
// never past its maximum age, and keeps it as it now stands.
func (s *Users) touchSession(ctx context.Context, hash string, sess store.Session, u attest.User, now time.Time) (*store.Session, attest.User, error) {
	if now.Sub(sess.LastSeenAt) > time.Minute {
		exp := now.Add(s.idle())
		if limit := sess.CreatedAt.Add(s.max()); exp.After(limit) {
			exp = limit
		}
		if err := s.DB.TouchSession(ctx, hash, exp); err != nil {
			return nil, attest.User{}, err
		}
		// As the database keeps them (microseconds).
		sess.ExpiresAt, sess.LastSeenAt = exp.UTC().Truncate(time.Microsecond), now.UTC().Truncate(time.Microsecond)
	}
	s.kept.keepSession(hash, keptSession{sess: sess, user: u})
	return &sess, u, nil
}

// EndPresentedSession signs out the session whose secret a browser presents,
// if it is one: before the browser is given another session (set-up, accepting
// an invitation), so that the previous one does not stay valid unseen.
func (s *Users) EndPresentedSession(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return s.DB.DeleteSession(ctx, auth.HashSecret(secret))
}

// EndSession signs one session out (logout), by its token hash.
func (s *Users) EndSession(ctx context.Context, tokenHash string) error {
	return s.DB.DeleteSession(ctx, tokenHash)
}

// IsBusy reports whether err is a sign-in refused because too many passwords
// were being checked at once.
func IsBusy(err error) bool {
	var t *Throttled
	return errors.As(err, &t) && t.Busy
}

// IsThrottled reports whether err is a throttled sign-in, and how long to wait.
func IsThrottled(err error) (time.Duration, bool) {
	var t *Throttled
	if errors.As(err, &t) {
		return t.Wait, true
	}
	return 0, false
}
