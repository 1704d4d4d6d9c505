// Package connection manages an organization's connections: configured
// connectors with their settings, their sealed credential, their schedule
// and the outcome of their last check. The UI, the API, the CLI, the
// monitoring service and the job worker all go through Service.
//
// A credential goes in through Add, is sealed with the install's SecretBox
// before it reaches the database, and comes out only through Open, for the
// code that collects. It is never returned by the other methods, never
// logged and never part of an activity entry.
package connection

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/connector"
	"github.com/attest-hq/attest/store"
)

// Service holds connections' use cases.
type Service struct {
	DB       *store.DB
	Box      attest.SecretBox // nil: no secret key configured; adding and opening fail with a message saying so
	Registry connector.Registry
	Now      func() time.Time // nil: time.Now
	Log      *slog.Logger     // nil: discard
	// CheckTimeout bounds one check of a connection; 0: DefaultCheckTimeout.
	CheckTimeout time.Duration
}

// DefaultCheckTimeout is how long a check waits for the provider.
const DefaultCheckTimeout = 30 * time.Second

func (s *Service) checkTimeout() time.Duration {
	if s.CheckTimeout <= 0 {
		return DefaultCheckTimeout
	}
	return s.CheckTimeout
}

// Input is a new connection as a person describes it.
type Input struct {
	Type, Name string
	Settings   map[string]string
	Secret     []byte
	// IntervalMinutes is how often to collect on schedule; 0 takes
	// DefaultInterval.
	IntervalMinutes int
}

// Limits of a connection's schedule, in minutes.
const (
	DefaultInterval = 60
	MinInterval     = 5
	MaxInterval     = 7 * 24 * 60
)

// MaxSecret bounds a credential: a token or a PEM private key is far smaller.
const MaxSecret = 64 << 10

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

var errNoBox = attest.Errorf(attest.ECONFLICT, "this install has no secret key to seal credentials with: set ATTEST_SECRET_KEY or start `attest serve` once to create the key file")

// ValidName checks a connection's name: it appears in commands, URLs and
// webhook addresses, so it is short and plain.
func ValidName(name string) error {
	if name == "" {
		return attest.Invalid("name", "is required")
	}
	if len(name) > 64 {
		return attest.Invalid("name", "must be at most 64 characters")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return attest.Invalid("name", "may hold only letters, digits, '-', '_' and '.' (got %q)", name)
		}
	}
	return nil
}

// Add creates a connection: the type must be registered, the settings must
// match its spec (each error names the setting), and the credential is
// sealed before it is stored.
func (s *Service) Add(ctx context.Context, p attest.Principal, in Input) (attest.Connection, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.Connection{}, err
	}
	c, err := s.Registry.Get(strings.TrimSpace(in.Type))
	if err != nil {
		return attest.Connection{}, err
	}
	spec := c.Spec()
	conn := attest.Connection{OrgID: p.OrgID, Type: spec.Type, Name: strings.TrimSpace(in.Name), IntervalMinutes: in.IntervalMinutes,
		Enabled: true, CreatedBy: p.UserID}
	if err := ValidName(conn.Name); err != nil {
		return conn, err
	}
	if conn.Settings, err = connector.Settings(spec, in.Settings); err != nil {
		return conn, err
	}
	if conn.IntervalMinutes == 0 {
		conn.IntervalMinutes = DefaultInterval
	}
	if conn.IntervalMinutes < MinInterval || conn.IntervalMinutes > MaxInterval {
		return conn, attest.Invalid("interval_minutes", "must be from %d minutes to %d (a week), got %d", MinInterval, MaxInterval, conn.IntervalMinutes)
	}
	secret := bytes.TrimSpace(in.Secret)
	if len(secret) == 0 && !spec.SecretOptional {
		label := spec.SecretLabel
		if label == "" {
			label = "the credential"
		}
		return conn, attest.Invalid("secret", "is required: %s", label)
	}
	if len(secret) > MaxSecret {
		return conn, attest.Invalid("secret", "is larger than %d KiB: is it the right file?", MaxSecret>>10)
	}
	if v, ok := c.(attest.CredentialValidator); ok {
		if err := v.Validate(attest.CollectRequest{Settings: conn.Settings, Secret: secret}); err != nil {
			return conn, err
		}
	}
	if s.Box == nil {
		return conn, errNoBox
	}
	sealed, err := s.Box.Seal(secret)
	if err != nil {
		return conn, fmt.Errorf("seal the credential of connection %s: %w", conn.Name, err)
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.CreateConnection(ctx, &conn, sealed); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("connection.added", "connection", idString(conn.ID),
			fmt.Sprintf("Added the %s connection %s (%s)", spec.Title, conn.Name, describeSettings(spec, conn.Settings))))
	})
	return conn, err
}

// describeSettings lists a connection's settings for an activity entry.
// Settings are never secret; the credential is not among them.
func describeSettings(spec attest.ConnectorSpec, settings map[string]string) string {
	var parts []string
	for _, st := range spec.Settings {
		if v, ok := settings[st.Key]; ok {
			parts = append(parts, st.Key+"="+v)
		}
	}
	return strings.Join(parts, ", ")
}

// List returns the organization's connections by name.
func (s *Service) List(ctx context.Context, p attest.Principal) ([]attest.Connection, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return nil, err
	}
	return s.DB.Connections(ctx, p.OrgID)
}

// Get returns one of the organization's connections.
func (s *Service) Get(ctx context.Context, p attest.Principal, id int64) (attest.Connection, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.Connection{}, err
	}
	return s.DB.Connection(ctx, p.OrgID, id)
}

// ByName returns the organization's connection called name.
func (s *Service) ByName(ctx context.Context, p attest.Principal, name string) (attest.Connection, error) {
	if err := p.Require(attest.ActRead); err != nil {
		return attest.Connection{}, err
	}
	return s.DB.ConnectionByName(ctx, p.OrgID, strings.TrimSpace(name))
}

// Check asks the connector whether the connection's credential works and
// what it lacks, and stores the answer on the connection. A connector that
// cannot be reached is a failed check (OK false, the reason in Message), not
// an error: the person checking needs to read why.
func (s *Service) Check(ctx context.Context, p attest.Principal, id int64) (attest.CheckResult, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return attest.CheckResult{}, err
	}
	conn, secret, err := s.Open(ctx, p.OrgID, id)
	if err != nil {
		return attest.CheckResult{}, err
	}
	c, err := s.Registry.Get(conn.Type)
	if err != nil {
		return attest.CheckResult{}, attest.Errorf(attest.ECONFLICT, "connection %s is of type %q, which this install has no connector for", conn.Name, conn.Type)
	}
	// A provider that does not answer must not hold the page (or the
	// command) open: past CheckTimeout the check fails, saying so.
	cctx, cancel := context.WithTimeout(ctx, s.checkTimeout())
	res, err := c.Check(cctx, attest.CollectRequest{Settings: conn.Settings, Secret: secret, Now: s.now()})
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return attest.CheckResult{}, ctx.Err()
		}
		// The connector's error says what went wrong with the provider;
		// connectors never put the credential in it.
		msg := err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			msg = fmt.Sprintf("the provider did not answer within %s", s.checkTimeout())
		}
		res = attest.CheckResult{OK: false, Message: "The check could not complete: " + msg}
	}
	if len(res.Missing) > 0 {
		res.OK = false
	}
	msg := Describe(res)
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SaveConnectionCheck(ctx, p.OrgID, conn.ID, s.now(), res.OK, msg); err != nil {
			return err
		}
		outcome := "it works"
		if !res.OK {
			outcome = "it does not work"
		}
		return tx.Log(ctx, p.Record("connection.checked", "connection", idString(conn.ID),
			fmt.Sprintf("Checked the connection %s: %s. %s", conn.Name, outcome, msg)))
	})
	if err != nil {
		return attest.CheckResult{}, err
	}
	s.log().Info("connection checked", "org_id", p.OrgID, "connection", conn.Name, "ok", res.OK, "missing", len(res.Missing))
	return res, nil
}

// Describe puts a check's outcome in one sentence or two: who the
// credential acts as, the connector's message, and each missing permission.
func Describe(r attest.CheckResult) string {
	var parts []string
	if r.Identity != "" {
		parts = append(parts, "Acts as "+r.Identity+".")
	}
	if m := strings.TrimSpace(r.Message); m != "" {
		if !strings.HasSuffix(m, ".") {
			m += "."
		}
		parts = append(parts, m)
	}
	if len(r.Missing) > 0 {
		parts = append(parts, "Missing: "+strings.Join(r.Missing, ", ")+".")
	}
	if len(parts) == 0 {
		if r.OK {
			return "OK."
		}
		return "Not working."
	}
	return strings.Join(parts, " ")
}

// Remove deletes a connection and its sealed credential.
func (s *Service) Remove(ctx context.Context, p attest.Principal, id int64) error {
	if err := p.Require(attest.ActEdit); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Queries) error {
		conn, err := tx.Connection(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteConnection(ctx, p.OrgID, id); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("connection.removed", "connection", idString(id),
			fmt.Sprintf("Removed the %s connection %s and its credential", conn.Type, conn.Name)))
	})
}

// Open returns a connection and its credential in clear, for the code that
// collects (the monitoring service, the job worker) and for Check. It takes
// no principal: its callers act for the system and name the organization.
func (s *Service) Open(ctx context.Context, orgID, id int64) (attest.Connection, []byte, error) {
	conn, err := s.DB.Connection(ctx, orgID, id)
	if err != nil {
		return conn, nil, err
	}
	sealed, err := s.DB.ConnectionSecret(ctx, orgID, id)
	if err != nil {
		return conn, nil, err
	}
	if s.Box == nil {
		return conn, nil, errNoBox
	}
	secret, err := s.Box.Open(sealed)
	if err != nil {
		return conn, nil, attest.Errorf(attest.ECONFLICT, "the credential of connection %s cannot be opened with this install's secret key (was the key file or ATTEST_SECRET_KEY changed?): restore the key, or remove the connection and add it again", conn.Name)
	}
	return conn, secret, nil
}

// Due lists the enabled connections of every organization whose scheduled
// collection is due at now, for the scheduler.
func (s *Service) Due(ctx context.Context, now time.Time) ([]attest.Connection, error) {
	return s.DB.DueConnections(ctx, now)
}

// MarkCollected records that a connection was collected at at, which moves
// its next scheduled collection.
func (s *Service) MarkCollected(ctx context.Context, orgID, id int64, at time.Time) error {
	return s.DB.MarkConnectionCollected(ctx, orgID, id, at)
}

// Resealer re-seals a sealed value with the current key, reporting whether
// it changed (package secret's Box).
type Resealer interface {
	Rotate(sealed []byte) (out []byte, changed bool, err error)
}

// Resealed counts what Reseal did.
type Resealed struct {
	Total, Resealed int
}

// Reseal re-seals every organization's stored credentials with the current
// key, in one transaction: if any credential cannot be opened, nothing
// changes and the error names the connection. Each organization whose
// credentials changed gets one activity entry, made by actor.
func (s *Service) Reseal(ctx context.Context, actor attest.Actor, box Resealer) (Resealed, error) {
	var r Resealed
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		all, err := tx.SealedSecrets(ctx)
		if err != nil {
			return err
		}
		perOrg := map[int64]int{}
		var orgs []int64
		for _, sc := range all {
			r.Total++
			out, changed, err := box.Rotate(sc.Sealed)
			if err != nil {
				conn, _ := tx.Connection(ctx, sc.OrgID, sc.ConnectionID)
				return fmt.Errorf("connection %d (%s) of organization %d: %w: keep the key that sealed it among the keys until it is re-sealed",
					sc.ConnectionID, conn.Name, sc.OrgID, err)
			}
			if !changed {
				continue
			}
			set := tx.SetConnectionSecret
			if sc.Webhook {
				set = tx.SetConnectionWebhookSecret
			}
			if err := set(ctx, sc.OrgID, sc.ConnectionID, out); err != nil {
				return err
			}
			r.Resealed++
			if perOrg[sc.OrgID] == 0 {
				orgs = append(orgs, sc.OrgID)
			}
			perOrg[sc.OrgID]++
		}
		for _, org := range orgs {
			if err := tx.Log(ctx, actor.Record(org, "connection.secrets_resealed", "connection", "",
				fmt.Sprintf("Re-sealed %d connection credential(s) with the install's new secret key", perOrg[org]))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Resealed{}, err
	}
	return r, nil
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// NewWebhookSecret makes a new random webhook secret for a connection, seals
// and stores it, and returns it in clear this once: the person sets it in the
// provider's webhook settings. The previous secret stops working.
func (s *Service) NewWebhookSecret(ctx context.Context, p attest.Principal, id int64) (string, error) {
	if err := p.Require(attest.ActEdit); err != nil {
		return "", err
	}
	if s.Box == nil {
		return "", errNoBox
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(b)
	sealed, err := s.Box.Seal([]byte(secret))
	if err != nil {
		return "", err
	}
	err = s.DB.Update(ctx, func(tx *store.Queries) error {
		conn, err := tx.Connection(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := tx.SetConnectionWebhookSecret(ctx, p.OrgID, id, sealed); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("connection.webhook_secret", "connection", idString(id),
			fmt.Sprintf("Made a new webhook secret for connection %s (the previous one stops working)", conn.Name)))
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// OpenWebhook finds a connection by ID for an incoming webhook and opens its
// webhook secret. ENOTFOUND covers both a missing connection and one without
// a webhook secret, so a caller learns nothing it could not before.
func (s *Service) OpenWebhook(ctx context.Context, id int64) (attest.Connection, []byte, error) {
	conn, sealed, err := s.DB.ConnectionForWebhook(ctx, id)
	if err != nil {
		return conn, nil, err
	}
	if sealed == nil || !conn.Enabled {
		return conn, nil, attest.Errorf(attest.ENOTFOUND, "connection not found")
	}
	if s.Box == nil {
		return conn, nil, errNoBox
	}
	secret, err := s.Box.Open(sealed)
	if err != nil {
		return conn, nil, attest.Errorf(attest.ECONFLICT, "the webhook secret of connection %s cannot be opened with this install's secret key", conn.Name)
	}
	return conn, secret, nil
}
