package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/attest-hq/attest"
)

const activityPageSize = 100

// activityFilter reads the filter shared by the page, the export and the API.
func activityFilter(q url.Values) (attest.ActivityFilter, error) {
	f := attest.ActivityFilter{Action: q.Get("action"), ActorLabel: q.Get("actor"), RecordType: q.Get("record_type")}
	for _, p := range []struct {
		name string
		dst  *time.Time
		end  bool
	}{{"since", &f.Since, false}, {"until", &f.Until, true}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			d, derr := time.Parse("2006-01-02", v)
			if derr != nil {
				return f, attest.Invalid(p.name, "must be a date (2026-01-31) or an RFC 3339 time (got %q)", v)
			}
			if p.end {
				d = d.AddDate(0, 0, 1) // "until" a date includes that whole day
			}
			t = d
		}
		*p.dst = t
	}
	if v := q.Get("before"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, attest.Invalid("before", "must be a positive entry ID (got %q)", v)
		}
		f.BeforeID = id
	}
	return f, nil
}

type activityView struct {
	Entries []attest.Activity
	Query   url.Values
	Next    string // link to the next (older) page
	Export  string // query string for the export links
}

func (s *Server) activityPage(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	q := r.URL.Query()
	f, err := activityFilter(q)
	if err != nil {
		return err
	}
	f.Limit = activityPageSize + 1
	entries, err := s.cfg.DB.Activity(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	v := activityView{Entries: entries, Query: q}
	if len(entries) > activityPageSize {
		v.Entries = entries[:activityPageSize]
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		next.Set("before", strconv.FormatInt(v.Entries[len(v.Entries)-1].ID, 10))
		v.Next = "?" + next.Encode()
	}
	exp := url.Values{}
	for k, vs := range q {
		if k != "before" {
			exp[k] = vs
		}
	}
	v.Export = exp.Encode()
	s.render(w, r, c, http.StatusOK, "activity", v)
	return nil
}

// exportActivity streams the filtered log as CSV or JSON, whole, oldest last.
func (s *Server) exportActivity(w http.ResponseWriter, r *http.Request, c *Ctx) error {
	q := r.URL.Query()
	f, err := activityFilter(q)
	if err != nil {
		return err
	}
	format := q.Get("format")
	if format != "csv" && format != "json" {
		return attest.Invalid("format", "must be csv or json (got %q)", format)
	}
	entries, err := s.cfg.DB.Activity(r.Context(), c.Org.ID, f)
	if err != nil {
		return err
	}
	s.attachment(w, c, "activity", format)
	if format == "json" {
		out := make([]activityJSON, 0, len(entries))
		for _, a := range entries {
			out = append(out, toActivityJSON(a))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "actor_id", "actor", "ip", "via", "action", "record_type", "record_id", "summary"})
	for _, a := range entries {
		j := toActivityJSON(a)
		cw.Write([]string{strconv.FormatInt(j.ID, 10), j.At, strconv.FormatInt(j.ActorID, 10), csvSafe(j.Actor), j.IP, j.Via,
			j.Action, j.RecordType, csvSafe(j.RecordID), csvSafe(j.Summary)})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formula injection: a cell a user could influence
// must not start with a character that spreadsheets evaluate.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
