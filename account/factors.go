package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// Two-step sign-in. A person with a confirmed authenticator app gives their
// password (SignIn), which answers *SecondFactorNeeded with a challenge
// instead of a session; the challenge and a code from the app or a recovery
// code (VerifySecondFactor) start the session. The challenge lives for
// ChallengeTTL; wrong codes are throttled per account, whatever the address.

// ChallengeTTL is how long a sign-in waits for its second step.
const ChallengeTTL = 10 * time.Minute

// RecoveryCodeCount is how many recovery codes a person is given at a time.
const RecoveryCodeCount = 10

// DefaultSecondStepThrottle allows 5 wrong codes for an account within 15
// minutes: with three codes valid at a time, a guesser who has the password
// has about one chance in 67,000 per window.
var DefaultSecondStepThrottle = auth.Throttle{Window: 15 * time.Minute, PerAccount: 5}

// TOTPIssuer is the name authenticator apps show beside the account.
const TOTPIssuer = "Attest"

// SecondFactorNeeded is SignIn's answer to a right password of an account
// with a second factor: Challenge is the secret the browser keeps (in a
// short-lived cookie) for VerifySecondFactor. No session was started.
type SecondFactorNeeded struct {
	Challenge string
}

func (e *SecondFactorNeeded) Error() string {
	return "Enter the code from your authenticator app, or a recovery code."
}

// Unwrap gives callers that do not handle it an EUNAUTHORIZED answer.
func (e *SecondFactorNeeded) Unwrap() error {
	return &attest.Error{Code: attest.EUNAUTHORIZED, Message: e.Error()}
}

// NeedsSecondFactor reports whether err is SignIn asking for a second step,
// and the challenge to keep for it.
func NeedsSecondFactor(err error) (string, bool) {
	var n *SecondFactorNeeded
	if errors.As(err, &n) {
		return n.Challenge, true
	}
	return "", false
}

// ErrBadCode is the answer to a wrong, used or expired code.
var ErrBadCode = attest.Errorf(attest.EUNAUTHORIZED, "That code is not right, or was already used. Enter the current code from your authenticator app, or an unused recovery code.")

// ErrChallengeGone is the answer to a second step whose sign-in expired or
// was already completed.
var ErrChallengeGone = attest.Errorf(attest.EUNAUTHORIZED, "This sign-in has expired. Enter your email and password again.")

// SecondStep is what a person gives at the second step of signing in.
type SecondStep struct {
	Challenge, Code string
	IP, UserAgent   string
	Replaces        string // the session the browser holds, ended on success
}

// VerifySecondFactor completes a sign-in that SignIn answered with
// *SecondFactorNeeded: a current code from the authenticator app (never one
// accepted before) or an unused recovery code. It returns the user and the
// new session's secret. Wrong codes are counted against the account and,
// past DefaultSecondStepThrottle, refused as *Throttled before any check.
func (s *Users) VerifySecondFactor(ctx context.Context, in SecondStep) (attest.User, string, error) {
	if in.Challenge == "" {
		return attest.User{}, "", ErrChallengeGone
	}
	throttle := s.SecondStepThrottle
	if throttle == (auth.Throttle{}) {
		throttle = DefaultSecondStepThrottle
	}
	var u attest.User
	var method attest.SignInMethod
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if u, err = tx.ChallengeUser(ctx, auth.HashSecret(in.Challenge)); attest.ErrorCode(err) == attest.ENOTFOUND {
			return ErrChallengeGone
		} else if err != nil {
			return err
		}
		if err := tx.LockSecondFactor(ctx, u.ID); err != nil {
			return err
		}
		now := clock(s.Now)
		failures, err := tx.SecondFactorFailures(ctx, u.ID, now.Add(-throttle.Window))
		if err != nil {
			return err
		}
		if wait := throttle.RetryAfter(now, auth.Failures{Account: failures}); wait > 0 {
			return &Throttled{Wait: wait}
		}
		if method, err = s.checkSecondFactor(ctx, tx, u.ID, in.Code, now); err != nil {
			return err
		}
		if method == "" {
			// Committed, so the failure counts.
			return errors.Join(tx.RecordSecondFactorFailure(ctx, u.ID),
				s.logEverywhere(ctx, tx, attest.Actor{UserID: u.ID, Label: u.Email, IP: in.IP, Via: attest.ViaUI}, u,
					"user.signin_failed", u.Email+" entered a wrong second-step code"))
		}
		if err := tx.ClearSecondFactorFailures(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.DeleteChallenges(ctx, u.ID); err != nil {
			return err
		}
		if in.Replaces != "" {
			if err := tx.DeleteSession(ctx, auth.HashSecret(in.Replaces)); err != nil {
				return err
			}
		}
		summary := u.Email + " signed in with a password and an authenticator app"
		if method == attest.MethodRecovery {
			f, err := tx.FactorsOf(ctx, u.ID)
			if err != nil {
				return err
			}
			summary = fmt.Sprintf("%s signed in with a password and a recovery code (%d left)", u.Email, f.RecoveryCodes)
		}
		return s.logEverywhere(ctx, tx, attest.Actor{UserID: u.ID, Label: u.Email, IP: in.IP, Via: attest.ViaUI}, u, "user.signed_in", summary)
	})
	if err != nil {
		return attest.User{}, "", err
	}
	if method == "" {
		return attest.User{}, "", ErrBadCode
	}
	secret, _, err := s.startSession(ctx, u.ID, in.IP, in.UserAgent, method)
	return u, secret, err
}

// checkSecondFactor accepts a code from the user's authenticator app (at a
// step after the last accepted) or one of their unused recovery codes, and
// records its use; "" when neither.
func (s *Users) checkSecondFactor(ctx context.Context, tx *store.Queries, userID int64, code string, now time.Time) (attest.SignInMethod, error) {
	t, err := tx.TOTPFor(ctx, userID)
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return "", err
	}
	if err == nil && t.ConfirmedAt != nil {
		secret, err := s.openTOTP(t.Sealed)
		if err != nil {
			return "", err
		}
		if step, ok := auth.CheckTOTP(secret, code, now, t.LastStep); ok {
			used, err := tx.UseTOTPStep(ctx, userID, step, false)
			if err != nil || used {
				return attest.MethodTOTP, err
			}
		}
	}
	used, err := tx.UseRecoveryCode(ctx, userID, auth.HashRecoveryCode(code))
	if err != nil || !used {
		return "", err
	}
	return attest.MethodRecovery, nil
}

// Enrolment is an authenticator app being set up: the secret to type in by
// hand, the otpauth:// URL and its QR code (PNG).
type Enrolment struct {
	Secret string
	URL    string
	QRPNG  []byte
}

// ErrNoSecretKey refuses two-step set-up on an install whose secret key is
// not loaded: the authenticator secret could not be sealed.
var ErrNoSecretKey = attest.Errorf(attest.ECONFLICT, "Two-step verification needs the install's secret key (ATTEST_SECRET_KEY or the key file), which this server did not load.")

// StartTOTP makes a new authenticator secret for p, stored sealed and
// unconfirmed (replacing an unconfirmed one) until ConfirmTOTP. Someone who
// already has a confirmed app is refused (ECONFLICT).
func (s *Users) StartTOTP(ctx context.Context, p attest.Principal) (Enrolment, error) {
	if p.UserID == 0 {
		return Enrolment{}, attest.Errorf(attest.EUNAUTHORIZED, "sign in to continue")
	}
	if s.Box == nil {
		return Enrolment{}, ErrNoSecretKey
	}
	u, err := s.DB.UserByID(ctx, p.UserID)
	if err != nil {
		return Enrolment{}, err
	}
	k, err := auth.NewTOTPKey(TOTPIssuer, u.Email)
	if err != nil {
		return Enrolment{}, err
	}
	sealed, err := s.Box.Seal([]byte(k.Secret))
	if err != nil {
		return Enrolment{}, fmt.Errorf("seal authenticator secret: %w", err)
	}
	if err := s.DB.Update(ctx, func(tx *store.Queries) error { return tx.PutPendingTOTP(ctx, u.ID, sealed) }); err != nil {
		return Enrolment{}, err
	}
	return Enrolment(k), nil
}

// PendingTOTP returns the enrolment StartTOTP began and p has not confirmed,
// so that the set-up page can show its QR code again; ENOTFOUND without one.
func (s *Users) PendingTOTP(ctx context.Context, p attest.Principal) (Enrolment, error) {
	t, err := s.DB.TOTPFor(ctx, p.UserID)
	if err != nil {
		return Enrolment{}, err
	}
	if t.ConfirmedAt != nil {
		return Enrolment{}, attest.Errorf(attest.ENOTFOUND, "no authenticator app is being set up")
	}
	u, err := s.DB.UserByID(ctx, p.UserID)
	if err != nil {
		return Enrolment{}, err
	}
	secret, err := s.openTOTP(t.Sealed)
	if err != nil {
		return Enrolment{}, err
	}
	k, err := auth.TOTPKeyFor(TOTPIssuer, u.Email, secret)
	return Enrolment(k), err
}

// ConfirmTOTP turns the pending authenticator app on with a code from it
// (field code), gives p a new set of recovery codes (shown once; only their
// hashes are kept), signs out p's other sessions and marks the current one
// (sessionHash) as having proved the second factor. It is logged in every
// organization p belongs to.
func (s *Users) ConfirmTOTP(ctx context.Context, p attest.Principal, sessionHash, code string) ([]string, error) {
	if p.UserID == 0 {
		return nil, attest.Errorf(attest.EUNAUTHORIZED, "sign in to continue")
	}
	u, err := s.DB.UserByID(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		t, err := tx.TOTPFor(ctx, u.ID)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			return attest.Invalid("code", "belongs to no authenticator app being set up; start again")
		}
		if err != nil {
			return err
		}
		if t.ConfirmedAt != nil {
			return attest.Errorf(attest.ECONFLICT, "your authenticator app is already set up")
		}
		secret, err := s.openTOTP(t.Sealed)
		if err != nil {
			return err
		}
		step, ok := auth.CheckTOTP(secret, code, clock(s.Now), t.LastStep)
		if !ok {
			return attest.Invalid("code", "is not the current code of the app you set up; check that the phone's clock is right and try the next code")
		}
		if used, err := tx.UseTOTPStep(ctx, u.ID, step, true); err != nil {
			return err
		} else if !used {
			return attest.Invalid("code", "was already used; enter the next one")
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return err
		}
		if err := tx.DeleteOtherSessions(ctx, u.ID, sessionHash); err != nil {
			return err
		}
		if err := tx.SetSessionMethod(ctx, sessionHash, attest.MethodTOTP); err != nil {
			return err
		}
		return s.logEverywhere(ctx, tx, p.Actor(), u, "user.mfa_enrolled",
			u.Email+" turned on two-step verification with an authenticator app; other sessions were signed out")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns p's authenticator app off and drops their recovery codes,
// after checking their password again (field password). An organization
// that requires two-step verification will send them to set it up again.
func (s *Users) DisableTOTP(ctx context.Context, p attest.Principal, password string) error {
	u, err := s.reauthenticate(ctx, p, password)
	if err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		if _, err := tx.TOTPFor(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.DeleteTOTP(ctx, u.ID); err != nil {
			return err
		}
		f, err := tx.FactorsOf(ctx, u.ID)
		if err != nil {
			return err
		}
		summary := u.Email + " turned off their authenticator app"
		if !f.Any() {
			// Recovery codes stand in for a factor; with none left they go too.
			if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
				return err
			}
			summary = u.Email + " turned off two-step verification"
		}
		return s.logEverywhere(ctx, tx, p.Actor(), u, "user.mfa_removed", summary)
	})
}

// RegenerateRecoveryCodes replaces p's recovery codes, after checking their
// password again; the new codes are shown once.
func (s *Users) RegenerateRecoveryCodes(ctx context.Context, p attest.Principal, password string) ([]string, error) {
	u, err := s.reauthenticate(ctx, p, password)
	if err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		f, err := tx.FactorsOf(ctx, u.ID)
		if err != nil {
			return err
		}
		if !f.Any() {
			return attest.Errorf(attest.ECONFLICT, "recovery codes come with an authenticator app; set one up first")
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return err
		}
		return s.logEverywhere(ctx, tx, p.Actor(), u, "user.recovery_codes_replaced", u.Email+" made new recovery codes; the old ones no longer work")
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// newRecoveryCodes makes a set of recovery codes and the hashes stored for them.
func newRecoveryCodes() (codes, hashes []string) {
	codes = auth.NewRecoveryCodes(RecoveryCodeCount)
	hashes = make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	return codes, hashes
}

// Factors returns what p has set up.
func (s *Users) Factors(ctx context.Context, p attest.Principal) (store.Factors, error) {
	return s.DB.FactorsOf(ctx, p.UserID)
}

// reauthenticate checks p's password before a change that weakens their
// sign-in; a wrong one is an EINVALID error on field password.
func (s *Users) reauthenticate(ctx context.Context, p attest.Principal, password string) (attest.User, error) {
	if p.UserID == 0 {
		return attest.User{}, attest.Errorf(attest.EUNAUTHORIZED, "sign in to continue")
	}
	u, err := s.DB.UserByID(ctx, p.UserID)
	if err != nil {
		return attest.User{}, err
	}
	ok, err := s.checkPassword(ctx, u.PasswordHash, password)
	if err != nil {
		return attest.User{}, err
	}
	if !ok {
		return attest.User{}, attest.Invalid("password", "does not match the password you sign in with")
	}
	return u, nil
}

func (s *Users) openTOTP(sealed []byte) (string, error) {
	if s.Box == nil {
		return "", ErrNoSecretKey
	}
	b, err := s.Box.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("open authenticator secret: %w", err)
	}
	return string(b), nil
}

// logEverywhere records an account security event in every organization u
// belongs to: each is entitled to see what happens to its members' sign-in.
func (s *Users) logEverywhere(ctx context.Context, tx *store.Queries, a attest.Actor, u attest.User, action, summary string) error {
	ms, err := tx.Memberships(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := tx.Log(ctx, a.Record(m.Org.ID, action, "user", idString(u.ID), summary)); err != nil {
			return err
		}
	}
	return nil
}

// Resealer re-seals a sealed value with the current key (package secret's Box).
type Resealer interface {
	Rotate(sealed []byte) (out []byte, changed bool, err error)
}

// ResealTOTP re-seals every stored authenticator secret with box's current
// key, in one transaction: one that cannot be opened changes nothing and is
// named by user. It returns how many there are and how many changed.
func (s *Users) ResealTOTP(ctx context.Context, box Resealer) (total, resealed int, err error) {
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		all, err := tx.SealedTOTPs(ctx)
		if err != nil {
			return err
		}
		for _, t := range all {
			total++
			out, changed, err := box.Rotate(t.Sealed)
			if err != nil {
				return fmt.Errorf("authenticator secret of user %d: %w: keep the key that sealed it among the keys until it is re-sealed", t.UserID, err)
			}
			if !changed {
				continue
			}
			if err := tx.SetSealedTOTP(ctx, t.UserID, out); err != nil {
				return err
			}
			resealed++
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return total, resealed, nil
}

// ResetSecondFactor is an operator's recovery of an account whose owner lost
// their authenticator app or passkeys and their recovery codes (`attest user
// reset-two-step`): the app, passkeys and codes are removed and every session and
// pending sign-in ends, so the next sign-in is with the password alone and
// an organization that requires two-step asks them to set it up again. It is
// logged in every organization of theirs. It reports whether there was
// anything to remove.
func (s *Users) ResetSecondFactor(ctx context.Context, actor attest.Actor, email string) (bool, error) {
	removed := false
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		u, err := tx.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if _, err := tx.TOTPFor(ctx, u.ID); err == nil {
			removed = true
		} else if attest.ErrorCode(err) != attest.ENOTFOUND {
			return err
		}
		if f, err := tx.FactorsOf(ctx, u.ID); err != nil {
			return err
		} else if f.Passkeys > 0 {
			removed = true
		}
		if err := tx.DeleteTOTP(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.DeletePasskeys(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.DeleteChallenges(ctx, u.ID); err != nil {
			return err
		}
		return s.logEverywhere(ctx, tx, actor, u, "user.mfa_reset",
			u.Email+"'s two-step verification was reset by the install's operator; every session was signed out")
	})
	return removed, err
}

// FinishSignIn completes a sign-in whose factor was checked elsewhere (a
// passkey, by package passkey): it ends the person's pending second steps
// and the session the browser held (replaces), logs the sign-in in each of
// their organizations (how says with what), and starts a session with
// method m, returning its secret.
func (s *Users) FinishSignIn(ctx context.Context, u attest.User, m attest.SignInMethod, ip, userAgent, replaces, how string) (string, error) {
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.DeleteChallenges(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.ClearSecondFactorFailures(ctx, u.ID); err != nil {
			return err
		}
		if replaces != "" {
			if err := tx.DeleteSession(ctx, auth.HashSecret(replaces)); err != nil {
				return err
			}
		}
		return s.logEverywhere(ctx, tx, attest.Actor{UserID: u.ID, Label: u.Email, IP: ip, Via: attest.ViaUI}, u, "user.signed_in", u.Email+" signed in with "+how)
	})
	if err != nil {
		return "", err
	}
	secret, _, err := s.startSession(ctx, u.ID, ip, userAgent, m)
	return secret, err
}

// ChallengeUser returns who a sign-in awaiting its second step is for;
// ErrChallengeGone when it is unknown or expired.
func (s *Users) ChallengeUser(ctx context.Context, challenge string) (attest.User, error) {
	if challenge == "" {
		return attest.User{}, ErrChallengeGone
	}
	u, err := s.DB.ChallengeUser(ctx, auth.HashSecret(challenge))
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return attest.User{}, ErrChallengeGone
	}
	return u, err
}

// CheckPassword checks p's password again before a change that weakens
// their sign-in (field password); exported for the passkey service.
func (s *Users) CheckPassword(ctx context.Context, p attest.Principal, password string) (attest.User, error) {
	return s.reauthenticate(ctx, p, password)
}

// LogEverywhere records an account security event in every organization u
// belongs to, in tx; exported for the passkey service.
func (s *Users) LogEverywhere(ctx context.Context, tx *store.Queries, a attest.Actor, u attest.User, action, summary string) error {
	return s.logEverywhere(ctx, tx, a, u, action, summary)
}
