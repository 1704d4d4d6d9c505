package web

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
)

//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
	return nil
}

type meJSON struct {
	ID    int64   `json:"id"`
	Email string  `json:"email"`
	Name  string  `json:"name"`
	Org   orgJSON `json:"org"`
	Role  string  `json:"role"`
	Token struct {
		Name      string `json:"name"`
		Prefix    string `json:"prefix"`
		ExpiresAt string `json:"expires_at,omitempty"`
	} `json:"token"`
}

// apiMe describes the caller: who the token belongs to and where it works.
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ctx := r.Context()
	org, err := s.cfg.DB.OrgByID(ctx, c.Token.OrgID)
	if err != nil {
		return err
	}
	m, err := s.cfg.DB.Membership(ctx, org.ID, c.User.ID)
	if err != nil {
		return attest.Errorf(attest.EUNAUTHORIZED, "the token's owner is no longer a member of its organization")
	}
	out := meJSON{ID: c.User.ID, Email: c.User.Email, Name: c.User.Name, Org: toOrgJSON(org), Role: string(m.Role)}
	out.Token.Name, out.Token.Prefix = c.Token.Name, c.Token.Prefix
	if !c.Token.ExpiresAt.IsZero() {
		out.Token.ExpiresAt = rfc3339(c.Token.ExpiresAt)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	writeJSON(w, http.StatusOK, toOrgJSON(*c.Org))
	return nil
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	ms, err := s.cfg.DB.Members(r.Context(), c.Org.ID)
	if err != nil {
		return err
	}
	out := make([]memberJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, memberJSON{UserID: m.User.ID, Email: m.User.Email, Name: m.User.Name, Role: string(m.Role), JoinedAt: rfc3339(m.CreatedAt)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
	return nil
}

func (s *Server) apiInvite(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	inv, link, err := s.createInvitation(r.Context(), c, in.Email, in.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": inv.ID, "email": inv.Email, "role": inv.Role, "expires_at": rfc3339(inv.ExpiresAt), "link": link,
	})
	return nil
}

func (s *Server) apiActivity(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	q := r.URL.Query()
	f, err := activityFilter(q)
	if err != nil {
		return err
	}
	f.Limit = activityPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return attest.Invalid("limit", "must be a whole number from 1 to 1000 (got %q)", v)
		}
		f.Limit = n
	}
	entries, err := s.cfg.DB.Activity(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	out := make([]activityJSON, 0, len(entries))
	for _, a := range entries {
		out = append(out, toActivityJSON(a))
	}
	resp := map[string]any{"entries": out}
	if len(entries) == f.Limit {
		resp["next_before"] = entries[len(entries)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}
