package ledger

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// vendorReview holds the keys of a vendor_review record that verifiers
// re-check.
type vendorReview struct {
	Report       *string `json:"report"`
	ReportSHA256 *string `json:"report_sha256"`
	ReportType   *string `json:"report_type"`
	PeriodStart  *string `json:"period_start"`
	PeriodEnd    *string `json:"period_end"`
	Opinion      *string `json:"opinion"`
	Conclusion   *string `json:"conclusion"`
}

// checkVendorReview holds a vendor review to what it says of its report: a
// report named by its file's hash, of a known type, with a known opinion and
// a period that does not end before it starts; no report, none of them.
func checkVendorReview(_ string, r BundleRecord) error {
	var v vendorReview
	if err := json.Unmarshal(r.Record, &v); err != nil {
		return fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	if v.Report == nil || v.ReportSHA256 == nil || v.ReportType == nil || v.PeriodStart == nil || v.PeriodEnd == nil ||
		v.Opinion == nil || v.Conclusion == nil {
		return fmt.Errorf("the record of %s %s lacks one of report, report_sha256, report_type, period_start, period_end, opinion, conclusion", r.Type, r.ID)
	}
	if *v.ReportType == "none" {
		if *v.Report != "" || *v.ReportSHA256 != "" || *v.PeriodStart != "" || *v.PeriodEnd != "" || *v.Opinion != "" {
			return fmt.Errorf("vendor review %s states a report's details without a report", r.ID)
		}
		return nil
	}
	if *v.ReportType != "type1" && *v.ReportType != "type2" {
		return fmt.Errorf("vendor review %s: unknown report type %q", r.ID, *v.ReportType)
	}
	if !isHexHash(*v.ReportSHA256) || *v.Report == "" {
		return fmt.Errorf("vendor review %s does not name its report and the report's \"report_sha256\" of 64 hex digits", r.ID)
	}
	if !slices.Contains([]string{"unqualified", "qualified", "adverse", "disclaimer"}, *v.Opinion) {
		return fmt.Errorf("vendor review %s: unknown opinion %q", r.ID, *v.Opinion)
	}
	start, err1 := time.Parse("2006-01-02", *v.PeriodStart)
	end, err2 := time.Parse("2006-01-02", *v.PeriodEnd)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("vendor review %s: the report period is not two days such as 2026-03-31", r.ID)
	}
	if end.Before(start) {
		return fmt.Errorf("vendor review %s: the report period ends (%s) before it starts (%s)", r.ID, *v.PeriodEnd, *v.PeriodStart)
	}
	return nil
}
