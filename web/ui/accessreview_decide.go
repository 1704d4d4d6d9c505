package ui

import (
	"fmt"
	"net/http"

	"github.com/attest-hq/attest/web"
)

// decideAccessItem records the reviewer's decision on one account.
func (h *Handler) decideAccessItem(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, err := pathID(r, "id", "access review")
	if err != nil {
		return err
	}
	item, err := pathID(r, "item", "access review item")
	if err != nil {
		return err
	}
	f := web.NewForm(r, "decision", "reason")
	it, err := h.AccessReviews.Decide(r.Context(), c.P, id, item, f.Values["decision"], f.Values["reason"])
	if web.UserError(err) {
		f.Error = fmt.Sprintf("Account %s: %s", r.PostFormValue("login"), sentence(err))
		return h.renderAccessReview(w, r, c, http.StatusUnprocessableEntity, id, f)
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Decided to %s %s.", it.Decision, it.Login)
	if it.TaskID != 0 {
		msg += " A task was opened for the system's owner."
	}
	return h.Redirect(w, r, fmt.Sprintf("/o/%s/access-reviews/%d#item-%d", c.Org.Slug, id, item), msg)
}
