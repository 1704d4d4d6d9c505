package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/programme"
)

// WriteJSON answers with v as indented JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// DecodeJSON reads a JSON request body into v, refusing unknown fields and
// bodies over 1 MiB, with errors that say what was wrong.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
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

// ActivityJSON is an activity entry as the API serves it and the activity
// export writes it.
type ActivityJSON struct {
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

// ToActivityJSON converts an activity entry to its wire shape.
func ToActivityJSON(a attest.Activity) ActivityJSON {
	return ActivityJSON{ID: a.ID, At: RFC3339(a.At), ActorID: a.ActorID, Actor: a.ActorLabel, IP: a.IP, Via: string(a.Via),
		Action: a.Action, RecordType: a.RecordType, RecordID: a.RecordID, Summary: a.Summary}
}

// RFC3339 is how every time appears on the wire: UTC, with as much precision as
// it has.
func RFC3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ControlJSON is a control as the controls export writes it and the API serves it.
type ControlJSON struct {
	ID            int64         `json:"id"`
	Ref           string        `json:"ref"`
	LibraryID     string        `json:"library_id,omitempty"`
	Name          string        `json:"name"`
	Family        string        `json:"family"`
	Description   string        `json:"description"`
	Type          string        `json:"type"`
	Frequency     string        `json:"frequency"`
	Owner         string        `json:"owner,omitempty"`
	OwnerID       int64         `json:"owner_id,omitempty"`
	Status        string        `json:"status"`
	State         string        `json:"state"`
	Justification string        `json:"justification,omitempty"`
	Evidence      []string      `json:"expected_evidence"`
	Criteria      []string      `json:"criteria"`
	Mappings      []MappingJSON `json:"mappings"`
	Retired       bool          `json:"retired"`
}

// MappingJSON is one mapping of a control with its type; Counts is false for
// related mappings, which readiness does not count.
type MappingJSON struct {
	Framework   string `json:"framework"`
	Requirement string `json:"requirement"`
	Source      string `json:"source"`
	Type        string `json:"type"`
	Rationale   string `json:"rationale,omitempty"`
	Counts      bool   `json:"counts"`
}

// ToControlJSON converts a control with its derived state to its wire shape.
func ToControlJSON(ctl attest.Control, state string) ControlJSON {
	j := ControlJSON{ID: ctl.ID, Ref: ctl.Ref, LibraryID: ctl.LibraryID, Name: ctl.Name, Family: ctl.Family, Description: ctl.Description,
		Type: ctl.Type, Frequency: ctl.Frequency, Owner: ctl.OwnerName, OwnerID: ctl.OwnerID, Status: ctl.Status, State: state,
		Justification: ctl.Justification, Evidence: ctl.Evidence, Criteria: []string{}, Mappings: []MappingJSON{}, Retired: ctl.Retired()}
	if j.Evidence == nil {
		j.Evidence = []string{}
	}
	for _, m := range ctl.Mappings {
		name := m.Requirement
		if m.Framework != programme.Framework {
			name = m.Framework + ":" + m.Requirement
		}
		j.Criteria = append(j.Criteria, name)
		j.Mappings = append(j.Mappings, MappingJSON{Framework: m.Framework, Requirement: m.Requirement, Source: m.Source, Type: m.Type,
			Rationale: m.Rationale, Counts: m.Counts()})
	}
	return j
}
