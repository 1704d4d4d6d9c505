package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// accessReviewRoutes: access review campaigns. Reviewers (employees) list
// and read the campaigns with accounts assigned to them, and only those
// accounts, and decide them; editors start and complete campaigns; those
// who read the programme download reports.
func (h *Handler) accessReviewRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/access-reviews", web.Own, h.apiAccessReviews),
		route("POST", "/orgs/{org}/access-reviews", web.Edit, h.apiStartAccessReview),
		route("GET", "/orgs/{org}/access-reviews/{id}", web.Own, h.apiAccessReview),
		route("POST", "/orgs/{org}/access-reviews/{id}/items/{item}/decision", web.Work, h.apiDecideAccessItem),
		route("POST", "/orgs/{org}/access-reviews/{id}/items/{item}/reviewer", web.Edit, h.apiReassignAccessItem),
		route("PUT", "/orgs/{org}/access-reviews/cadence", web.Admin, h.apiSetAccessReviewCadence),
		route("POST", "/orgs/{org}/access-reviews/{id}/complete", web.Edit, h.apiCompleteAccessReview),
		route("GET", "/orgs/{org}/access-reviews/{id}/report", web.Read, h.apiAccessReviewReport),
	}
}

// itemPathID reads the {item} path value.
func itemPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("item"), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "access review item not found")
	}
	return id, nil
}
