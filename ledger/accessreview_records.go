package ledger

import (
	"encoding/json"
	"fmt"
)

// checkAccessReviewSnapshot holds a frozen account list to its count and
// its systems.
func checkAccessReviewSnapshot(_ string, r BundleRecord) error {
	var s struct {
		UID     *string `json:"uid"`
		Count   *int    `json:"count"`
		Systems []struct {
			Name   string `json:"name"`
			Source string `json:"source"`
		} `json:"systems"`
		Accounts []struct {
			System string `json:"system"`
			Key    string `json:"key"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(r.Record, &s); err != nil {
		return fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	if s.UID == nil || *s.UID != r.ID || s.Count == nil {
		return fmt.Errorf("the record of %s %s does not name its uid and count", r.Type, r.ID)
	}
	if len(s.Systems) == 0 {
		return fmt.Errorf("access review %s names no systems", r.ID)
	}
	systems := map[string]bool{}
	for _, sys := range s.Systems {
		if sys.Source != "connection" && sys.Source != "upload" {
			return fmt.Errorf("access review %s: system %q has an unknown source %q", r.ID, sys.Name, sys.Source)
		}
		systems[sys.Name] = true
	}
	if *s.Count != len(s.Accounts) {
		return fmt.Errorf("access review %s states %d accounts and lists %d", r.ID, *s.Count, len(s.Accounts))
	}
	seen := map[[2]string]bool{}
	for _, a := range s.Accounts {
		if !systems[a.System] {
			return fmt.Errorf("access review %s: account %s names the system %q, which it does not review", r.ID, a.Key, a.System)
		}
		k := [2]string{a.System, a.Key}
		if seen[k] {
			return fmt.Errorf("access review %s lists account %s of %s twice", r.ID, a.Key, a.System)
		}
		seen[k] = true
	}
	return nil
}

// checkAccessReviewCompletion holds a completed review to its decisions and
// the hashes it names.
func checkAccessReviewCompletion(_ string, r BundleRecord) error {
	var c struct {
		UID          *string `json:"uid"`
		Snapshot     string  `json:"snapshot"`
		ReportSHA256 string  `json:"report_sha256"`
		Decisions    []struct {
			System   string `json:"system"`
			Key      string `json:"key"`
			Decision string `json:"decision"`
			Reason   string `json:"reason"`
		} `json:"decisions"`
	}
	if err := json.Unmarshal(r.Record, &c); err != nil {
		return fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	if c.UID == nil || *c.UID != r.ID {
		return fmt.Errorf("the record of %s %s does not name its uid", r.Type, r.ID)
	}
	if !isHexHash(c.Snapshot) || !isHexHash(c.ReportSHA256) {
		return fmt.Errorf("access review %s does not name its snapshot and report by hashes of 64 hex digits", r.ID)
	}
	seen := map[[2]string]bool{}
	for _, d := range c.Decisions {
		switch d.Decision {
		case "keep":
		case "revoke", "change":
			if d.Reason == "" {
				return fmt.Errorf("access review %s: the decision to %s account %s of %s gives no reason", r.ID, d.Decision, d.Key, d.System)
			}
		default:
			return fmt.Errorf("access review %s: account %s of %s has an unknown decision %q", r.ID, d.Key, d.System, d.Decision)
		}
		k := [2]string{d.System, d.Key}
		if seen[k] {
			return fmt.Errorf("access review %s decides account %s of %s twice", r.ID, d.Key, d.System)
		}
		seen[k] = true
	}
	return nil
}
