package ledger

import (
	"strings"
	"testing"
)

func TestRiskRecordChecks(t *testing.T) {
	rec := func(typ string, v map[string]any) BundleRecord {
		hash, canon, err := HashRecord(v)
		if err != nil {
			t.Fatal(err)
		}
		return BundleRecord{Type: typ, ID: "x", RecordHash: hash, Record: canon}
	}
	scale := map[string]any{"likelihood": 5, "impact": 5, "medium": 5, "high": 10, "critical": 20}
	risk := func(l, i, inh, rl, ri, res int, band string) map[string]any {
		return map[string]any{"ref": "R-1", "likelihood": l, "impact": i, "inherent": inh, "residual_likelihood": rl, "residual_impact": ri,
			"residual": res, "band": band}
	}
	for name, c := range map[string]struct {
		risk map[string]any
		want string
	}{
		"good":             {risk(4, 4, 16, 2, 3, 6, "medium"), ""},
		"edited score":     {risk(4, 4, 12, 2, 3, 6, "medium"), "not likelihood × impact"},
		"edited band":      {risk(4, 4, 16, 2, 3, 6, "low"), "rated"},
		"off the scale":    {risk(6, 4, 24, 2, 3, 6, "medium"), "outside"},
		"residual above":   {risk(2, 2, 4, 3, 3, 9, "medium"), "above its inherent"},
		"missing residual": {map[string]any{"ref": "R-1", "likelihood": 1, "impact": 1, "inherent": 1}, "lacks"},
	} {
		r := rec(RecordTypeRiskAssessment, map[string]any{"type": RecordTypeRiskAssessment, "org": "acme", "scale": scale, "risks": []any{c.risk}})
		err := r.CheckRecord("acme")
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if err := rec(RecordTypeRiskAssessment, map[string]any{"type": RecordTypeRiskAssessment}).CheckRecord("acme"); err == nil {
		t.Error("an assessment without scale and risks verified")
	}
	bad := rec(RecordTypeRiskAcceptance, map[string]any{"likelihood": 2, "impact": 3, "score": 5})
	if err := bad.CheckRecord("acme"); err == nil {
		t.Error("an acceptance with a wrong score verified")
	}
}
