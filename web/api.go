package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/attest-hq/attest"
)

type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// decodeJSON reads a JSON request body into v, refusing unknown fields and
// bodies over 1 MiB, with errors that say what was wrong.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		var max *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return attest.Errorf(attest.EINVALID, "the request body is empty; send a JSON object")
		case errors.As(err, &syn):
			return attest.Errorf(attest.EINVALID, "malformed JSON at byte %d", syn.Offset)
		case errors.As(err, &typ):
			return attest.Invalid(typ.Field, "must be a JSON %s", typ.Type)
		case errors.As(err, &max):
			return attest.Errorf(attest.EINVALID, "the request body exceeds %d bytes", max.Limit)
		default:
			return attest.Errorf(attest.EINVALID, "invalid JSON body: %v", err)
		}
	}
	if dec.More() {
		return attest.Errorf(attest.EINVALID, "the request body must hold one JSON object")
	}
	return nil
}

// Wire types: the API's JSON shapes, kept apart from domain types so the wire
// format changes only on purpose.

type orgJSON struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

func toOrgJSON(o attest.Organization) orgJSON {
	return orgJSON{Slug: o.Slug, Name: o.Name, CreatedAt: rfc3339(o.CreatedAt)}
}

type memberJSON struct {
	UserID   int64  `json:"user_id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}

type activityJSON struct {
	ID         int64  `json:"id"`
	At         string `json:"at"`
	ActorID    int64  `json:"actor_id,omitempty"`
	Actor      string `json:"actor"`
	IP         string `json:"ip"`
	Via        string `json:"via"`
	Action     string `json:"action"`
	RecordType string `json:"record_type"`
	RecordID   string `json:"record_id"`
	Summary    string `json:"summary"`
}

func toActivityJSON(a attest.Activity) activityJSON {
	return activityJSON{ID: a.ID, At: rfc3339(a.At), ActorID: a.ActorID, Actor: a.ActorLabel, IP: a.IP, Via: string(a.Via),
		Action: a.Action, RecordType: a.RecordType, RecordID: a.RecordID, Summary: a.Summary}
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func idString(id int64) string { return fmt.Sprint(id) }
