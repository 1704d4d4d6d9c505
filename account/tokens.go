package account

import (
	"context"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
	"github.com/attest-hq/attest/store"
)

// MaxTokenDays is the longest lifetime, in days, a token may be given; longer
// ones are made to never expire instead.
const MaxTokenDays = 3650

// NewToken is an API token to create.
type NewToken struct {
	UserID int64  // whose token; 0: p's own
	Name   string // field name
	Days   int    // lifetime in days from now; 0: never expires (field expires)
}

// CreateToken creates an API token for a member of p's organization and
// returns it with its secret (atk_…), which exists only in this return value.
// A member creates their own tokens (the route allows "own" access); only an
// operator (a system principal at the command line) creates one for another
// member, who must belong to the organization (else ENOTFOUND).
func (s *Users) CreateToken(ctx context.Context, p attest.Principal, in NewToken) (attest.APIToken, string, error) {
	if in.UserID == 0 {
		in.UserID = p.UserID
	}
	switch {
	case !p.Can(attest.ActOwn):
		return attest.APIToken{}, "", forbidden(p)
	case in.UserID == 0:
		return attest.APIToken{}, "", attest.Invalid("user", "is required")
	case in.UserID != p.UserID && (p.UserID != 0 || !p.Can(attest.ActAdmin)):
		return attest.APIToken{}, "", attest.Errorf(attest.EFORBIDDEN, "members create their own API tokens only")
	case in.Days < 0 || in.Days > MaxTokenDays:
		return attest.APIToken{}, "", attest.Invalid("expires", "must be from 1 to %d days, or never", MaxTokenDays)
	}
	t := attest.APIToken{OrgID: p.OrgID, UserID: in.UserID, Name: in.Name}
	if in.Days > 0 {
		t.ExpiresAt = clock(s.Now).AddDate(0, 0, in.Days)
	}
	secret := auth.NewSecret("atk_")
	t.Prefix = secret[:12]
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		m, err := tx.Membership(ctx, p.OrgID, in.UserID)
		if err != nil {
			return err
		}
		if err := tx.CreateToken(ctx, &t, auth.HashSecret(secret)); err != nil {
			return err
		}
		summary := "Created API token " + t.Name + " (" + t.Prefix + "…)"
		if in.UserID != p.UserID {
			summary += " for " + m.User.Email
		}
		return tx.Log(ctx, p.Record("token.created", "api_token", idString(t.ID), summary))
	})
	if err != nil {
		return t, "", err
	}
	return t, secret, nil
}

// Tokens lists p's own tokens in its organization, newest first.
func (s *Users) Tokens(ctx context.Context, p attest.Principal) ([]attest.APIToken, error) {
	if !p.Can(attest.ActOwn) {
		return nil, forbidden(p)
	}
	return s.DB.Tokens(ctx, p.OrgID, p.UserID)
}

// RevokeToken revokes one of p's own tokens; anyone else's is ENOTFOUND, like
// one that does not exist. Revoking twice is not an error.
func (s *Users) RevokeToken(ctx context.Context, p attest.Principal, id int64) (attest.APIToken, error) {
	if !p.Can(attest.ActOwn) {
		return attest.APIToken{}, forbidden(p)
	}
	var t attest.APIToken
	err := s.DB.Update(ctx, func(tx *store.Queries) error {
		var err error
		if t, err = tx.RevokeToken(ctx, p.OrgID, p.UserID, id); err != nil {
			return err
		}
		return tx.Log(ctx, p.Record("token.revoked", "api_token", idString(t.ID), "Revoked API token "+t.Name+" ("+t.Prefix+"…)"))
	})
	return t, err
}

// Authenticate returns the active API token with the given secret and its
// owner, with the access revision read alongside. An unknown, expired or
// revoked token is EUNAUTHORIZED. It records the token's use, at most once a
// minute so that a busy token does not write on every request.
//
// A token read for an earlier request is kept: a later one reads only what
// of it changes (store.TokenState) and uses the kept owner while the access
// revision is the one read with it (keptCredentials).
func (s *Users) Authenticate(ctx context.Context, secret string) (store.TokenUser, error) {
	now := clock(s.Now)
	hash := auth.HashSecret(secret)
	tu, ok := s.kept.token(hash)
	if ok {
		st, err := s.DB.TokenState(ctx, hash)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			s.kept.count(true) // read narrowly, and gone
			s.kept.drop(hash)
			return store.TokenUser{}, badToken()
		}
		if err != nil {
			return store.TokenUser{}, err
		}
		t := st.Token
		ok = st.Access == tu.Access && t.ID == tu.Token.ID && t.UserID == tu.Token.UserID && t.OrgID == tu.Token.OrgID
		tu.Token.LastUsedAt, tu.Token.RevokedAt, tu.Org = t.LastUsedAt, t.RevokedAt, st.Org
	}
	s.kept.count(ok)
	if !ok {
		var err error
		tu, err = s.DB.TokenUserByHash(ctx, hash)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			s.kept.drop(hash)
			return store.TokenUser{}, badToken()
		}
		if err != nil {
			return store.TokenUser{}, err
		}
	}
	if !tu.Token.Active(now) {
		s.kept.drop(hash)
		return store.TokenUser{}, badToken()
	}
	if now.Sub(tu.Token.LastUsedAt) > time.Minute {
		if err := s.DB.TouchToken(ctx, tu.Token.ID); err != nil {
			return store.TokenUser{}, err
		}
		tu.Token.LastUsedAt = now.UTC().Truncate(time.Microsecond)
	}
	s.kept.keepToken(hash, tu)
	return tu, nil
}

func badToken() error {
	return attest.Errorf(attest.EUNAUTHORIZED, "the API token is invalid, expired or revoked")
}
