package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/web"
)

// bulkControls sets the owner or the status of the controls ticked on the
// controls list, all or nothing; a refusal names the control and leaves
// every one as it was.
func (h *Handler) bulkControls(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "owner", "status", "justification", "return")
	back := web.SafeNext(f.Values["return"])
	if !strings.HasPrefix(back, "/o/"+c.Org.Slug+"/controls") {
		back = "/o/" + c.Org.Slug + "/controls"
	}
	var ids []int64
	for _, s := range r.PostForm["control"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return attest.Invalid("controls", "%q is not a control", s)
		}
		ids = append(ids, id)
	}
	var ch programme.ControlChange
	switch o := f.Values["owner"]; o {
	case "":
	case "none":
		var none int64
		ch.OwnerID = &none
	default:
		id, err := strconv.ParseInt(o, 10, 64)
		if err != nil {
			return attest.Invalid("owner", "is not a member of this organization")
		}
		ch.OwnerID = &id
	}
	if st := f.Values["status"]; st != "" {
		ch.Status = &st
		if j := strings.TrimSpace(f.Values["justification"]); j != "" {
			ch.Justification = &j
		}
	}
	done, err := h.Controls.UpdateMany(r.Context(), c.P, ids, ch)
	if web.UserError(err) {
		f.Error = "Nothing was changed. " + web.Sentence(err)
		// The list the form came from, with the error above it.
		u, _ := url.Parse(back)
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = u.RawQuery
		return h.renderControls(w, r2, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, back, fmt.Sprintf("Changed %s.", countWords(len(done), "control", "controls")))
}

func countWords(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
