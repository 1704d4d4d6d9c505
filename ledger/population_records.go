package ledger

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// checkPopulation re-derives a population record's hash from its rows, as
// the package documentation specifies it (independently of the code that
// wrote it, as any verifier would), and holds its count and results to its
// rows.
func checkPopulation(_ string, r BundleRecord) error {
	var p struct {
		UID   *string `json:"uid"`
		Kind  string  `json:"kind"`
		From  string  `json:"from"`
		To    string  `json:"to"`
		Count *int    `json:"count"`
		Hash  string  `json:"population_hash"`
		Rows  []struct {
			ID         string `json:"id"`
			OccurredAt string `json:"occurred_at"`
			Summary    string `json:"summary"`
			// Configuration is a capture's row: the snapshot it names must
			// be one a snapshot record could name.
			Configuration *struct {
				Collection     string `json:"collection"`
				SnapshotSHA256 string `json:"snapshot_sha256"`
			} `json:"configuration"`
		} `json:"rows"`
		Results []struct {
			Item   string `json:"item"`
			Result string `json:"result"`
		} `json:"results"`
	}
	if err := json.Unmarshal(r.Record, &p); err != nil {
		return fmt.Errorf("the record of %s %s: %w", r.Type, r.ID, err)
	}
	switch {
	case p.UID == nil || *p.UID != r.ID:
		return fmt.Errorf("the record of %s %s does not name its uid", r.Type, r.ID)
	case p.Kind != "joiners" && p.Kind != "leavers" && p.Kind != "changes" && p.Kind != "incidents" && p.Kind != "access_reviews" && p.Kind != "vendor_reviews" &&
		p.Kind != "vulnerabilities" && p.Kind != "configuration":
		return fmt.Errorf("population %s: unknown kind %q", r.ID, p.Kind)
	case !isDay(p.From) || !isDay(p.To) || p.To < p.From:
		return fmt.Errorf("population %s: the window %q to %q is not two days in order", r.ID, p.From, p.To)
	case p.Count == nil || *p.Count != len(p.Rows):
		return fmt.Errorf("population %s states a count other than its %d rows", r.ID, len(p.Rows))
	case len(p.Results) != len(p.Rows):
		return fmt.Errorf("population %s has %d results for %d rows", r.ID, len(p.Results), len(p.Rows))
	}
	type line struct {
		id, summary string
		at          time.Time
	}
	lines := make([]line, len(p.Rows))
	seen := map[string]bool{}
	for i, row := range p.Rows {
		at, err := time.Parse(time.RFC3339Nano, row.OccurredAt)
		switch {
		case err != nil:
			return fmt.Errorf("population %s: row %d: occurred_at %q is not a time", r.ID, i+1, row.OccurredAt)
		case row.ID == "" || seen[row.ID] || controlChars(row.ID) || controlChars(row.Summary):
			return fmt.Errorf("population %s: row %d: its id is empty, repeated, or it holds a control character", r.ID, i+1)
		case p.Results[i].Item != row.ID:
			return fmt.Errorf("population %s: result %d is for %q, not row %q", r.ID, i+1, p.Results[i].Item, row.ID)
		case p.Results[i].Result != "pass" && p.Results[i].Result != "deviation" && p.Results[i].Result != "not_testable":
			return fmt.Errorf("population %s: result %d: unknown result %q", r.ID, i+1, p.Results[i].Result)
		case p.Kind == "configuration" && (row.Configuration == nil || row.Configuration.Collection == "" || !isHexHash(row.Configuration.SnapshotSHA256)):
			return fmt.Errorf("population %s: row %d: a configuration row must name its collection and the 64 hex digits of its snapshot_sha256", r.ID, i+1)
		}
		seen[row.ID] = true
		lines[i] = line{row.ID, row.Summary, at.UTC()}
	}
	slices.SortStableFunc(lines, func(a, b line) int { return cmp.Or(a.at.Compare(b.at), strings.Compare(a.id, b.id)) })
	h := sha256.New()
	for _, l := range lines {
		fmt.Fprintf(h, "%s\t%s\t%s\n", l.id, l.at.Format(time.RFC3339Nano), l.summary)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != p.Hash {
		return fmt.Errorf("population %s: its rows hash to %s, not the population_hash %s: the rows were changed", r.ID, got, p.Hash)
	}
	return nil
}

func isDay(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func controlChars(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
