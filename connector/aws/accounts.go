package aws

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/attest-hq/attest"
)

// One connection may collect several accounts: role_arn lists a role in
// each, assumed with the same credential (the usual layout of an AWS
// organization: an audit role in every member account, trusted by one
// security account). Each account is collected as a connection of its own
// would be, one after another (each is already parallel inside), and the
// results are merged: resources are keyed by ARN, which names the account.

// perAccount splits a request naming several roles into one request per
// role, each with its external ID. A request with one role or none is
// returned as it is.
func perAccount(req attest.CollectRequest) ([]attest.CollectRequest, error) {
	roles := list(req.Settings["role_arn"])
	if len(roles) <= 1 {
		return []attest.CollectRequest{req}, nil
	}
	ids := list(req.Settings["external_id"])
	if len(ids) > 1 && len(ids) != len(roles) {
		return nil, attest.Invalid("external_id", "give one external ID for every role, or one for all (got %d for %d roles)", len(ids), len(roles))
	}
	seen := map[string]bool{}
	var out []attest.CollectRequest
	for i, role := range roles {
		if !rolePattern.MatchString(role) {
			return nil, attest.Invalid("role_arn", "%q is not a role's ARN such as arn:aws:iam::123456789012:role/AttestAudit", role)
		}
		acct := accountOf(role)
		if seen[acct] {
			return nil, attest.Invalid("role_arn", "names account %s twice: one role per account", acct)
		}
		seen[acct] = true
		one := req
		one.Settings = maps.Clone(req.Settings)
		one.Settings["role_arn"] = role
		switch len(ids) {
		case 0:
			one.Settings["external_id"] = ""
		case 1:
			one.Settings["external_id"] = ids[0]
		default:
			one.Settings["external_id"] = ids[i]
		}
		out = append(out, one)
	}
	return out, nil
}

func list(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// accountOf is the account ID in a role's ARN.
func accountOf(role string) string {
	parts := strings.Split(role, ":")
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// Collect reads every account the connection names. With several, an
// account that cannot be read at all (its role refuses the credential) fails
// every type, naming the account, while the others' resources stand; when
// none can be read, the first account's error is the collection's.
func (c *Connector) Collect(ctx context.Context, req attest.CollectRequest) (attest.Collection, error) {
	reqs, err := perAccount(req)
	if err != nil {
		return attest.Collection{}, err
	}
	if len(reqs) == 1 {
		return c.collectAccount(ctx, reqs[0])
	}
	out := attest.Collection{}
	failed := map[string][]string{}
	var firstErr error
	for _, r := range reqs {
		role := r.Settings["role_arn"]
		col, err := c.collectAccount(ctx, r)
		out.Calls += col.Calls
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("account %s (%s): %w", accountOf(role), role, err)
			}
			for _, typ := range c.Spec().ResourceTypes {
				failed[typ] = append(failed[typ], fmt.Sprintf("account %s (%s): %v", accountOf(role), role, err))
			}
			continue
		}
		out.Resources = append(out.Resources, col.Resources...)
		for typ, reason := range col.Failed {
			failed[typ] = append(failed[typ], fmt.Sprintf("account %s: %s", accountOf(role), reason))
		}
		for _, w := range col.Warnings {
			out.Warnings = append(out.Warnings, fmt.Sprintf("account %s: %s", accountOf(role), w))
		}
	}
	if len(out.Resources) == 0 && firstErr != nil {
		return attest.Collection{Calls: out.Calls}, firstErr
	}
	// AWS's own managed policies have one ARN in every account; each is
	// information, never judged, and is listed once, from the first account
	// that attaches it.
	seen := map[[2]string]bool{}
	out.Resources = slices.DeleteFunc(out.Resources, func(r attest.Resource) bool {
		k := [2]string{r.Type, r.Key}
		dup := seen[k]
		seen[k] = true
		return dup
	})
	if len(failed) > 0 {
		out.Failed = map[string]string{}
		for typ, reasons := range failed {
			sort.Strings(reasons)
			out.Failed[typ] = strings.Join(reasons, "; ")
		}
	}
	attest.SortResources(out.Resources)
	return out, nil
}

// Check checks every account the connection names: it is OK when every
// account's check is, and names, account by account, who the credential acts
// as there and what AWS denies.
func (c *Connector) Check(ctx context.Context, req attest.CollectRequest) (attest.CheckResult, error) {
	reqs, err := perAccount(req)
	if err != nil {
		return attest.CheckResult{}, err
	}
	if len(reqs) == 1 {
		return c.checkAccount(ctx, reqs[0])
	}
	res := attest.CheckResult{OK: true}
	var ids, msgs []string
	for _, r := range reqs {
		role := r.Settings["role_arn"]
		one, err := c.checkAccount(ctx, r)
		if err != nil {
			return attest.CheckResult{}, fmt.Errorf("account %s (%s): %w", accountOf(role), role, err)
		}
		res.OK = res.OK && one.OK
		if one.Identity != "" {
			ids = append(ids, one.Identity)
		}
		msgs = append(msgs, fmt.Sprintf("account %s: %s", accountOf(role), one.Message))
		for _, m := range one.Missing {
			if !slices.Contains(res.Missing, m) {
				res.Missing = append(res.Missing, m)
			}
		}
	}
	res.Identity = strings.Join(ids, ", ")
	res.Message = strings.Join(msgs, "; ")
	return res, nil
}
