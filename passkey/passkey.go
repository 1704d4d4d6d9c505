// Package passkey registers passkeys (WebAuthn credentials, go-webauthn) and
// signs people in with them: as the second step after a password, or alone,
// with the device's PIN or biometrics (a discoverable credential). The
// relying party is the server's public address (BaseURL): its host is the
// RP ID, its origin the only one accepted.
package passkey

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/account"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// CeremonyTTL is how long a browser has to use its authenticator.
const CeremonyTTL = 5 * time.Minute

// MaxResponse bounds an authenticator's response read from a request.
const MaxResponse = 64 << 10

// Ceremony kinds.
const (
	kindRegister     = "register"
	kindSecondStep   = "second-step"
	kindPasswordless = "passwordless"
)

// Service registers passkeys and signs people in with them.
type Service struct {
	DB      *store.DB
	Users   *account.Users
	BaseURL string // the server's public address; set by app.Services.Web
	Now     func() time.Time
	Log     *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ErrNeedsDomain refuses passkeys on a server reached by an IP address:
// WebAuthn binds credentials to a domain.
var ErrNeedsDomain = attest.Errorf(attest.ECONFLICT, "Passkeys need the server to be reached by a name, not an IP address: set ATTEST_BASE_URL to http://localhost:8080 (on this machine) or to the server's domain.")

// relyingParty is the WebAuthn configuration for BaseURL.
func (s *Service) relyingParty() (*webauthn.WebAuthn, error) {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Hostname() == "" {
		return nil, ErrNeedsDomain
	}
	if net.ParseIP(u.Hostname()) != nil {
		return nil, ErrNeedsDomain
	}
	return webauthn.New(&webauthn.Config{RPID: u.Hostname(), RPDisplayName: "Attest", RPOrigins: []string{u.Scheme + "://" + u.Host},
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: CeremonyTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: CeremonyTTL},
		}})
}

// Available reports whether passkeys work on this server, and why not.
func (s *Service) Available() error {
	_, err := s.relyingParty()
	return err
}

// person is a user as go-webauthn sees them.
type person struct {
	u     attest.User
	keys  []store.Passkey
	creds []webauthn.Credential
}

func (p *person) WebAuthnID() []byte                         { return handle(p.u.ID) }
func (p *person) WebAuthnName() string                       { return p.u.Email }
func (p *person) WebAuthnDisplayName() string                { return p.u.Name }
func (p *person) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// handle is a user's WebAuthn user handle: their ID, 8 bytes big-endian.
// It identifies the account without saying anything about the person.
func handle(id int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(id))
	return b
}

func (s *Service) person(ctx context.Context, q *store.Queries, u attest.User) (*person, error) {
	keys, err := q.Passkeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	p := &person{u: u, keys: keys}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(k.Credential), &c); err != nil {
			return nil, fmt.Errorf("passkey %d: %w", k.ID, err)
		}
		p.creds = append(p.creds, c)
	}
	return p, nil
}

// begin stores a ceremony's session data and returns the browser's secret for it.
func (s *Service) begin(ctx context.Context, userID int64, kind string, data *webauthn.SessionData) (string, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return "", err
	}
	secret := auth.NewSecret("")
	if err := s.DB.CreateCeremony(ctx, auth.HashSecret(secret), userID, kind, string(b), s.now().Add(CeremonyTTL)); err != nil {
		return "", err
	}
	return secret, nil
}

// ErrCeremonyGone answers a response to a ceremony that expired, was used,
// or did not start in this browser.
var ErrCeremonyGone = attest.Errorf(attest.ECONFLICT, "This passkey request has expired. Try again.")

// take removes a ceremony and returns its user and session data.
func (s *Service) take(ctx context.Context, secret, kind string) (int64, webauthn.SessionData, error) {
	var data webauthn.SessionData
	if secret == "" {
		return 0, data, ErrCeremonyGone
	}
	uid, raw, err := s.DB.TakeCeremony(ctx, auth.HashSecret(secret), kind)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return 0, data, ErrCeremonyGone
	}
	if err != nil {
		return 0, data, err
	}
	return uid, data, json.Unmarshal([]byte(raw), &data)
}

// BeginRegistration starts registering a passkey for p: it returns the
// options for navigator.credentials.create and the ceremony's secret (a
// cookie). The user's passkeys are excluded, so one device is not
// registered twice; a discoverable credential is asked for, so that it can
// sign in without a password too.
func (s *Service) BeginRegistration(ctx context.Context, p attest.Principal) (any, string, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return nil, "", err
	}
	u, err := s.DB.UserByID(ctx, p.UserID)
	if err != nil {
		return nil, "", err
	}
	who, err := s.person(ctx, &s.DB.Queries, u)
	if err != nil {
		return nil, "", err
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range who.creds {
		exclude = append(exclude, c.Descriptor())
	}
	opts, data, err := rp.BeginRegistration(who, webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{ResidentKey: protocol.ResidentKeyRequirementRequired,
			RequireResidentKey: protocol.ResidentKeyRequired(), UserVerification: protocol.VerificationPreferred}))
	if err != nil {
		return nil, "", fmt.Errorf("begin passkey registration: %w", err)
	}
	secret, err := s.begin(ctx, u.ID, kindRegister, data)
	return opts, secret, err
}

// FinishRegistration verifies the authenticator's response (attestation,
// challenge, origin, RP ID) and stores the passkey under name (field name;
// default "Passkey N"). It is logged in each of p's organizations.
func (s *Service) FinishRegistration(ctx context.Context, p attest.Principal, secret, name string, body io.Reader) (store.Passkey, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return store.Passkey{}, err
	}
	uid, data, err := s.take(ctx, secret, kindRegister)
	if err != nil {
		return store.Passkey{}, err
	}
	if uid != p.UserID {
		return store.Passkey{}, ErrCeremonyGone
	}
	parsed, err := protocol.ParseCredentialCreationResponseBody(io.LimitReader(body, MaxResponse))
	if err != nil {
		return store.Passkey{}, attest.Errorf(attest.EINVALID, "The passkey's answer could not be read: %s", protocolMessage(err))
	}
	var key store.Passkey
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		u, err := tx.UserByID(ctx, p.UserID)
		if err != nil {
			return err
		}
		who, err := s.person(ctx, tx, u)
		if err != nil {
			return err
		}
		cred, err := rp.CreateCredential(who, data, parsed)
		if err != nil {
			return attest.Errorf(attest.EINVALID, "The passkey was not accepted: %s", protocolMessage(err))
		}
		if name, err = cleanName(name); err != nil {
			return err
		}
		if name == "" {
			name = fmt.Sprintf("Passkey %d", len(who.keys)+1)
		}
		b, err := json.Marshal(cred)
		if err != nil {
			return err
		}
		key = store.Passkey{UserID: u.ID, CredentialID: base64.RawURLEncoding.EncodeToString(cred.ID), Name: name, Credential: string(b)}
		if err := tx.AddPasskey(ctx, &key); err != nil {
			return err
		}
		return s.Users.LogEverywhere(ctx, tx, p.Actor(), u, "user.passkey_added", fmt.Sprintf("%s added a passkey (%s)", u.Email, name))
	})
	return key, err
}

// List returns p's passkeys.
func (s *Service) List(ctx context.Context, p attest.Principal) ([]store.Passkey, error) {
	return s.DB.Passkeys(ctx, p.UserID)
}

// Rename names one of p's passkeys (field name).
func (s *Service) Rename(ctx context.Context, p attest.Principal, id int64, name string) error {
	name, err := cleanName(name)
	if err != nil {
		return err
	}
	if name == "" {
		return attest.Invalid("name", "is required")
	}
	return s.DB.RenamePasskey(ctx, p.UserID, id, name)
}

// Remove deletes one of p's passkeys after checking their password again
// (field password). With no second factor left, their recovery codes go too.
func (s *Service) Remove(ctx context.Context, p attest.Principal, id int64, password string) (store.Passkey, error) {
	u, err := s.Users.CheckPassword(ctx, p, password)
	if err != nil {
		return store.Passkey{}, err
	}
	var key store.Passkey
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if key, err = tx.DeletePasskey(ctx, u.ID, id); err != nil {
			return err
		}
		f, err := tx.FactorsOf(ctx, u.ID)
		if err != nil {
			return err
		}
		if !f.Any() {
			if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
				return err
			}
		}
		return s.Users.LogEverywhere(ctx, tx, p.Actor(), u, "user.passkey_removed", fmt.Sprintf("%s removed a passkey (%s)", u.Email, key.Name))
	})
	return key, err
}

// BeginSecondStep starts the second step of a sign-in (the password was
// right: challenge) with one of the person's passkeys.
func (s *Service) BeginSecondStep(ctx context.Context, challenge string) (any, string, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return nil, "", err
	}
	u, err := s.Users.ChallengeUser(ctx, challenge)
	if err != nil {
		return nil, "", err
	}
	who, err := s.person(ctx, &s.DB.Queries, u)
	if err != nil {
		return nil, "", err
	}
	if len(who.creds) == 0 {
		return nil, "", attest.Errorf(attest.ECONFLICT, "You have no passkey. Enter a code instead.")
	}
	opts, data, err := rp.BeginLogin(who, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, "", fmt.Errorf("begin passkey sign-in: %w", err)
	}
	secret, err := s.begin(ctx, u.ID, kindSecondStep, data)
	return opts, secret, err
}

// SignedIn is a sign-in a passkey completed.
type SignedIn struct {
	User    attest.User
	Session string
}

// FinishSecondStep checks the passkey's assertion for the sign-in awaiting
// its second step and starts the session.
func (s *Service) FinishSecondStep(ctx context.Context, challenge, secret string, body io.Reader, ip, userAgent, replaces string) (SignedIn, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return SignedIn{}, err
	}
	u, err := s.Users.ChallengeUser(ctx, challenge)
	if err != nil {
		return SignedIn{}, err
	}
	uid, data, err := s.take(ctx, secret, kindSecondStep)
	if err != nil {
		return SignedIn{}, err
	}
	if uid != u.ID {
		return SignedIn{}, ErrCeremonyGone
	}
	parsed, err := protocol.ParseCredentialRequestResponseBody(io.LimitReader(body, MaxResponse))
	if err != nil {
		return SignedIn{}, attest.Errorf(attest.EUNAUTHORIZED, "The passkey's answer could not be read: %s", protocolMessage(err))
	}
	name, err := s.verify(ctx, rp, u, func(who *person) (*webauthn.Credential, error) { return rp.ValidateLogin(who, data, parsed) })
	if err != nil {
		return SignedIn{}, err
	}
	session, err := s.Users.FinishSignIn(ctx, u, attest.MethodPasswordPasskey, ip, userAgent, replaces, "a password and a passkey ("+name+")")
	return SignedIn{User: u, Session: session}, err
}

// BeginPasswordless starts a sign-in with a passkey alone: the browser
// offers the person's passkeys for this site, and user verification (PIN or
// biometrics) is required.
func (s *Service) BeginPasswordless(ctx context.Context) (any, string, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return nil, "", err
	}
	opts, data, err := rp.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, "", fmt.Errorf("begin passkey sign-in: %w", err)
	}
	secret, err := s.begin(ctx, 0, kindPasswordless, data)
	return opts, secret, err
}

// FinishPasswordless checks a discoverable passkey's assertion (with the
// user verified) and starts the session of its owner.
func (s *Service) FinishPasswordless(ctx context.Context, secret string, body io.Reader, ip, userAgent, replaces string) (SignedIn, error) {
	rp, err := s.relyingParty()
	if err != nil {
		return SignedIn{}, err
	}
	_, data, err := s.take(ctx, secret, kindPasswordless)
	if err != nil {
		return SignedIn{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBody(io.LimitReader(body, MaxResponse))
	if err != nil {
		return SignedIn{}, attest.Errorf(attest.EUNAUTHORIZED, "The passkey's answer could not be read: %s", protocolMessage(err))
	}
	var owner attest.User
	lookup := func(rawID, userHandle []byte) (webauthn.User, error) {
		if len(userHandle) != 8 {
			return nil, fmt.Errorf("unknown user handle")
		}
		u, err := s.DB.UserByID(ctx, int64(binary.BigEndian.Uint64(userHandle)))
		if err != nil {
			return nil, err
		}
		owner = u
		return s.person(ctx, &s.DB.Queries, u)
	}
	var name string
	_, cred, err := rp.ValidatePasskeyLogin(lookup, data, parsed)
	if err != nil || owner.ID == 0 {
		return SignedIn{}, attest.Errorf(attest.EUNAUTHORIZED, "That passkey is not one Attest knows, or it did not verify. Sign in with your email and password.")
	}
	if !cred.Flags.UserVerified {
		return SignedIn{}, attest.Errorf(attest.EUNAUTHORIZED, "Signing in with a passkey alone needs the device's PIN or biometrics.")
	}
	if name, err = s.record(ctx, owner, cred); err != nil {
		return SignedIn{}, err
	}
	session, err := s.Users.FinishSignIn(ctx, owner, attest.MethodPasskey, ip, userAgent, replaces, "a passkey ("+name+")")
	return SignedIn{User: owner, Session: session}, err
}

// verify validates an assertion for u and records the passkey's use.
func (s *Service) verify(ctx context.Context, rp *webauthn.WebAuthn, u attest.User, validate func(*person) (*webauthn.Credential, error)) (string, error) {
	who, err := s.person(ctx, &s.DB.Queries, u)
	if err != nil {
		return "", err
	}
	cred, err := validate(who)
	if err != nil {
		return "", attest.Errorf(attest.EUNAUTHORIZED, "The passkey did not verify: %s", protocolMessage(err))
	}
	return s.record(ctx, u, cred)
}

// record stores a used passkey's new signature counter and refuses one whose
// counter went backwards (a cloned authenticator).
func (s *Service) record(ctx context.Context, u attest.User, cred *webauthn.Credential) (string, error) {
	if cred.Authenticator.CloneWarning {
		return "", attest.Errorf(attest.EUNAUTHORIZED, "This passkey's counter went backwards, which a copied authenticator does; it was refused.")
	}
	key, err := s.DB.PasskeyByCredential(ctx, base64.RawURLEncoding.EncodeToString(cred.ID))
	if err != nil || key.UserID != u.ID {
		return "", attest.Errorf(attest.EUNAUTHORIZED, "That passkey is not registered to this account.")
	}
	b, err := json.Marshal(cred)
	if err != nil {
		return "", err
	}
	return key.Name, s.DB.UsePasskey(ctx, key.ID, string(b))
}

// cleanName trims a passkey's name and bounds it.
func cleanName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) || len(name) > 100 || strings.ContainsAny(name, "\x00\r\n") {
		return "", attest.Invalid("name", "must be at most 100 characters on one line")
	}
	return name, nil
}

// protocolMessage is the reason go-webauthn gives, without its internals.
func protocolMessage(err error) string {
	if pe, ok := err.(*protocol.Error); ok {
		if pe.Details != "" {
			return pe.Details
		}
		return pe.Type
	}
	return err.Error()
}
