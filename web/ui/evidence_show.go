package ui

import (
	"net/http"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

func (h *Handler) evidenceDetail(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ev, err := h.LoadEvidence(r, c)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := evidenceView{Evidence: ev, Previewable: web.PreviewKind(ev)}
	// Walk the correction chain both ways.
	for cur := ev; cur.SupersededBy != 0; {
		if cur, err = h.DB.Evidence(ctx, c.Org.ID, cur.SupersededBy); err != nil {
			return err
		}
		v.Versions = append([]attest.Evidence{cur}, v.Versions...)
	}
	v.Versions = append(v.Versions, ev)
	for cur := ev; cur.Supersedes != 0; {
		if cur, err = h.DB.Evidence(ctx, c.Org.ID, cur.Supersedes); err != nil {
			return err
		}
		v.Versions = append(v.Versions, cur)
	}
	if v.Controls, err = h.DB.Controls(ctx, c.Org.ID, store.ControlFilter{}); err != nil {
		return err
	}
	for _, ref := range ev.Controls {
		for _, ctl := range v.Controls {
			if ctl.ID == ref.ID {
				v.Expiry = append(v.Expiry, expiring{Evidence: ev, Control: ref, ExpiresAt: evidence.ExpiresAt(evidence.Item{CollectedAt: ev.CollectedAt, PeriodEnd: ev.PeriodEnd}, ctl.Frequency)})
			}
		}
	}
	h.RenderForm(w, r, c, http.StatusOK, "evidence_item", v, &web.Form{Values: map[string]string{"kind": ev.Kind}, Errors: map[string]string{}})
	return nil
}
