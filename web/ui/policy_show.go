package ui

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type policyView struct {
	Policy   attest.Policy
	Versions []attest.PolicyVersion // newest first
	Latest   *attest.PolicyVersion
	// Shown is the version whose text the page shows: the one asked for
	// (?v=ID), else the published one, else the newest.
	Shown      attest.PolicyVersion
	ShownHTML  template.HTML
	ShownError string // the text cannot be rendered yet (a placeholder without a value)
	Preview    template.HTML
	// Members may own the policy or approve it; Departments are the
	// workforce's, for the audience.
	Members         []attest.Membership
	Departments     []string
	EmploymentTypes []string
	// Pending is set when the signed-in member is a named approver of the
	// version in review who has not decided yet.
	Pending bool
	Acks    []attest.AckRow
	Counts  struct{ Accepted, Pending, Overdue int }
	Today   string
}

// policyPage shows a policy: its text, where its newest version stands and
// what can be done with it, its history and who accepted it.
func (h *Handler) policyPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderPolicy(w, r, c, http.StatusOK, nil, "")
}

// renderPolicy renders the policy page; f carries a refused form, preview
// the HTML of a previewed draft.
func (h *Handler) renderPolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form, preview template.HTML) error {
	ctx := r.Context()
	pol, versions, err := h.Policies.GetByKey(ctx, c.P, r.PathValue("key"))
	if err != nil {
		return err
	}
	v := policyView{Policy: pol, Versions: versions, Preview: preview, Today: attest.Today(h.Now()), EmploymentTypes: attest.EmploymentTypes()}
	if len(versions) > 0 {
		v.Latest = &versions[0]
		v.Shown = versions[0]
	}
	if pol.Published != nil {
		v.Shown = *pol.Published
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("v"), 10, 64); err == nil {
		i := slices.IndexFunc(versions, func(x attest.PolicyVersion) bool { return x.ID == id })
		if i < 0 {
			return attest.Errorf(attest.ENOTFOUND, "%s has no version %d", pol.Title, id)
		}
		v.Shown = versions[i]
	}
	if v.Shown.ID != 0 {
		v.ShownHTML, err = h.policyHTML(ctx, c, v.Shown)
		if web.UserError(err) {
			v.ShownError, err = web.Sentence(err), nil
		}
		if err != nil {
			return err
		}
	}
	if v.Latest != nil && v.Latest.State == attest.VersionInReview {
		a, ok := v.Latest.Approver(c.P.UserID)
		v.Pending = ok && a.Decision == ""
	}
	if v.Members, err = h.ownerChoices(ctx, c.P.OrgID); err != nil {
		return err
	}
	people, err := h.People.List(ctx, c.P, store.PeopleFilter{})
	if err != nil {
		return err
	}
	for _, p := range people {
		if p.Department != "" && !slices.Contains(v.Departments, p.Department) {
			v.Departments = append(v.Departments, p.Department)
		}
	}
	slices.Sort(v.Departments)
	if v.Acks, err = h.Policies.Acknowledgements(ctx, c.P, pol.ID); err != nil {
		return err
	}
	for _, a := range v.Acks {
		switch a.State {
		case attest.AckAccepted:
			v.Counts.Accepted++
		case attest.AckPending:
			v.Counts.Pending++
		case attest.AckOverdue:
			v.Counts.Overdue++
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	// The settings form starts from the policy; the editor from the newest
	// text. A refused form keeps what was posted.
	for k, val := range map[string]string{"title": pol.Title, "owner": idOrEmpty(pol.OwnerID), "review_months": strconv.Itoa(pol.ReviewMonths),
		"departments": strings.Join(pol.Audience.Departments, ", ")} {
		if _, ok := f.Values[k]; !ok {
			f.Values[k] = val
		}
	}
	if _, ok := f.Values["body"]; !ok && v.Latest != nil {
		f.Values["body"] = v.Latest.Body
		if v.Latest.Editable() {
			f.Values["change_note"] = v.Latest.ChangeNote
		}
	}
	h.RenderForm(w, r, c, status, "policy", v, f)
	return nil
}

// savePolicy saves a policy's own fields: title, owner, who must accept it
// and how often it is reviewed.
func (h *Handler) savePolicy(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	pol, _, err := h.Policies.GetByKey(r.Context(), c.P, r.PathValue("key"))
	if err != nil {
		return err
	}
	f := web.NewForm(r, "title", "owner", "review_months", "everyone", "departments")
	pol.Title = f.Values["title"]
	pol.OwnerID, _ = strconv.ParseInt(f.Values["owner"], 10, 64)
	if pol.ReviewMonths, err = strconv.Atoi(f.Values["review_months"]); err != nil {
		f.Errors["review_months"] = "must be a number of months"
		return h.renderPolicy(w, r, c, http.StatusUnprocessableEntity, f, "")
	}
	pol.Audience = attest.Audience{Everyone: f.Values["everyone"] != ""}
	if !pol.Audience.Everyone {
		for _, d := range strings.Split(f.Values["departments"], ",") {
			if d = strings.TrimSpace(d); d != "" {
				pol.Audience.Departments = append(pol.Audience.Departments, d)
			}
		}
		pol.Audience.EmploymentTypes = r.PostForm["employment_types"]
	}
	_, err = h.Policies.Change(r.Context(), c.P, pol)
	if web.UserError(err) {
		f.Fail(err)
		return h.renderPolicy(w, r, c, http.StatusUnprocessableEntity, f, "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, policyPath(c, pol.Key), "Saved "+pol.Title)
}
