package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/web"
)

// accessReviewRoutes are the access review pages: the campaigns with the
// start form, a campaign with its accounts and the decision forms, and its
// report. Reviewers (employees) reach the campaigns with accounts assigned
// to them, and only those accounts.
func (h *Handler) accessReviewRoutes() []web.Route {
	return []web.Route{
		route("GET", "/o/{org}/access-reviews", web.Own, h.accessReviewsPage),
		route("POST", "/o/{org}/access-reviews", web.Edit, h.startAccessReview),
		route("GET", "/o/{org}/access-reviews/{id}", web.Own, h.accessReviewPage),
		route("POST", "/o/{org}/access-reviews/{id}/items/{item}", web.Work, h.decideAccessItem),
		route("POST", "/o/{org}/access-reviews/{id}/items/{item}/reviewer", web.Edit, h.reassignAccessItem),
		route("POST", "/o/{org}/access-reviews/{id}/complete", web.Edit, h.completeAccessReview),
		route("POST", "/o/{org}/access-reviews/cadence", web.Admin, h.saveAccessReviewCadence),
		route("GET", "/o/{org}/access-reviews/{id}/report", web.Read, h.accessReviewReport),
	}
}

func init() { addDue(accessReviewsDue) }

// accessReviewsDue lists the next access review when it is due within 30
// days or overdue, and open campaigns by their due day.
func accessReviewsDue(h *Handler, r *http.Request, c *web.Ctx, today string) ([]dueItem, error) {
	sc, err := h.AccessReviews.Schedule(r.Context(), c.P)
	if err != nil {
		return nil, err
	}
	list, err := h.AccessReviews.List(r.Context(), c.P)
	if err != nil {
		return nil, err
	}
	base := "/o/" + c.Org.Slug + "/access-reviews"
	var out []dueItem
	open := false
	for _, rv := range list {
		if rv.State == attest.AccessReviewOpen {
			open = true
			out = append(out, dueItem{Kind: "Access review", Title: "Decide " + rv.Title, Href: base + "/" + strconv.FormatInt(rv.ID, 10),
				Due: rv.DueOn, Overdue: rv.DueOn < today})
		}
	}
	if !open && (sc.Overdue || sc.DueOn <= attest.AddMonths(today, 1)) {
		due := sc.DueOn
		if due == "" {
			due = today
		}
		out = append(out, dueItem{Kind: "Access review", Title: "Run the access review", Href: base, Due: due, Overdue: sc.Overdue})
	}
	return out, nil
}

type accessReviewsView struct {
	Reviews     []attest.AccessReview
	Schedule    accessreview.Schedule
	Connections []attest.Connection
	Owners      []attest.Membership
}

func (h *Handler) renderAccessReviews(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	ctx := r.Context()
	var v accessReviewsView
	var err error
	if v.Reviews, err = h.AccessReviews.List(ctx, c.P); err != nil {
		return err
	}
	if v.Schedule, err = h.AccessReviews.Schedule(ctx, c.P); err != nil {
		return err
	}
	if c.Can(attest.ActEdit) {
		if v.Connections, err = h.DB.Connections(ctx, c.Org.ID); err != nil {
			return err
		}
		if v.Owners, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
			return err
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{"months": strconv.Itoa(v.Schedule.Months)}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "access_reviews", v, f)
	return nil
}

type accessReviewView struct {
	accessreview.Detail
	Owners  []attest.Membership
	Mine    int64 // the signed-in member, whose items they may decide
	Pending int   // undecided items shown
}

// renderAccessReview shows a campaign; a refused form's message is on top.
func (h *Handler) renderAccessReview(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, id int64, f *web.Form) error {
	ctx := r.Context()
	d, err := h.AccessReviews.Get(ctx, c.P, id)
	if err != nil {
		return err
	}
	v := accessReviewView{Detail: d, Mine: c.P.UserID}
	for _, it := range d.Items {
		if it.Decision == "" {
			v.Pending++
		}
	}
	if c.Can(attest.ActEdit) {
		if v.Owners, err = h.ownerChoices(ctx, c.Org.ID); err != nil {
			return err
		}
	}
	if f == nil {
		f = &web.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	h.RenderForm(w, r, c, status, "access_review", v, f)
	return nil
}

// sentence is an error as one sentence: "Reason is required …" for a
// field's error.
func sentence(err error) string {
	var e *attest.Error
	if errors.As(err, &e) && e.Field != "" {
		return strings.ToUpper(e.Field[:1]) + e.Field[1:] + " " + e.Message
	}
	return attest.ErrorMessage(err)
}
