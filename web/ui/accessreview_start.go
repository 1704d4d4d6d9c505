package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/web"
)

// startAccessReview starts a campaign over the ticked connections (each
// with its owner, owner_CONNECTION) and an uploaded account list.
func (h *Handler) startAccessReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	r.Body = http.MaxBytesReader(w, r.Body, accessreview.MaxListSize+64<<10)
	f := web.NewForm(r, "title", "due_on", "upload_system", "upload_owner")
	in := accessreview.Start{Title: f.Values["title"], DueOn: f.Values["due_on"]}
	for _, v := range r.PostForm["connection"] {
		f.Values["connection_"+v] = "on"
		cid, _ := strconv.ParseInt(v, 10, 64)
		owner, _ := strconv.ParseInt(r.PostFormValue("owner_"+v), 10, 64)
		f.Values["owner_"+v] = r.PostFormValue("owner_" + v)
		in.Systems = append(in.Systems, accessreview.SystemChoice{ConnectionID: cid, OwnerID: owner})
	}
	file, _, err := r.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		f.Fail(attest.Invalid("upload.file", "is larger than %d MiB", accessreview.MaxListSize>>20))
	case err == nil:
		defer file.Close()
		accounts, perr := accessreview.ParseAccounts(file)
		if perr != nil {
			f.Fail(perr)
			break
		}
		owner, _ := strconv.ParseInt(f.Values["upload_owner"], 10, 64)
		in.Upload = &accessreview.Upload{System: f.Values["upload_system"], OwnerID: owner, Accounts: accounts}
	}
	if len(f.Errors) == 0 && f.Error == "" {
		rv, err := h.AccessReviews.Start(r.Context(), c.P, in)
		if err == nil {
			return h.Redirect(w, r, fmt.Sprintf("/o/%s/access-reviews/%d", c.Org.Slug, rv.ID),
				fmt.Sprintf("Started “%s”: %d accounts frozen in the ledger and sent to their reviewers.", rv.Title, rv.Items))
		}
		if !web.UserError(err) {
			return err
		}
		f.Fail(err)
	}
	// Errors of systems[i] and upload.file belong to no one field shown.
	for k, msg := range f.Errors {
		if strings.HasPrefix(k, "systems") || k == "file" || strings.HasPrefix(k, "upload.") {
			f.Error = strings.TrimSpace(f.Error + " " + words(k) + " " + msg)
			delete(f.Errors, k)
		}
	}
	return h.renderAccessReviews(w, r, c, http.StatusUnprocessableEntity, f)
}

// words names a field as people read it.
func words(field string) string {
	switch {
	case field == "file" || field == "upload.file":
		return "The account list"
	case field == "upload.system":
		return "The uploaded list's system"
	case field == "upload.owner":
		return "The uploaded list's owner"
	case strings.HasSuffix(field, ".owner"):
		return "Each system's owner"
	}
	return "The system"
}
