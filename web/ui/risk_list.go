package ui

import (
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/web"
)

type risksView struct {
	Register   risk.Register
	Filter     risk.Filter
	Filtered   bool
	Inherent   heatMap
	Residual   heatMap
	Members    []attest.Membership
	Library    []risk.LibraryRisk
	Adopted    map[string]bool
	Treatments []string
	Bands      []string
	Statuses   []string
	Levels     struct{ Likelihood, Impact []string }
	Report     *risk.ImportReport
	Import     string // why an import was refused
}

// risksPage lists the register with its filters and heat maps, the forms to
// add, adopt and import risks.
func (h *Handler) risksPage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderRisks(w, r, c, http.StatusOK, risksView{}, nil)
}

func (h *Handler) renderRisks(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, v risksView, f *web.Form) error {
	ctx := r.Context()
	q := r.URL.Query()
	v.Filter = risk.Filter{Band: q.Get("rating"), Treatment: q.Get("treatment"), Overdue: q.Get("overdue") != "", Residual: q.Get("residual") != ""}
	v.Filter.OwnerID, _ = strconv.ParseInt(q.Get("owner"), 10, 64)
	v.Filter.Likelihood, _ = strconv.Atoi(q.Get("likelihood"))
	v.Filter.Impact, _ = strconv.Atoi(q.Get("impact"))
	v.Filtered = v.Filter != (risk.Filter{})
	var err error
	if v.Register, err = h.Risks.List(ctx, c.P, v.Filter); err != nil {
		return err
	}
	sc := v.Register.Scale
	v.Inherent = drawHeatMap(c, "Inherent", v.Register.All, sc, false)
	v.Residual = drawHeatMap(c, "Residual", v.Register.All, sc, true)
	if v.Members, err = h.ownerChoices(ctx, c.P.OrgID); err != nil {
		return err
	}
	v.Library, v.Adopted = h.Risks.Library, map[string]bool{}
	all, err := h.Risks.List(ctx, c.P, risk.Filter{Status: "all"})
	if err != nil {
		return err
	}
	for _, x := range all.Risks {
		if x.LibraryID != "" && x.Status != attest.RiskRetired {
			v.Adopted[x.LibraryID] = true
		}
	}
	v.Treatments, v.Bands, v.Statuses = attest.Treatments, attest.Bands, attest.RiskStatuses
	v.Levels.Likelihood, v.Levels.Impact = levels(sc.Likelihood), levels(sc.Impact)
	if f == nil {
		f = &web.Form{Errors: map[string]string{}, Values: map[string]string{"likelihood": "3", "impact": "3", "residual_likelihood": "3",
			"residual_impact": "3", "treatment": attest.TreatMitigate, "status": attest.RiskOpen, "owner": idOrEmpty(c.P.UserID)}}
	}
	h.RenderForm(w, r, c, status, "risks", v, f)
	return nil
}
