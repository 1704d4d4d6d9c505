package ui

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy"
	"github.com/attest-hq/attest/web"
)

// awaitingView is a version awaiting the signed-in member's decision, with
// its text.
type awaitingView struct {
	policy.Awaiting
	HTML template.HTML
}

type myPoliciesView struct {
	Policies []policy.Assigned // overdue first
	Awaiting []awaitingView
	Open     int // not accepted yet
}

// myPoliciesPage is a person's own policy work: the published policies they
// must accept, overdue first, and the versions awaiting their approval.
func (h *Handler) myPoliciesPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	var v myPoliciesView
	var err error
	if v.Policies, err = h.Policies.MyPolicies(ctx, c.P); err != nil {
		return err
	}
	for _, a := range v.Policies {
		if a.Ack.State != attest.AckAccepted {
			v.Open++
		}
	}
	var awaiting []policy.Awaiting
	if c.Can(attest.ActWork) { // auditors approve nothing
		if awaiting, err = h.Policies.AwaitingMe(ctx, c.P); err != nil {
			return err
		}
	}
	for _, a := range awaiting {
		html, err := h.policyHTML(ctx, c, a.Version)
		if err != nil {
			return err
		}
		v.Awaiting = append(v.Awaiting, awaitingView{a, html})
	}
	h.Render(w, r, c, http.StatusOK, "my_policies", v)
	return nil
}

type myPolicyView struct {
	policy.Assigned
	HTML template.HTML
}

// myPolicyPage shows a policy someone must accept: the text, and the button
// that accepts exactly this version.
func (h *Handler) myPolicyPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := h.myPolicy(r, c)
	if err != nil {
		return err
	}
	html, err := h.policyHTML(r.Context(), c, a.Version)
	if err != nil {
		return err
	}
	h.Render(w, r, c, http.StatusOK, "my_policy", myPolicyView{a, html})
	return nil
}

// myPolicy finds the policy of the path among those the signed-in person
// must accept.
func (h *Handler) myPolicy(r *http.Request, c *web.Ctx) (policy.Assigned, error) {
	mine, err := h.Policies.MyPolicies(r.Context(), c.P)
	if err != nil {
		return policy.Assigned{}, err
	}
	for _, a := range mine {
		if a.Policy.Key == r.PathValue("key") {
			return a, nil
		}
	}
	return policy.Assigned{}, attest.Errorf(attest.ENOTFOUND, "no policy %q for you to accept", r.PathValue("key"))
}

// acceptPolicy records the signed-in person's acceptance of the version they
// read: the form names it, so a version published since is not accepted
// unseen.
func (h *Handler) acceptPolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	a, err := h.myPolicy(r, c)
	if err != nil {
		return err
	}
	back := "/o/" + c.Org.Slug + "/my/policies"
	if r.PostFormValue("version_id") != strconv.FormatInt(a.Version.ID, 10) {
		h.SetFlash(w, "error", a.Policy.Title+" changed while you were reading it: read version "+a.Version.Label+" and accept it")
		return h.Redirect(w, r, back+"/"+a.Policy.Key, "")
	}
	if _, err := h.Policies.Accept(r.Context(), c.P, a.Version.ID, c.P.IP, r.UserAgent()); err != nil {
		if web.UserError(err) {
			h.SetFlash(w, "error", "Not accepted: "+web.Sentence(err))
			return h.Redirect(w, r, back, "")
		}
		return err
	}
	return h.Redirect(w, r, back, "Accepted "+a.Policy.Title+" "+a.Version.Label)
}
