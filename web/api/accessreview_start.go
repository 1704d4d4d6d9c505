package api

import (
	"net/http"
	"strings"

	"github.com/attest-hq/attest/accessreview"
	"github.com/attest-hq/attest/web"
)

// apiStartAccessReview starts a campaign: {"title", "due_on", "systems":
// [{"connection_id", "owner_id"}], "upload": {"system", "owner_id", "csv"}}.
// The uploaded list is read all or nothing, errors naming the line.
func (h *Handler) apiStartAccessReview(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Title   string                      `json:"title"`
		DueOn   string                      `json:"due_on"`
		Systems []accessreview.SystemChoice `json:"systems"`
		Upload  *struct {
			System  string `json:"system"`
			OwnerID int64  `json:"owner_id"`
			CSV     string `json:"csv"`
		} `json:"upload"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	start := accessreview.Start{Title: in.Title, DueOn: in.DueOn, Systems: in.Systems}
	if u := in.Upload; u != nil {
		accounts, err := accessreview.ParseAccounts(strings.NewReader(u.CSV))
		if err != nil {
			return err
		}
		start.Upload = &accessreview.Upload{System: u.System, OwnerID: u.OwnerID, Accounts: accounts}
	}
	rv, err := h.AccessReviews.Start(r.Context(), c.P, start)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, rv)
	return nil
}
