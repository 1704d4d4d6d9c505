package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/attest-hq/attest"
)

// pageSize is the number of users asked for per page (Google's maximum).
const pageSize = 500

// wireUser is what the connector reads of a Directory API User resource.
// Pointers tell a field Google left out from one it sent as false.
type wireUser struct {
	PrimaryEmail string `json:"primaryEmail"`
	Name         struct {
		FullName string `json:"fullName"`
	} `json:"name"`
	IsAdmin          *bool    `json:"isAdmin"`
	IsDelegatedAdmin *bool    `json:"isDelegatedAdmin"`
	Suspended        *bool    `json:"suspended"`
	SuspensionReason string   `json:"suspensionReason"`
	Archived         *bool    `json:"archived"`
	IsEnrolledIn2Sv  *bool    `json:"isEnrolledIn2Sv"`
	IsEnforcedIn2Sv  *bool    `json:"isEnforcedIn2Sv"`
	LastLoginTime    *string  `json:"lastLoginTime"`
	CreationTime     string   `json:"creationTime"`
	OrgUnitPath      string   `json:"orgUnitPath"`
	Aliases          []string `json:"aliases"`
	Organizations    []struct {
		Department string `json:"department"`
		Primary    bool   `json:"primary"`
	} `json:"organizations"`
}

// department is the primary organization's department, else the first
// one given.
func (u wireUser) department() string {
	for _, o := range u.Organizations {
		if o.Primary && o.Department != "" {
			return o.Department
		}
	}
	for _, o := range u.Organizations {
		if o.Department != "" {
			return o.Department
		}
	}
	return ""
}

// usersPage is one answer of users.list.
type usersPage struct {
	Users         []wireUser `json:"users"`
	NextPageToken string     `json:"nextPageToken"`
}

// hidden is the reason given for a user field Google left out of its answer.
func hidden(wire string) string {
	return "Google did not return " + wire + " for this user: the administrator Attest acts as may not see it; act as a super administrator, or give the role the privilege to read users' security settings"
}

// Collect reads every user of the account and yields one google.user per
// user and one google.domain for the account. With req.Only, it still lists
// the users (the domain is judged over all of them) but returns only the
// named resources.
func (c *Connector) Collect(ctx context.Context, req attest.CollectRequest) (attest.Collection, error) {
	s, err := c.session(ctx, req)
	if err != nil {
		return attest.Collection{}, err
	}
	if err := s.signIn(); err != nil {
		return attest.Collection{Calls: int(s.calls.Load())}, signInFailure(err)
	}
	users, err := s.listUsers(ctx, pageSize, true)
	if err != nil {
		out := attest.Collection{Calls: int(s.calls.Load())}
		var ae *apiError
		if errors.As(err, &ae) && (ae.rateLimited() || ae.code >= 500) {
			reason := "the users could not be read: " + err.Error()
			out.Failed = map[string]string{TypeUser: reason, TypeDomain: reason}
			return out, nil
		}
		return out, s.describe(err)
	}
	resources := make([]attest.Resource, 0, len(users)+1)
	for _, u := range users {
		resources = append(resources, userResource(u))
	}
	resources = append(resources, s.domainResource(resources))
	if len(req.Only) > 0 {
		resources = slices.DeleteFunc(resources, func(r attest.Resource) bool {
			return !slices.ContainsFunc(req.Only, func(o attest.ResourceRef) bool {
				return o.Type == r.Type && (o.Key == r.Key || o.Key == "*")
			})
		})
	}
	sort.Slice(resources, func(i, j int) bool {
		if resources[i].Type != resources[j].Type {
			return resources[i].Type < resources[j].Type
		}
		return resources[i].Key < resources[j].Key
	})
	return attest.Collection{Resources: resources, Calls: int(s.calls.Load())}, nil
}

// listUsers follows nextPageToken to the last page; with all false it reads
// only the first page.
func (s *session) listUsers(ctx context.Context, max int, all bool) ([]wireUser, error) {
	var users []wireUser
	token := ""
	for {
		q := url.Values{"customer": {s.set.customer}, "projection": {"full"}, "maxResults": {strconv.Itoa(max)}}
		if token != "" {
			q.Set("pageToken", token)
		}
		var page usersPage
		if err := s.get(ctx, "admin/directory/v1/users", q, &page); err != nil {
			return users, err
		}
		users = append(users, page.Users...)
		if !all || page.NextPageToken == "" {
			return users, nil
		}
		if page.NextPageToken == token {
			return users, fmt.Errorf("users.list: Google repeated the page token %q", token)
		}
		token = page.NextPageToken
	}
}

// signInFailure turns a refused sign-in into a coded error.
func signInFailure(err error) error {
	var se *signInError
	if errors.As(err, &se) {
		return attest.Errorf(attest.EUNAUTHORIZED, "%s", se.Error())
	}
	return err
}

// describe explains a failed users.list in terms of what to fix.
func (s *session) describe(err error) error {
	var se *signInError
	if errors.As(err, &se) {
		return signInFailure(err)
	}
	var ae *apiError
	if !errors.As(err, &ae) || ae.rateLimited() {
		return fmt.Errorf("users.list: %w", err)
	}
	switch {
	case ae.code == http.StatusUnauthorized && s.static:
		return attest.Errorf(attest.EUNAUTHORIZED, "users.list: Google refused the static access token (%v): it expired (access tokens last an hour) or was revoked; give a fresh one, or the service account's key", ae)
	case ae.code == http.StatusUnauthorized:
		return attest.Errorf(attest.EUNAUTHORIZED, "users.list: Google refused the access token (%v): check that the service account and its key are enabled", ae)
	case ae.code == http.StatusForbidden:
		return attest.Errorf(attest.EFORBIDDEN, "users.list: %s (%v)", s.forbidden(ae), ae)
	case ae.code == http.StatusBadRequest || ae.code == http.StatusNotFound:
		return attest.Errorf(attest.ENOTFOUND, "users.list: Google does not know the customer %q (%v): leave the setting as my_customer, or give the customer ID from the Admin console's Account settings", s.set.customer, ae)
	}
	return fmt.Errorf("users.list: %w", ae)
}

// forbidden says what a 403 of users.list means, from Google's reason.
func (s *session) forbidden(ae *apiError) string {
	switch {
	case ae.reason == "insufficientPermissions":
		return fmt.Sprintf("the access token lacks the scope %s: grant it to the service account's client ID in the domain-wide delegation entry", Scope)
	case ae.reason == "accessNotConfigured" || strings.Contains(ae.message, "has not been used") || strings.Contains(ae.message, "is disabled"):
		return "the Admin SDK API is not enabled in the service account's Google Cloud project: enable it under APIs & Services"
	}
	return fmt.Sprintf("%s may not read the account's users: act as a super administrator, or one whose role has Users: Read, with domain-wide delegation of %s", s.set.admin, Scope)
}

// userResource turns one Directory API user into a google.user.
func userResource(u wireUser) attest.Resource {
	data := map[string]any{
		"email": u.PrimaryEmail, "name": u.Name.FullName, "org_unit": u.OrgUnitPath,
		"suspension_reason": u.SuspensionReason, "department": u.department(), "aliases": nonNilStrings(u.Aliases),
	}
	unavailable := map[string]string{}
	flag := func(field, wire string, v *bool) {
		if v == nil {
			unavailable[field] = hidden(wire)
			return
		}
		data[field] = *v
	}
	flag("admin", "isAdmin", u.IsAdmin)
	flag("delegated_admin", "isDelegatedAdmin", u.IsDelegatedAdmin)
	flag("suspended", "suspended", u.Suspended)
	flag("archived", "archived", u.Archived)
	flag("enrolled_2sv", "isEnrolledIn2Sv", u.IsEnrolledIn2Sv)
	flag("enforced_2sv", "isEnforcedIn2Sv", u.IsEnforcedIn2Sv)
	if u.Suspended != nil && u.Archived != nil {
		data["active"] = !*u.Suspended && !*u.Archived
	} else {
		unavailable["active"] = "whether the user is active depends on suspended and archived, which Google did not return"
	}
	switch {
	case u.LastLoginTime == nil:
		unavailable["last_login"] = hidden("lastLoginTime")
	default:
		t, ok := parseTime(*u.LastLoginTime)
		switch {
		case !ok:
			unavailable["last_login"] = fmt.Sprintf("Google returned a lastLoginTime Attest cannot read (%q)", *u.LastLoginTime)
		case t.Year() <= 1970: // Google's way of saying "never"
			data["last_login"] = nil
		default:
			data["last_login"] = t.Format(time.RFC3339)
		}
	}
	if t, ok := parseTime(u.CreationTime); ok {
		data["created"] = t.Format(time.RFC3339)
	} else {
		unavailable["created"] = hidden("creationTime")
	}
	r := attest.Resource{Type: TypeUser, Key: strings.ToLower(u.PrimaryEmail), Data: data}
	if len(unavailable) > 0 {
		r.Unavailable = unavailable
	}
	return r
}

// parseTime reads Google's RFC 3339 times ("2026-11-02T08:15:00.000Z"),
// returned in UTC to the second.
func parseTime(v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC().Truncate(time.Second), true
}

// domainResource sums up the account from its users. Its key is the domain
// of the administrator Attest acts as.
func (s *session) domainResource(users []attest.Resource) attest.Resource {
	domain := s.set.domain
	data := map[string]any{"domain": domain, "customer": s.set.customer, "users_total": len(users)}
	unavailable := map[string]string{}
	admins, without := []string{}, []string{}
	adminsKnown, enrolledKnown, enforcedKnown, everywhere := true, true, true, true
	for _, u := range users {
		email := u.Key
		switch a, ok := u.Data["admin"].(bool); {
		case !ok:
			adminsKnown = false
		case a:
			admins = append(admins, email)
		}
		active, ok := u.Data["active"].(bool)
		if !ok {
			enrolledKnown, enforcedKnown = false, false
			continue
		}
		if !active {
			continue
		}
		switch e, ok := u.Data["enrolled_2sv"].(bool); {
		case !ok:
			enrolledKnown = false
		case !e:
			without = append(without, email)
		}
		switch e, ok := u.Data["enforced_2sv"].(bool); {
		case !ok:
			enforcedKnown = false
		case !e:
			everywhere = false
		}
	}
	sort.Strings(admins)
	sort.Strings(without)
	if adminsKnown {
		data["admins"] = admins
	} else {
		unavailable["admins"] = "Google did not say for every user whether they are a super administrator (isAdmin); act as a super administrator"
	}
	if enrolledKnown {
		data["users_without_2sv"] = without
	} else {
		unavailable["users_without_2sv"] = "Google did not return every active user's 2-Step Verification enrolment (isEnrolledIn2Sv); act as a super administrator"
	}
	if enforcedKnown {
		data["two_step_enforced_everywhere"] = everywhere
	} else {
		unavailable["two_step_enforced_everywhere"] = "Google did not return every active user's 2-Step Verification enforcement (isEnforcedIn2Sv); act as a super administrator"
	}
	r := attest.Resource{Type: TypeDomain, Key: domain, Data: data}
	if len(unavailable) > 0 {
		r.Unavailable = unavailable
	}
	return r
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
