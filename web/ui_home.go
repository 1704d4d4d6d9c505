package web

import (
	"net/http"
)

// home sends a user to their organization, or lets them choose among several.
func (s *Server) home(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ms, err := s.cfg.DB.Memberships(r.Context(), c.User.ID)
	if err != nil {
		return err
	}
	if len(ms) == 1 {
		http.Redirect(w, r, "/o/"+ms[0].Org.Slug, http.StatusSeeOther)
		return nil
	}
	s.render(w, r, c, http.StatusOK, "home", ms)
	return nil
}

// dashboard is an organization's start page. Later capabilities add readiness,
// failing tests and due work; today it greets and points onward.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	s.render(w, r, c, http.StatusOK, "dashboard", map[string]any{"Areas": areas})
	return nil
}

// areaPage renders a section that a later capability fills, saying what will come.
func (s *Server) areaPage(slug string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *Ctx) error {
		for _, a := range areas {
			if a.Slug == slug {
				s.render(w, r, c, http.StatusOK, "area", a)
				return nil
			}
		}
		return nil
	}
}
