package ui

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type controlsView struct {
	Controls     []attest.Control
	States       map[int64]readiness.ControlResult
	Query        url.Values
	Families     []string
	Members      []attest.Membership
	LibraryCount int
	Total        int // before filtering
	Matched      int // after filtering, on every page
	Statuses     []string
	Pager        web.Pager
	Return       string // this page's address, for the bulk form to come back to
}

// controlsPage lists the organization's controls with their derived state,
// a page at a time.
func (h *Handler) controlsPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderControls(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderControls(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	q := r.URL.Query()
	a, err := h.Readiness.Assess(ctx, c.Org.ID)
	if err != nil {
		return err
	}
	// The assessment loaded the active controls already; only a list that
	// includes retired ones reads them again.
	all := a.Active
	if q.Get("retired") == "1" {
		if all, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{IncludeRetired: true}); err != nil {
			return err
		}
	}
	v := controlsView{States: map[int64]readiness.ControlResult{}, Query: q, LibraryCount: len(h.Catalog.Controls), Total: len(all), Statuses: attest.ControlStatuses()}
	for _, cr := range a.Controls {
		v.States[cr.ID] = cr
	}
	owner := int64(0)
	if q.Get("owner") == "me" {
		owner = c.User.ID
	} else if id, err := strconv.ParseInt(q.Get("owner"), 10, 64); err == nil {
		owner = id
	}
	for _, ctl := range all {
		if !slices.Contains(v.Families, ctl.Family) {
			v.Families = append(v.Families, ctl.Family)
		}
		switch {
		case q.Get("status") != "" && ctl.Status != q.Get("status"):
		case q.Get("family") != "" && ctl.Family != q.Get("family"):
		case q.Get("state") != "" && v.States[ctl.ID].State != q.Get("state"):
		case owner != 0 && ctl.OwnerID != owner:
		case q.Get("owner") == "none" && ctl.OwnerID != 0:
		case q.Get("q") != "" && !strings.Contains(strings.ToLower(ctl.Ref+" "+ctl.Name), strings.ToLower(q.Get("q"))):
		default:
			v.Controls = append(v.Controls, ctl)
		}
	}
	slices.Sort(v.Families)
	if q.Get("sort") == "score" {
		// Weakest first: the derived state's score, then the control's ref
		// (the order they came in).
		slices.SortStableFunc(v.Controls, func(a, b attest.Control) int {
			return cmp.Compare(v.States[a.ID].Score, v.States[b.ID].Score)
		})
	}
	v.Matched = len(v.Controls)
	v.Controls, v.Pager = web.Paginate(v.Controls, q, web.PageSize)
	v.Return = "/o/" + c.Org.Slug + "/controls"
	if len(q) > 0 {
		v.Return += "?" + q.Encode()
	}
	if v.Members, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "controls", v, f)
	return nil
}
