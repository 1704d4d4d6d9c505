package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

type policyDiffView struct {
	Policy         attest.Policy
	Versions       []attest.PolicyVersion
	From, To       attest.PolicyVersion
	Lines          []attest.DiffLine
	Complete       bool
	Removed, Added int
}

// policyDiff compares the text of two versions of a policy, line by line:
// ?from=ID&to=ID, by default the published version and the newest.
func (h *Handler) policyDiff(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	pol, versions, err := h.Policies.GetByKey(r.Context(), c.P, r.PathValue("key"))
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		return attest.Errorf(attest.ENOTFOUND, "%s has no versions", pol.Title)
	}
	v := policyDiffView{Policy: pol, Versions: versions, To: versions[0], From: versions[len(versions)-1]}
	if pol.Published != nil && pol.Published.ID != versions[0].ID {
		v.From = *pol.Published
	} else if len(versions) > 1 {
		v.From = versions[1]
	}
	pick := func(param string, into *attest.PolicyVersion) error {
		s := r.URL.Query().Get(param)
		if s == "" {
			return nil
		}
		id, _ := strconv.ParseInt(s, 10, 64)
		for _, x := range versions {
			if x.ID == id {
				*into = x
				return nil
			}
		}
		return attest.Invalid(param, "%s has no version %q", pol.Title, s)
	}
	if err := pick("from", &v.From); err != nil {
		return err
	}
	if err := pick("to", &v.To); err != nil {
		return err
	}
	// The text compared is what people read once a version is submitted, and
	// the draft's own text before that.
	text := func(x attest.PolicyVersion) string {
		if x.Content != "" {
			return x.Content
		}
		return x.Body
	}
	v.Lines, v.Complete = attest.DiffLines(text(v.From), text(v.To))
	v.Removed, v.Added = attest.DiffChanged(v.Lines)
	h.Render(w, r, c, http.StatusOK, "policy_diff", v)
	return nil
}
