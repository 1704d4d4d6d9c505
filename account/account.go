// Package account holds the use cases of organizations, members and accounts:
// creating an organization and its first admin, inviting and removing members,
// signing in, sessions, passwords and API tokens. Each method makes one change
// and its activity entry in one database transaction, so the UI, the API, the
// command line, demo seeding and jobs change these records the same way.
//
// Methods take the attest.Principal who acts and check its role again behind
// the route table. Anonymous flows (sign-in, the set-up link, accepting an
// invitation) take an anonymous principal for its address and door.
package account

import (
	"strconv"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/auth"
)

// forbidden is the error of a principal whose role does not allow a change.
func forbidden(p attest.Principal) error {
	if p.Role == "" {
		return attest.Errorf(attest.EFORBIDDEN, "you are not a member of this organization")
	}
	return attest.Errorf(attest.EFORBIDDEN, "your role (%s) does not allow this", p.Role)
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func clock(now func() time.Time) time.Time {
	if now == nil {
		return time.Now()
	}
	return now()
}

func params(p auth.Params) auth.Params {
	if p == (auth.Params{}) {
		return auth.DefaultParams
	}
	return p
}

// prefixField renames the field of a validation error, for forms that hold two
// records with fields of the same name (the set-up form's organization name).
func prefixField(err error, prefix string) error {
	if e, ok := err.(*attest.Error); ok && e.Field != "" {
		c := *e
		c.Field = prefix + e.Field
		return &c
	}
	return err
}

// as returns p acting as user u: the set-up link and an invitation turn an
// anonymous visitor into a member, and the entry names who they became.
func as(p attest.Principal, u attest.User) attest.Principal {
	p.UserID, p.Label = u.ID, u.Email
	return p
}
