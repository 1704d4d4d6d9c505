package ledger

import (
	"strings"
	"testing"
)

func TestVendorReviewRecordsAreChecked(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	for _, c := range []struct {
		rec, wantErr string
	}{
		{`{"report":"ev_1","report_sha256":"` + sha + `","report_type":"type2","period_start":"2025-01-01","period_end":"2025-12-31","opinion":"qualified","conclusion":"ok"}`, ""},
		{`{"report":"","report_sha256":"","report_type":"none","period_start":"","period_end":"","opinion":"","conclusion":"ok"}`, ""},
		{`{"report":"ev_1","report_sha256":"` + sha + `","report_type":"type2","period_start":"2025-12-31","period_end":"2025-01-01","opinion":"qualified","conclusion":"ok"}`, "ends (2025-01-01) before it starts"},
		{`{"report":"ev_1","report_sha256":"` + sha + `","report_type":"type2","period_start":"2025-01-01","period_end":"2025-12-31","opinion":"glowing","conclusion":"ok"}`, "unknown opinion"},
		{`{"report":"ev_1","report_sha256":"x","report_type":"type2","period_start":"2025-01-01","period_end":"2025-12-31","opinion":"adverse","conclusion":"ok"}`, "report_sha256"},
		{`{"report":"","report_sha256":"","report_type":"none","period_start":"2025-01-01","period_end":"","opinion":"","conclusion":"ok"}`, "without a report"},
		{`{"report":"ev_1","report_type":"type2"}`, "lacks one of"},
	} {
		r := BundleRecord{Type: RecordTypeVendorReview, ID: "vr_1", Record: []byte(c.rec)}
		r.RecordHash = HashBytes(r.Record)
		err := r.CheckRecord("acme")
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v", c.rec, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: %v, want an error about %q", c.rec, err, c.wantErr)
		}
	}
}
