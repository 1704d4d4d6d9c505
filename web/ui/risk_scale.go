package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

// saveRiskScale sets the organization's likelihood × impact scale and band
// thresholds (empty thresholds take the defaults).
func (h *Handler) saveRiskScale(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "scale_likelihood", "scale_impact", "scale_medium", "scale_high", "scale_critical")
	var s attest.RiskScale
	var err error
	for _, n := range []struct {
		name string
		dst  *int
	}{{"scale_likelihood", &s.Likelihood}, {"scale_impact", &s.Impact}, {"scale_medium", &s.Medium}, {"scale_high", &s.High}, {"scale_critical", &s.Critical}} {
		v := strings.TrimSpace(f.Values[n.name])
		if v == "" {
			continue
		}
		if *n.dst, err = strconv.Atoi(v); err != nil {
			err = attest.Invalid(n.name, "want a whole number")
			break
		}
	}
	if err == nil {
		err = h.Risks.SetScale(r.Context(), c.P, s)
	}
	if web.UserError(err) {
		h.SetFlash(w, "error", "The scale was not saved: "+web.Sentence(err))
		return h.Redirect(w, r, "/o/"+c.Org.Slug+"/risks#scale", "")
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/risks", "Risk scale saved.")
}
