package api

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// vendorRoutes: the vendor register. Those who read the programme see it,
// editors keep it; employees see none of it.
func (h *Handler) vendorRoutes() []web.Route {
	return []web.Route{
		route("GET", "/orgs/{org}/vendors", web.Read, h.apiVendors),
		route("POST", "/orgs/{org}/vendors", web.Edit, h.apiCreateVendor),
		route("POST", "/orgs/{org}/vendors/import", web.Edit, h.apiImportVendors),
		route("GET", "/orgs/{org}/vendors/export", web.Read, h.apiExportVendors),
		route("GET", "/orgs/{org}/vendors/subprocessors", web.Read, h.apiSubprocessors),
		route("GET", "/orgs/{org}/vendors/{id}", web.Read, h.apiVendor),
		route("PATCH", "/orgs/{org}/vendors/{id}", web.Edit, h.apiUpdateVendor),
		route("POST", "/orgs/{org}/vendors/{id}/reviews", web.Edit, h.apiStartVendorReview),
		route("PATCH", "/orgs/{org}/vendors/{id}/reviews/{review}", web.Edit, h.apiUpdateVendorReview),
		route("POST", "/orgs/{org}/vendors/{id}/reviews/{review}/complete", web.Edit, h.apiCompleteVendorReview),
		route("POST", "/orgs/{org}/vendors/{id}/cuecs", web.Edit, h.apiAddVendorCUEC),
		route("PATCH", "/orgs/{org}/vendors/{id}/cuecs/{cuec}", web.Edit, h.apiUpdateVendorCUEC),
	}
}

// vendorJSON is a vendor with what the register derives on today.
type vendorJSON struct {
	attest.Vendor
	NextReviewDue      string `json:"next_review_due"`
	ReviewOverdue      bool   `json:"review_overdue"`
	ContractEndingSoon bool   `json:"contract_ending_soon"`
	Subprocessor       bool   `json:"subprocessor"`
}

func toVendorJSON(v attest.Vendor, today string) vendorJSON {
	if v.DataShared == nil {
		v.DataShared = []string{}
	}
	return vendorJSON{Vendor: v, NextReviewDue: v.NextReviewDue(), ReviewOverdue: v.ReviewOverdueOn(today),
		ContractEndingSoon: v.ContractEndingSoon(today), Subprocessor: v.Subprocessor()}
}

// vendorDetailJSON is a vendor with its reviews, checklist and the
// subservice organizations in scope naming it.
type vendorDetailJSON struct {
	Vendor      vendorJSON            `json:"vendor"`
	Reviews     []attest.VendorReview `json:"reviews"`
	CUECs       []attest.VendorCUEC   `json:"cuecs"`
	Subservices []subserviceJSON      `json:"subservices"`
}

type subserviceJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Service string `json:"service"`
	Method  string `json:"method"`
}

func (h *Handler) vendorDetail(r *http.Request, c *web.Ctx, id int64) (vendorDetailJSON, error) {
	d, err := h.Vendors.Get(r.Context(), c.P, id)
	if err != nil {
		return vendorDetailJSON{}, err
	}
	out := vendorDetailJSON{Vendor: toVendorJSON(d.Vendor, attest.Today(h.Now())), Reviews: nonNil(d.Reviews), CUECs: nonNil(d.CUECs),
		Subservices: []subserviceJSON{}}
	for i := range out.Reviews {
		if out.Reviews[i].Answers == nil {
			out.Reviews[i].Answers = map[string]string{}
		}
	}
	for _, s := range d.Subservices {
		out.Subservices = append(out.Subservices, subserviceJSON{s.ID, s.Name, s.Service, s.Method})
	}
	return out, nil
}

func vendorPathID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, attest.Errorf(attest.ENOTFOUND, "%s not found", what)
	}
	return id, nil
}

// reviewOfVendor reads {id} and {review} and checks that the review is
// one of the vendor's.
func (h *Handler) reviewOfVendor(r *http.Request, c *web.Ctx) (int64, int64, error) {
	id, err := vendorPathID(r, "id", "vendor")
	if err != nil {
		return 0, 0, err
	}
	rid, err := vendorPathID(r, "review", "vendor review")
	if err != nil {
		return 0, 0, err
	}
	rv, err := h.DB.VendorReview(r.Context(), c.Org.ID, rid)
	if err == nil && rv.VendorID != id {
		err = attest.Errorf(attest.ENOTFOUND, "vendor review not found")
	}
	return id, rid, err
}
