package web

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
)

type scopeView struct {
	Scope       attest.Scope
	Categories  []catalog.Category
	Chosen      map[string]bool
	Subservices []attest.SubserviceOrg
	CUECs       []attest.CUEC
}

func (s *Server) scopeView(r *http.Request, c *Ctx) (scopeView, error) {
	ctx := r.Context()
	v := scopeView{Categories: s.cfg.Catalog.SOC2().Categories, Chosen: map[string]bool{}}
	var err error
	if v.Scope, err = s.cfg.DB.Scope(ctx, c.Org.ID); err != nil {
		return v, err
	}
	for _, cat := range v.Scope.Categories {
		v.Chosen[cat] = true
	}
	if v.Subservices, err = s.cfg.DB.Subservices(ctx, c.Org.ID); err != nil {
		return v, err
	}
	v.CUECs, err = s.cfg.DB.CUECs(ctx, c.Org.ID)
	return v, err
}

func (s *Server) scopePage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	return s.renderScope(w, r, c, http.StatusOK, nil)
}

func (s *Server) renderScope(w http.ResponseWriter, r *http.Request, c *Ctx, status int, f *form) error {
	v, err := s.scopeView(r, c)
	if err != nil {
		return err
	}
	if f == nil {
		f = &form{Errors: map[string]string{}, Values: map[string]string{"system_name": v.Scope.SystemName, "system_summary": v.Scope.SystemSummary,
			"services": v.Scope.Services, "infrastructure": v.Scope.Infrastructure, "locations": v.Scope.Locations, "method": "carve-out"}}
	}
	s.renderForm(w, r, c, status, "scope", v, f)
	return nil
}

func (s *Server) saveScope(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ctx := r.Context()
	before, err := s.cfg.DB.Scope(ctx, c.Org.ID)
	if err != nil {
		return err
	}
	r.ParseForm()
	sc := attest.Scope{OrgID: c.Org.ID, SystemName: strings.TrimSpace(r.PostFormValue("system_name")), SystemSummary: strings.TrimSpace(r.PostFormValue("system_summary")),
		Services: strings.TrimSpace(r.PostFormValue("services")), Infrastructure: strings.TrimSpace(r.PostFormValue("infrastructure")), Locations: strings.TrimSpace(r.PostFormValue("locations"))}
	fw := s.cfg.Catalog.SOC2()
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
	err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.SaveScope(ctx, &sc); err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "scope.updated", "scope", c.Org.Slug, summary))
	})
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/scope", "Scope saved.")
}

func prefixEach(items []string, sep string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(sep + it)
	}
	return b.String()
}

func (s *Server) addSubservice(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	f := newForm(r, "name", "service", "method", "controls")
	sub := attest.SubserviceOrg{OrgID: c.Org.ID, Name: f.Values["name"], Service: f.Values["service"], Method: f.Values["method"], Controls: strings.TrimSpace(f.Values["controls"])}
	ctx := r.Context()
	err := s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		if err := tx.AddSubservice(ctx, &sub); err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "scope.subservice_added", "subservice", idString(sub.ID), fmt.Sprintf("Added subservice organization %s (%s, %s)", sub.Name, sub.Service, sub.Method)))
	})
	if userError(err) {
		f.fail(err)
		return s.renderScope(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/scope#subservices", sub.Name+" added.")
}

func (s *Server) deleteSubservice(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx := r.Context()
	err := s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		sub, err := tx.DeleteSubservice(ctx, c.Org.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "scope.subservice_removed", "subservice", idString(sub.ID), "Removed subservice organization "+sub.Name))
	})
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/scope#subservices", "Subservice organization removed.")
}

func (s *Server) addCUEC(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	f := newForm(r, "cuec", "cuec_criteria")
	cu := attest.CUEC{OrgID: c.Org.ID, Description: f.Values["cuec"]}
	fw := s.cfg.Catalog.SOC2()
	var err error
	for _, id := range strings.FieldsFunc(f.Values["cuec_criteria"], func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, ok := fw.Requirement(id); !ok {
			err = attest.Invalid("cuec_criteria", "%q is not a SOC 2 criterion", id)
		}
		cu.Criteria = append(cu.Criteria, id)
	}
	ctx := r.Context()
	if err == nil {
		err = s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.AddCUEC(ctx, &cu); err != nil {
				return prefixField(err, "cuec_")
			}
			return tx.Log(ctx, c.Actor.Record(c.Org.ID, "scope.cuec_added", "cuec", idString(cu.ID), "Added a complementary user entity control: "+cu.Description))
		})
	}
	if userError(err) {
		f.fail(err)
		return s.renderScope(w, r, c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/scope#cuecs", "Complementary user entity control added.")
}

func (s *Server) deleteCUEC(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ctx := r.Context()
	err := s.cfg.DB.Update(ctx, func(tx *store.Queries) error {
		cu, err := tx.DeleteCUEC(ctx, c.Org.ID, id)
		if err != nil {
			return err
		}
		return tx.Log(ctx, c.Actor.Record(c.Org.ID, "scope.cuec_removed", "cuec", idString(cu.ID), "Removed a complementary user entity control: "+cu.Description))
	})
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/o/"+c.Org.Slug+"/scope#cuecs", "Complementary user entity control removed.")
}

// exportScope writes the scope as the start of a system description, in Markdown.
func (s *Server) exportScope(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	v, err := s.scopeView(r, c)
	if err != nil {
		return err
	}
	s.attachment(w, c, "system-description", "md")
	_, err = w.Write([]byte(programme.SystemDescription(c.Org.Name, v.Scope, v.Categories, v.Subservices, v.CUECs, s.cfg.Now())))
	return err
}
