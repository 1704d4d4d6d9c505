package ledger

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCheckRecord(t *testing.T) {
	start, end := t0.AddDate(0, -1, 0), t0
	base := BundleEvidence{
		ID: "ev_1", Title: "Access review", Kind: "file", MediaType: "application/pdf", Filename: "review.pdf",
		SHA256: hexSum("file"), Size: 1234, CollectedAt: t0, PeriodStart: &start, PeriodEnd: &end,
		Controls: []string{"IAM-2", "IAM-1"}, Source: "upload", AddedBy: "Ada", Notes: "", Supersedes: "",
	}
	// rec builds a record from the item, then lets a case change it.
	rec := func(change func(map[string]any)) func(BundleEvidence) BundleEvidence {
		return func(ev BundleEvidence) BundleEvidence {
			r := testRecord(ev)
			r["org"] = "acme"
			change(r)
			ev.RecordHash, ev.Record, _ = HashRecord(r)
			return ev
		}
	}
	same := rec(func(map[string]any) {})
	if err := same(base).CheckRecord("acme"); err != nil {
		t.Fatalf("a consistent item does not check: %v", err)
	}
	cases := []struct {
		name string
		item func(BundleEvidence) BundleEvidence
		want string // "" when the item must pass
	}{
		{"controls in another order", func(BundleEvidence) BundleEvidence {
			ev := same(base)
			ev.Controls = []string{"IAM-1", "IAM-2"}
			return ev
		}, ""},
		{"time in another zone", func(BundleEvidence) BundleEvidence {
			ev := same(base)
			ev.CollectedAt = ev.CollectedAt.In(time.FixedZone("X", 3600))
			return ev
		}, ""},
		{"id and added_by carried and equal", func(BundleEvidence) BundleEvidence {
			return rec(func(r map[string]any) { r["id"], r["added_by"] = "ev_1", "Ada" })(base)
		}, ""},
		{"no period on either side", func(BundleEvidence) BundleEvidence {
			ev := base
			ev.PeriodStart, ev.PeriodEnd = nil, nil
			return same(ev)
		}, ""},
		{"null period in the record", func(BundleEvidence) BundleEvidence {
			ev := base
			ev.PeriodStart, ev.PeriodEnd = nil, nil
			return rec(func(r map[string]any) { r["period_start"], r["period_end"] = nil, nil })(ev)
		}, ""},

		{"bytes changed", func(BundleEvidence) BundleEvidence {
			ev := same(base)
			ev.Record = json.RawMessage(strings.Replace(string(ev.Record), "review.pdf", "review.PDF", 1))
			return ev
		}, "the record of evidence ev_1 was changed: its bytes do not hash to its record_hash"},
		{"not an object", func(BundleEvidence) BundleEvidence {
			ev := base
			ev.Record = json.RawMessage(`["sha256"]`)
			ev.RecordHash = HashBytes(ev.Record)
			return ev
		}, "is not a JSON object"},
		{"no file", rec(func(r map[string]any) { delete(r, "sha256") }), `names no file: it has no "sha256" string`},
		{"no size", rec(func(r map[string]any) { delete(r, "size") }), `has no "size" number`},
		{"other file", rec(func(r map[string]any) { r["sha256"] = hexSum("other") }), `field "sha256" of evidence ev_1 does not match`},
		{"other size", rec(func(r map[string]any) { r["size"] = 1235 }), `field "size"`},
		{"other organization", rec(func(r map[string]any) { r["org"] = "evil" }), "belongs to organization evil, not \"acme\""},
		{"other type", rec(func(r map[string]any) { r["type"] = "approval" }), `is of type approval, not "evidence"`},
		{"other title", rec(func(r map[string]any) { r["title"] = "Something" }), `field "title"`},
		{"title the record lacks", rec(func(r map[string]any) { delete(r, "title") }), `field "title"`},
		{"other id", rec(func(r map[string]any) { r["id"] = "ev_2" }), `field "id"`},
		{"other added_by", rec(func(r map[string]any) { r["added_by"] = "Bob" }), `field "added_by"`},
		{"title that is not a string", rec(func(r map[string]any) { r["title"] = 7 }), `field "title"`},
		{"other time", rec(func(r map[string]any) { r["collected_at"] = FormatTime(t0.Add(time.Microsecond)) }), `field "collected_at"`},
		{"time that is no time", rec(func(r map[string]any) { r["collected_at"] = "yesterday" }), `field "collected_at"`},
		{"period the record lacks", rec(func(r map[string]any) { delete(r, "period_start") }), `field "period_start"`},
		{"period the index lacks", func(BundleEvidence) BundleEvidence {
			ev := same(base)
			ev.PeriodEnd = nil
			return ev
		}, `field "period_end"`},
		{"other controls", rec(func(r map[string]any) { r["controls"] = []string{"IAM-1"} }), `field "controls"`},
		{"controls the record lacks", rec(func(r map[string]any) { delete(r, "controls") }), `field "controls"`},
		{"controls that are not strings", rec(func(r map[string]any) { r["controls"] = []int{1, 2} }), `field "controls"`},
		{"negative size", func(BundleEvidence) BundleEvidence {
			ev := base
			ev.Size = -1
			return same(ev)
		}, "size -1 is negative"},
	}
	for _, c := range cases {
		err := c.item(base).CheckRecord("acme")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: CheckRecord = %v, want success", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: CheckRecord = %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestBundleEvidenceJSON(t *testing.T) {
	start := t0.AddDate(0, -1, 0)
	ev := withRecord(t, BundleEvidence{
		ID: "ev_1", Title: "Firewall <rules> & \u2028 more", SHA256: hexSum("file"), Size: 3, CollectedAt: t0.Add(500 * time.Millisecond),
		PeriodStart: &start, PeriodEnd: &t0, Controls: []string{"B", "A"}, AddedBy: "Ada",
	})
	data, err := marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"collected_at":"2026-03-01T12:00:00.500000Z"`) {
		t.Errorf("index times are not in the ledger's form: %s", data)
	}
	if !strings.Contains(string(data), `"record":`+string(ev.Record)+"}") {
		t.Fatalf("the record is not carried byte for byte:\n%s", data)
	}
	var back BundleEvidence
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if string(back.Record) != string(ev.Record) || back.RecordHash != ev.RecordHash || !back.CollectedAt.Equal(ev.CollectedAt) ||
		!back.PeriodStart.Equal(start) || back.AddedBy != "Ada" || strings.Join(back.Controls, ",") != "B,A" {
		t.Fatalf("round trip changed the item: %+v", back)
	}
	if err := back.CheckRecord("acme"); err != nil {
		t.Fatalf("the item no longer checks after a round trip: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"id":"1","colour":"red"}`), &back); err == nil || !strings.Contains(err.Error(), `unknown field "colour"`) {
		t.Errorf("unknown field: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"id":"1","collected_at":"soon"}`), &back); err == nil || !strings.Contains(err.Error(), `collected_at "soon" is not an RFC 3339 time`) {
		t.Errorf("bad time: %v", err)
	}
}
