package ui

import (
	"net/http"
	"slices"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/templates"
	"github.com/attest-hq/attest/web"
)

// policyRow is a policy in the list with where its acceptance stands.
type policyRow struct {
	Policy                     attest.Policy
	Accepted, Pending, Overdue int
	ReviewOverdue              bool
}

// policyValue is one placeholder value on the values form.
type policyValue struct {
	Name, Value string
}

type policiesView struct {
	Rows      []policyRow
	Templates []templates.Template // not adopted yet, for the adopt form
	Values    []policyValue
	Today     string
	Counts    struct{ Published, InReview, Drafts, Overdue, ReviewDue int }
}

// policiesPage lists the organization's policies with their state, review
// date and acceptance, and offers the templates not adopted yet.
func (h *Handler) policiesPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderPolicies(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderPolicies(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	v := policiesView{Today: attest.Today(h.Now())}
	list, err := h.Policies.List(ctx, c.P)
	if err != nil {
		return err
	}
	// Counted where the acknowledgements are kept: a large organization has a
	// row per person and policy (up to 80,000 for 2,000 people and 40 policies),
	// which this page used to copy and then scan once per policy.
	counts, err := h.Policies.AckCounts(ctx, c.P)
	if err != nil {
		return err
	}
	adopted := map[string]bool{}
	for _, p := range list {
		adopted[p.TemplateID] = true
		n := counts[p.ID]
		row := policyRow{Policy: p, Accepted: n.Accepted, Pending: n.Pending, Overdue: n.Overdue}
		if p.Published != nil && !p.Retired && p.Published.ReviewBy != "" && p.Published.ReviewBy < v.Today {
			row.ReviewOverdue = true
			v.Counts.ReviewDue++
		}
		switch {
		case p.Retired:
		case p.Latest != nil && p.Latest.State == attest.VersionInReview:
			v.Counts.InReview++
		case p.Latest != nil && p.Latest.State == attest.VersionDraft:
			v.Counts.Drafts++
		}
		if p.Published != nil && !p.Retired {
			v.Counts.Published++
		}
		v.Counts.Overdue += row.Overdue
		v.Rows = append(v.Rows, row)
	}
	for _, t := range h.Policies.Templates {
		if !adopted[t.ID] {
			v.Templates = append(v.Templates, t)
		}
	}
	values, err := h.Policies.Settings(ctx, c.P)
	if err != nil {
		return err
	}
	for k, val := range values {
		v.Values = append(v.Values, policyValue{k, val})
	}
	slices.SortFunc(v.Values, func(a, b policyValue) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	if f == nil {
		f = &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "policies", v, f)
	return nil
}

// adoptPolicy adopts a shipped template, or starts a policy from a blank
// page when no template is chosen.
func (h *Handler) adoptPolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "template", "title", "key")
	var (
		p   attest.Policy
		err error
	)
	if t := f.Values["template"]; t != "" {
		p, err = h.Policies.Adopt(r.Context(), c.P, t, f.Values["key"])
	} else {
		if f.Values["title"] == "" {
			f.Errors["title"] = "is required for a policy written from scratch (or choose a template)"
			return h.renderPolicies(w, r, c, http.StatusUnprocessableEntity, f)
		}
		key := f.Values["key"]
		if key == "" {
			key = attest.PolicyKey(f.Values["title"])
		}
		p, err = h.Policies.Create(r.Context(), c.P, attest.Policy{Key: key, Title: f.Values["title"], OwnerID: c.P.UserID,
			Audience: attest.Audience{Everyone: true}, ReviewMonths: attest.DefaultReviewMonths},
			"# "+f.Values["title"]+"\n\n{{company_name}} …\n")
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderPolicies(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, policyPath(c, p.Key), "Adopted "+p.Title+": edit the draft, then submit it for approval")
}

// savePolicyValues saves the organization's placeholder values.
func (h *Handler) savePolicyValues(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	if err := r.ParseForm(); err != nil {
		return attest.Errorf(attest.EINVALID, "the form could not be read")
	}
	current, err := h.Policies.Settings(r.Context(), c.P)
	if err != nil {
		return err
	}
	values := map[string]string{}
	for k := range current {
		if vs, ok := r.PostForm["v."+k]; ok && len(vs) == 1 && vs[0] != current[k] {
			values[k] = vs[0]
		}
	}
	if k, v := r.PostFormValue("new_name"), r.PostFormValue("new_value"); k != "" {
		values[k] = v
	}
	err = h.Policies.SetSettings(r.Context(), c.P, values)
	if web.UserError(err) {
		f := &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
		f.Error = "The values were not saved: " + web.Sentence(err)
		return h.renderPolicies(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/policies#values", "Saved the policy values")
}
