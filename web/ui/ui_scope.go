package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web"
)

type scopeView struct {
	Scope       attest.Scope
	Categories  []catalog.Category
	Chosen      map[string]bool
	Subservices []attest.SubserviceOrg
	CUECs       []attest.CUEC
}

func (h *Handler) scopeView(r *http.Request, c *web.Ctx) (scopeView, error) {
	ctx := r.Context()
	v := scopeView{Categories: h.Catalog.SOC2().Categories, Chosen: map[string]bool{}}
	var err error
	if v.Scope, err = h.DB.Scope(ctx, c.Org.ID); err != nil {
		return v, err
	}
	for _, cat := range v.Scope.Categories {
		v.Chosen[cat] = true
	}
	if v.Subservices, err = h.DB.Subservices(ctx, c.Org.ID); err != nil {
		return v, err
	}
	v.CUECs, err = h.DB.CUECs(ctx, c.Org.ID)
	return v, err
}

func (h *Handler) scopePage(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	return h.renderScope(w, r, c, http.StatusOK, nil)
}

func (h *Handler) renderScope(w http.ResponseWriter, r *http.Request, c *web.Ctx, status int, f *web.Form) error {
	v, err := h.scopeView(r, c)
	if err != nil {
		return err
	}
	if f == nil {
		f = &web.Form{Errors: map[string]string{}, Values: map[string]string{"system_name": v.Scope.SystemName, "system_summary": v.Scope.SystemSummary,
			"services": v.Scope.Services, "infrastructure": v.Scope.Infrastructure, "locations": v.Scope.Locations, "method": "carve-out"}}
	}
	h.RenderForm(w, r, c, status, "scope", v, f)
	return nil
}

func (h *Handler) saveScope(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	before, err := h.DB.Scope(ctx, c.Org.ID)
	if err != nil {
		return err
	}
	r.ParseForm()
	sc := attest.Scope{OrgID: c.Org.ID, SystemName: strings.TrimSpace(r.PostFormValue("system_name")), SystemSummary: strings.TrimSpace(r.PostFormValue("system_summary")),
		Services: strings.TrimSpace(r.PostFormValue("services")), Infrastructure: strings.TrimSpace(r.PostFormValue("infrastructure")), Locations: strings.TrimSpace(r.PostFormValue("locations"))}
	fw := h.Catalog.SOC2()
	for _, id := range r.PostForm["categories"] {
		cat, ok := fw.Category(id)
		if !ok {
			return attest.Invalid("categories", "%q is not a category", id)
		}
		if !cat.Required && !slices.Contains(sc.Categories, id) {
			sc.Categories = append(sc.Categories, id)
		}
	}
	summary := "Updated the system description"
	if strings.Join(before.Categories, ",") != strings.Join(sc.Categories, ",") {
		summary = fmt.Sprintf("Categories in scope: security%s", prefixEach(sc.Categories, ", "))
	}
	err = h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SaveScope(ctx, &sc); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("scope.updated", "scope", c.Org.Slug, summary))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope", "Scope saved.")
}

func prefixEach(items []string, sep string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(sep + it)
	}
	return b.String()
}

func (h *Handler) addSubservice(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "name", "service", "method", "controls")
	sub := attest.SubserviceOrg{OrgID: c.Org.ID, Name: f.Values["name"], Service: f.Values["service"], Method: f.Values["method"], Controls: strings.TrimSpace(f.Values["controls"])}
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.AddSubservice(ctx, &sub); err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("scope.subservice_added", "subservice", idString(sub.ID), fmt.Sprintf("Added subservice organization %s (%s, %s)", sub.Name, sub.Service, sub.Method)))
	})
	if web.UserError(err) {
		f.Fail(err)
		return h.renderScope(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#subservices", sub.Name+" added.")
}

func (h *Handler) deleteSubservice(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		sub, err := tx.DeleteSubservice(ctx, c.Org.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("scope.subservice_removed", "subservice", idString(sub.ID), "Removed subservice organization "+sub.Name))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#subservices", "Subservice organization removed.")
}

func (h *Handler) addCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	f := web.NewForm(r, "cuec", "cuec_criteria")
	cu := attest.CUEC{OrgID: c.Org.ID, Description: f.Values["cuec"]}
	fw := h.Catalog.SOC2()
	var err error
	for _, id := range strings.FieldsFunc(f.Values["cuec_criteria"], func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, ok := fw.Requirement(id); !ok {
			err = attest.Invalid("cuec_criteria", "%q is not a SOC 2 criterion", id)
		}
		cu.Criteria = append(cu.Criteria, id)
	}
	ctx := r.Context()
	if err == nil {
		err = h.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.AddCUEC(ctx, &cu); err != nil {
				return prefixField(err, "cuec_")
			}
			return tx.Log(ctx, c.P.Record("scope.cuec_added", "cuec", idString(cu.ID), "Added a complementary user entity control: "+cu.Description))
		})
	}
	if web.UserError(err) {
		f.Fail(err)
		return h.renderScope(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#cuecs", "Complementary user entity control added.")
}

func (h *Handler) deleteCUEC(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx := r.Context()
	err := h.DB.Update(ctx, func(tx *store.Queries) error {
		cu, err := tx.DeleteCUEC(ctx, c.Org.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.P.Record("scope.cuec_removed", "cuec", idString(cu.ID), "Removed a complementary user entity control: "+cu.Description))
	})
	if err != nil {
		return err
	}
	return h.Redirect(w, r, "/o/"+c.Org.Slug+"/scope#cuecs", "Complementary user entity control removed.")
}

// exportScope writes the scope as the start of a system description, in Markdown.
func (h *Handler) exportScope(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	v, err := h.scopeView(r, c)
	if err != nil {
		return err
	}
	h.attachment(w, c, "system-description", "md")
	_, err = w.Write([]byte(programme.SystemDescription(c.Org.Name, v.Scope, v.Categories, v.Subservices, v.CUECs, h.Now())))
	return err
}
