package attest

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Samples for an audit. Where testing every item of a population is
// impracticable, the auditor tests a sample. The selection is derived from
// the audit, the control and the population alone, so nobody can steer it
// and anyone holding the workpaper re-derives it (docs/audits.md specifies
// every byte):
//
//	population hash = hex(SHA-256(canonical encoding of the population))
//	seed            = hex(SHA-256(audit id "|" control id "|" population hash))
//	run i's pick    = first 8 bytes, big-endian, of SHA-256(seed "|" i) mod len(run i)
//
// with the population sorted by occurrence time, then item ID, and split
// into as many contiguous runs as samples.

// SampleItem is one item of a population: a joiner, a change, an incident.
type SampleItem struct {
	ID         string    `json:"id"`
	OccurredAt time.Time `json:"occurred_at"`
	Summary    string    `json:"summary"`
}

// sampleLadder is every size the sizing table uses, in order: a prior-period
// deviation moves a sample to the next one (40 has none above it and stays).
var sampleLadder = []int{1, 2, 5, 8, 15, 25, 40}

// SampleSize is how many items to test of a population of n items of a
// control with the given frequency (ControlFrequencies). Recurring controls
// take a fixed size (annual 1, quarterly 2, monthly 2, weekly 5, daily 25,
// continuous 40); per-event controls take all of up to 10 items, 8 of 11–50,
// 15 of 51–250 and 25 above. After a deviation in the prior period the size
// is the next one up in the table. Never more than the population.
func SampleSize(frequency string, n int, priorDeviation bool) (int, error) {
	if n < 0 {
		return 0, Invalid("population", "size %d is negative", n)
	}
	var size int
	switch frequency {
	case "annual":
		size = 1
	case "quarterly", "monthly":
		size = 2
	case "weekly":
		size = 5
	case "daily":
		size = 25
	case "continuous":
		size = 40
	case "per-event":
		switch {
		case n <= 10:
			return n, nil // every item: no size above "all"
		case n <= 50:
			size = 8
		case n <= 250:
			size = 15
		default:
			size = 25
		}
	default:
		return 0, Invalid("frequency", "must be one of %s (got %q)", strings.Join(controlFrequencies, ", "), frequency)
	}
	if priorDeviation {
		if i := slices.Index(sampleLadder, size); i+1 < len(sampleLadder) {
			size = sampleLadder[i+1]
		}
	}
	return min(size, n), nil
}

// SortPopulation orders items by occurrence time, then ID: the order the
// runs are cut from.
func SortPopulation(items []SampleItem) {
	slices.SortFunc(items, func(a, b SampleItem) int {
		if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// ValidatePopulation checks items for the canonical encoding: IDs present
// and unique, times set, and no control characters (tabs and line breaks
// delimit the encoding) in IDs or summaries. It names the item at fault.
func ValidatePopulation(items []SampleItem) error {
	seen := make(map[string]bool, len(items))
	for i, it := range items {
		field := "population[" + strconv.Itoa(i) + "]"
		switch {
		case it.ID == "":
			return Invalid(field+".id", "is empty")
		case seen[it.ID]:
			return Invalid(field+".id", "%q appears twice", it.ID)
		case hasControl(it.ID):
			return Invalid(field+".id", "contains a control character")
		case hasControl(it.Summary):
			return Invalid(field+".summary", "contains a control character")
		case it.OccurredAt.IsZero():
			return Invalid(field+".occurred_at", "is missing")
		}
		seen[it.ID] = true
	}
	return nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// PopulationEncoding is the canonical bytes of a population: one line per
// item, in SortPopulation's order, "ID TAB OCCURRED_AT TAB SUMMARY LF", the
// time in UTC as RFC 3339 with nanoseconds and no trailing zeros. items must
// pass ValidatePopulation; they are not reordered in place.
func PopulationEncoding(items []SampleItem) []byte {
	sorted := slices.Clone(items)
	SortPopulation(sorted)
	var b strings.Builder
	for _, it := range sorted {
		b.WriteString(it.ID)
		b.WriteByte('\t')
		b.WriteString(it.OccurredAt.UTC().Format(time.RFC3339Nano))
		b.WriteByte('\t')
		b.WriteString(it.Summary)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// PopulationHash is the hex SHA-256 of PopulationEncoding.
func PopulationHash(items []SampleItem) string {
	sum := sha256.Sum256(PopulationEncoding(items))
	return hex.EncodeToString(sum[:])
}

// SampleSeed is hex(SHA-256(auditID "|" controlID "|" populationHash)).
func SampleSeed(auditID, controlID, populationHash string) string {
	sum := sha256.Sum256([]byte(auditID + "|" + controlID + "|" + populationHash))
	return hex.EncodeToString(sum[:])
}

// SelectSample draws size items of the population with the seed: sorted,
// cut into size contiguous runs (run i is items [i·n/size, (i+1)·n/size)),
// one item from each at SHA-256(seed "|" i) mod the run's length. It returns
// the IDs drawn, in run order. A size of n or more takes every item.
func SelectSample(items []SampleItem, seed string, size int) []string {
	sorted := slices.Clone(items)
	SortPopulation(sorted)
	n := len(sorted)
	if size >= n {
		size = n
	}
	picks := make([]string, 0, max(size, 0))
	for i := range size {
		lo, hi := i*n/size, (i+1)*n/size
		sum := sha256.Sum256([]byte(seed + "|" + strconv.Itoa(i)))
		at := binary.BigEndian.Uint64(sum[:8]) % uint64(hi-lo)
		picks = append(picks, sorted[lo+int(at)].ID)
	}
	return picks
}

// Workpaper is a sample's record, enough for anyone to re-derive it: the
// population as tested, its hash, the size, the seed and the selection.
type Workpaper struct {
	AuditID        string       `json:"audit_id"`
	ControlID      string       `json:"control_id"`
	Population     []SampleItem `json:"population"`
	PopulationHash string       `json:"population_hash"`
	Size           int          `json:"size"`
	Seed           string       `json:"seed"`
	Selection      []string     `json:"selection"`
}

// NewWorkpaper draws the sample of size from the population for the audit
// and control.
func NewWorkpaper(auditID, controlID string, items []SampleItem, size int) (Workpaper, error) {
	switch {
	case auditID == "" || hasControl(auditID) || strings.Contains(auditID, "|"):
		return Workpaper{}, Invalid("audit_id", "want a non-empty ID without control characters or |")
	case controlID == "" || hasControl(controlID) || strings.Contains(controlID, "|"):
		return Workpaper{}, Invalid("control_id", "want a non-empty ID without control characters or |")
	case size < 0:
		return Workpaper{}, Invalid("size", "%d is negative", size)
	}
	if err := ValidatePopulation(items); err != nil {
		return Workpaper{}, err
	}
	sorted := slices.Clone(items)
	SortPopulation(sorted)
	for i := range sorted {
		sorted[i].OccurredAt = sorted[i].OccurredAt.UTC()
	}
	hash := PopulationHash(sorted)
	seed := SampleSeed(auditID, controlID, hash)
	sel := SelectSample(sorted, seed, size)
	return Workpaper{AuditID: auditID, ControlID: controlID, Population: sorted, PopulationHash: hash,
		Size: len(sel), Seed: seed, Selection: sel}, nil
}

// VerifyWorkpaper re-derives w's hash, seed and selection from its audit,
// control, population and size, and says what differs first: nil when all
// match.
func VerifyWorkpaper(w Workpaper) error {
	if err := ValidatePopulation(w.Population); err != nil {
		return err
	}
	if w.Size < 0 || w.Size > len(w.Population) {
		return Invalid("size", "%d is outside 0–%d, the population's size", w.Size, len(w.Population))
	}
	if got := PopulationHash(w.Population); got != w.PopulationHash {
		return Invalid("population_hash", "the population hashes to %s, not %s: the population was changed", got, w.PopulationHash)
	}
	if got := SampleSeed(w.AuditID, w.ControlID, w.PopulationHash); got != w.Seed {
		return Invalid("seed", "re-derived %s, not %s", got, w.Seed)
	}
	want := SelectSample(w.Population, w.Seed, w.Size)
	for i := range max(len(want), len(w.Selection)) {
		switch {
		case i >= len(w.Selection):
			return Invalid("selection", "item %d: missing, re-derived %q", i+1, want[i])
		case i >= len(want):
			return Invalid("selection", "item %d: %q is one more than the %d re-derived", i+1, w.Selection[i], len(want))
		case want[i] != w.Selection[i]:
			return Invalid("selection", "item %d: re-derived %q, the workpaper says %q", i+1, want[i], w.Selection[i])
		}
	}
	return nil
}

// MaxWorkpaperBytes bounds a workpaper read from a file.
const MaxWorkpaperBytes = 64 << 20

// ParseWorkpaper reads a workpaper's JSON, refusing one over
// MaxWorkpaperBytes, unknown fields and trailing data.
func ParseWorkpaper(r io.Reader) (Workpaper, error) {
	var w Workpaper
	data, err := io.ReadAll(io.LimitReader(r, MaxWorkpaperBytes+1))
	if err != nil {
		return w, Errorf(EINVALID, "read workpaper: %v", err)
	}
	if len(data) > MaxWorkpaperBytes {
		return w, Invalid("workpaper", "larger than %d bytes", MaxWorkpaperBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return w, Invalid("workpaper", "not a workpaper: %v", err)
	}
	if dec.More() {
		return w, Invalid("workpaper", "data after the workpaper's JSON")
	}
	return w, nil
}

// PeopleItems turns joiners or leavers (PopulationsOf) into a population to
// sample: item ID "person-ID", occurring at the start of the day they joined
// (leavers: their last working day), summarized by name only, the least
// personal data that identifies them.
func PeopleItems(members []PopulationMember, leavers bool) ([]SampleItem, error) {
	items := make([]SampleItem, 0, len(members))
	for _, m := range members {
		day := m.Person.StartDate
		if leavers {
			day = m.Person.EndDate
		}
		at, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return nil, Invalid("population", "person %d: date %q is not YYYY-MM-DD", m.Person.ID, day)
		}
		items = append(items, SampleItem{ID: "person-" + strconv.FormatInt(m.Person.ID, 10), OccurredAt: at,
			Summary: strings.Map(func(r rune) rune {
				if r < 0x20 || r == 0x7f {
					return ' '
				}
				return r
			}, m.Person.Name)})
	}
	return items, nil
}
