package ledger

import (
	"strings"
	"testing"
)

func TestPopulationRecordsVerify(t *testing.T) {
	rec := func() map[string]any {
		return map[string]any{"type": RecordTypePopulation, "org": "acme", "uid": "pop_1", "kind": "changes", "from": "2026-03-01", "to": "2026-03-31",
			"count": 2,
			// The hash of "acme/api#1\t2026-03-03T10:00:00Z\tAdd (by ada)\nacme/api#2\t2026-03-03T11:00:00Z\tFix (by ada)\n",
			// written out of order here: the check sorts as the encoding does.
			"population_hash": "", "rows": []any{
				map[string]any{"id": "acme/api#2", "occurred_at": "2026-03-03T12:00:00+01:00", "summary": "Fix (by ada)"},
				map[string]any{"id": "acme/api#1", "occurred_at": "2026-03-03T10:00:00Z", "summary": "Add (by ada)"},
			},
			"results": []any{map[string]any{"item": "acme/api#2", "result": "deviation"}, map[string]any{"item": "acme/api#1", "result": "pass"}}}
	}
	good := rec()
	good["population_hash"] = HashBytes([]byte("acme/api#1\t2026-03-03T10:00:00Z\tAdd (by ada)\nacme/api#2\t2026-03-03T11:00:00Z\tFix (by ada)\n"))
	if err := bundleRecord(t, RecordTypePopulation, "pop_1", good).CheckRecord("acme"); err != nil {
		t.Fatal(err)
	}
	empty := map[string]any{"type": RecordTypePopulation, "org": "acme", "uid": "pop_2", "kind": "leavers", "from": "2026-03-01", "to": "2026-03-01",
		"count": 0, "population_hash": HashBytes(nil), "rows": []any{}, "results": []any{}}
	if err := bundleRecord(t, RecordTypePopulation, "pop_2", empty).CheckRecord("acme"); err != nil {
		t.Fatalf("an empty population: %v", err)
	}
	for name, c := range map[string]struct {
		edit func(map[string]any)
		want string
	}{
		"edited row": {func(r map[string]any) {
			r["rows"].([]any)[1].(map[string]any)["summary"] = "Add (by bob)"
		}, "the rows were changed"},
		"dropped row": {func(r map[string]any) { r["rows"] = r["rows"].([]any)[:1] }, "count other than its 1 rows"},
		"result of another item": {func(r map[string]any) {
			r["results"].([]any)[0].(map[string]any)["item"] = "acme/api#9"
		}, "result 1 is for"},
		"unknown result":  {func(r map[string]any) { r["results"].([]any)[1].(map[string]any)["result"] = "fine" }, "unknown result"},
		"reversed window": {func(r map[string]any) { r["to"] = "2026-02-01" }, "not two days in order"},
		"unknown kind":    {func(r map[string]any) { r["kind"] = "moods" }, "unknown kind"},
	} {
		r := rec()
		r["population_hash"] = good["population_hash"]
		c.edit(r)
		if err := bundleRecord(t, RecordTypePopulation, "pop_1", r).CheckRecord("acme"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// A configuration capture's rows name their collection and its snapshot;
// a row without them is refused, and the other kinds' rows, which have
// none, still verify (above).
func TestConfigurationRecordsVerify(t *testing.T) {
	row := map[string]any{"collection": "col_1", "snapshot_sha256": strings.Repeat("a", 64)}
	rec := map[string]any{"type": RecordTypePopulation, "org": "acme", "uid": "pop_3", "kind": "configuration", "from": "2026-01-01", "to": "2026-06-30",
		"count": 1, "population_hash": HashBytes([]byte("gh:t.protected:github.repository/acme/api\t2026-06-20T09:00:00Z\tProtected on acme/api: pass\n")),
		"rows": []any{map[string]any{"id": "gh:t.protected:github.repository/acme/api", "occurred_at": "2026-06-20T09:00:00Z",
			"summary": "Protected on acme/api: pass", "configuration": row}},
		"results": []any{map[string]any{"item": "gh:t.protected:github.repository/acme/api", "result": "pass"}}}
	if err := bundleRecord(t, RecordTypePopulation, "pop_3", rec).CheckRecord("acme"); err != nil {
		t.Fatalf("a capture: %v", err)
	}
	for name, edit := range map[string]func(){
		"no snapshot":      func() { delete(row, "snapshot_sha256") },
		"a short snapshot": func() { row["snapshot_sha256"] = "abc" },
		"no collection":    func() { row["collection"] = "" },
		"no configuration": func() { delete(rec["rows"].([]any)[0].(map[string]any), "configuration") },
	} {
		row = map[string]any{"collection": "col_1", "snapshot_sha256": strings.Repeat("a", 64)}
		rec["rows"].([]any)[0].(map[string]any)["configuration"] = row
		edit()
		if err := bundleRecord(t, RecordTypePopulation, "pop_3", rec).CheckRecord("acme"); err == nil || !strings.Contains(err.Error(), "a configuration row must name") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
