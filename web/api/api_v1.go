package api

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/web"
)

//go:embed openapi.json
var openAPIDoc []byte

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
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
func (h *Handler) apiMe(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	org, err := h.DB.OrgByID(ctx, c.Token.OrgID)
	if err != nil {
		return err
	}
	m, err := h.DB.Membership(ctx, org.ID, c.User.ID)
	if err != nil {
		return attest.Errorf(attest.EUNAUTHORIZED, "the token's owner is no longer a member of its organization")
	}
	out := meJSON{ID: c.User.ID, Email: c.User.Email, Name: c.User.Name, Org: toOrgJSON(org), Role: string(m.Role)}
	out.Token.Name, out.Token.Prefix = c.Token.Name, c.Token.Prefix
	if !c.Token.ExpiresAt.IsZero() {
		out.Token.ExpiresAt = web.RFC3339(c.Token.ExpiresAt)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) apiOrg(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	web.WriteJSON(w, http.StatusOK, toOrgJSON(*c.Org))
	return nil
}

func (h *Handler) apiMembers(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ms, err := h.DB.Members(r.Context(), c.Org.ID)
	if err != nil {
		return err
	}
	out := make([]memberJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, memberJSON{UserID: m.User.ID, Email: m.User.Email, Name: m.User.Name, Role: string(m.Role), JoinedAt: web.RFC3339(m.CreatedAt)})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"members": out})
	return nil
}

func (h *Handler) apiInvite(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	inv, link, err := h.CreateInvitation(r.Context(), c, in.Email, in.Role)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{
		"id": inv.ID, "email": inv.Email, "role": inv.Role, "expires_at": web.RFC3339(inv.ExpiresAt), "link": link,
	})
	return nil
}

func (h *Handler) apiActivity(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	q := r.URL.Query()
	f, err := web.ActivityFilter(q)
	if err != nil {
		return err
	}
	f.Limit = web.ActivityPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return attest.Invalid("limit", "must be a whole number from 1 to 1000 (got %q)", v)
		}
		f.Limit = n
	}
	entries, err := h.DB.Activity(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	out := make([]web.ActivityJSON, 0, len(entries))
	for _, a := range entries {
		out = append(out, web.ToActivityJSON(a))
	}
	resp := map[string]any{"entries": out}
	if len(entries) == f.Limit {
		resp["next_before"] = entries[len(entries)-1].ID
	}
	web.WriteJSON(w, http.StatusOK, resp)
	return nil
}

type orgJSON struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

func toOrgJSON(o attest.Organization) orgJSON {
	return orgJSON{Slug: o.Slug, Name: o.Name, CreatedAt: web.RFC3339(o.CreatedAt)}
}

type memberJSON struct {
	UserID   int64  `json:"user_id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}
