package api

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// vendorBody is a vendor's fields in a request; in a PATCH a field left out
// keeps its value.
type vendorBody struct {
	Name          *string   `json:"name"`
	Website       *string   `json:"website"`
	Criticality   *string   `json:"criticality"`
	DataShared    *[]string `json:"data_shared"`
	Services      *string   `json:"services"`
	Location      *string   `json:"location"`
	ContractStart *string   `json:"contract_start"`
	ContractEnd   *string   `json:"contract_end"`
	OwnerID       *int64    `json:"owner_id"`
	ReviewMonths  *int      `json:"review_months"`
	Status        *string   `json:"status"`
	Notes         *string   `json:"notes"`
}

// apply sets the fields the body names on v.
func (b vendorBody) apply(v *attest.Vendor) {
	for _, f := range []struct {
		src *string
		dst *string
	}{{b.Name, &v.Name}, {b.Website, &v.Website}, {b.Criticality, &v.Criticality}, {b.Services, &v.Services}, {b.Location, &v.Location},
		{b.ContractStart, &v.ContractStart}, {b.ContractEnd, &v.ContractEnd}, {b.Status, &v.Status}, {b.Notes, &v.Notes}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if b.DataShared != nil {
		v.DataShared = *b.DataShared
	}
	if b.OwnerID != nil {
		v.OwnerID = *b.OwnerID
	}
	if b.ReviewMonths != nil {
		v.ReviewMonths = *b.ReviewMonths
	}
}

// apiCreateVendor records a vendor: {"name", "criticality", …}.
func (h *Handler) apiCreateVendor(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in vendorBody
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var v attest.Vendor
	in.apply(&v)
	v, err := h.Vendors.Create(r.Context(), c.P, v)
	if err != nil {
		return err
	}
	d, err := h.vendorDetail(r, c, v.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, d)
	return nil
}
