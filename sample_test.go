package attest_test

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
)

func population(n int) []attest.SampleItem {
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	items := make([]attest.SampleItem, n)
	for i := range n {
		// Listed newest first, and with every third pair at the same
		// time, so sorting and the ID tie-break both matter.
		at := base.Add(time.Duration((n-i)/2) * time.Hour)
		items[i] = attest.SampleItem{ID: fmt.Sprintf("item-%03d", i), OccurredAt: at, Summary: fmt.Sprintf("change %d", i)}
	}
	return items
}

func TestSampleSize(t *testing.T) {
	cases := []struct {
		freq  string
		n     int
		prior bool
		want  int
	}{
		{"annual", 1, false, 1}, {"annual", 5, true, 2},
		{"quarterly", 4, false, 2}, {"quarterly", 4, true, 4}, // next size 5, capped at the population
		{"monthly", 12, false, 2}, {"monthly", 12, true, 5},
		{"weekly", 52, false, 5}, {"weekly", 52, true, 8},
		{"daily", 365, false, 25}, {"daily", 365, true, 40},
		{"continuous", 1000, false, 40}, {"continuous", 1000, true, 40},
		{"per-event", 0, false, 0}, {"per-event", 10, false, 10}, {"per-event", 10, true, 10},
		{"per-event", 11, false, 8}, {"per-event", 50, false, 8}, {"per-event", 50, true, 15},
		{"per-event", 51, false, 15}, {"per-event", 250, false, 15}, {"per-event", 250, true, 25},
		{"per-event", 251, false, 25}, {"per-event", 10000, true, 40},
		{"daily", 3, false, 3},
	}
	for _, c := range cases {
		got, err := attest.SampleSize(c.freq, c.n, c.prior)
		if err != nil || got != c.want {
			t.Errorf("SampleSize(%q, %d, %v) = %d, %v; want %d", c.freq, c.n, c.prior, got, err, c.want)
		}
	}
	if _, err := attest.SampleSize("hourly", 5, false); !invalidAt(err, "frequency") {
		t.Errorf("unknown frequency: %v", err)
	}
	if _, err := attest.SampleSize("daily", -1, false); err == nil {
		t.Error("negative population accepted")
	}
}

func TestSampleIsDeterministicAndCoversEveryRun(t *testing.T) {
	items := population(97)
	for _, size := range []int{1, 2, 5, 8, 25, 40, 97} {
		w1, err := attest.NewWorkpaper("audit-1", "CC6.2", items, size)
		if err != nil {
			t.Fatal(err)
		}
		// Same inputs in another order: same everything.
		rev := append([]attest.SampleItem(nil), items...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		w2, _ := attest.NewWorkpaper("audit-1", "CC6.2", rev, size)
		if fmt.Sprint(w1.Selection) != fmt.Sprint(w2.Selection) || w1.Seed != w2.Seed {
			t.Fatalf("size %d: order changed the sample", size)
		}
		if len(w1.Selection) != size {
			t.Fatalf("size %d: drew %d", size, len(w1.Selection))
		}
		// Each run gives exactly one item, from inside the run.
		pos := map[string]int{}
		for i, it := range w1.Population {
			pos[it.ID] = i
		}
		n := len(items)
		for i, id := range w1.Selection {
			lo, hi := i*n/size, (i+1)*n/size
			if p := pos[id]; p < lo || p >= hi {
				t.Fatalf("size %d: pick %d (%s) at %d is outside run [%d,%d)", size, i, id, p, lo, hi)
			}
		}
		if err := attest.VerifyWorkpaper(w1); err != nil {
			t.Fatalf("size %d: own workpaper does not verify: %v", size, err)
		}
	}
}

func TestSampleSeedFollowsEveryInput(t *testing.T) {
	items := population(30)
	base, _ := attest.NewWorkpaper("audit-1", "CC6.2", items, 8)
	changed := append([]attest.SampleItem(nil), items...)
	changed[17].Summary += "!"
	moved := append([]attest.SampleItem(nil), items...)
	moved[3].OccurredAt = moved[3].OccurredAt.Add(time.Nanosecond)
	for name, w := range map[string]attest.Workpaper{
		"summary": must(attest.NewWorkpaper("audit-1", "CC6.2", changed, 8)),
		"time":    must(attest.NewWorkpaper("audit-1", "CC6.2", moved, 8)),
		"dropped": must(attest.NewWorkpaper("audit-1", "CC6.2", items[1:], 8)),
		"audit":   must(attest.NewWorkpaper("audit-2", "CC6.2", items, 8)),
		"control": must(attest.NewWorkpaper("audit-1", "CC6.3", items, 8)),
	} {
		if w.Seed == base.Seed {
			t.Errorf("changing the %s kept the seed", name)
		}
	}
}

func must(w attest.Workpaper, err error) attest.Workpaper {
	if err != nil {
		panic(err)
	}
	return w
}

// TestSampleGoldenVector re-derives a sample with code written from
// docs/audits.md alone, not from sample.go.
func TestSampleGoldenVector(t *testing.T) {
	items := []attest.SampleItem{
		{ID: "c", OccurredAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), Summary: "third"},
		{ID: "a", OccurredAt: time.Date(2026, 1, 1, 0, 0, 0, 500, time.UTC), Summary: "first"},
		{ID: "b2", OccurredAt: time.Date(2026, 2, 1, 8, 30, 0, 0, time.FixedZone("x", 3600)), Summary: "tie, second by ID"},
		{ID: "b1", OccurredAt: time.Date(2026, 2, 1, 7, 30, 0, 0, time.UTC), Summary: "tie, first by ID"},
		{ID: "d", OccurredAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Summary: ""},
	}
	enc := "a\t2026-01-01T00:00:00.0000005Z\tfirst\n" +
		"b1\t2026-02-01T07:30:00Z\ttie, first by ID\n" +
		"b2\t2026-02-01T07:30:00Z\ttie, second by ID\n" +
		"c\t2026-03-01T12:00:00Z\tthird\n" +
		"d\t2026-04-01T00:00:00Z\t\n"
	if got := string(attest.PopulationEncoding(items)); got != enc {
		t.Fatalf("encoding:\n%q\nwant\n%q", got, enc)
	}
	hash := fmt.Sprintf("%x", sha256.Sum256([]byte(enc)))
	seed := fmt.Sprintf("%x", sha256.Sum256([]byte("A-7|CC8.1|"+hash)))
	order := []string{"a", "b1", "b2", "c", "d"}
	// Two runs of five: [0,2) and [2,5).
	var want []string
	for i, run := range [][]string{order[0:2], order[2:5]} {
		d := sha256.Sum256([]byte(seed + "|" + fmt.Sprint(i)))
		var v uint64
		for _, b := range d[:8] {
			v = v<<8 | uint64(b)
		}
		want = append(want, run[v%uint64(len(run))])
	}
	w, err := attest.NewWorkpaper("A-7", "CC8.1", items, 2)
	if err != nil {
		t.Fatal(err)
	}
	if w.PopulationHash != hash || w.Seed != seed || fmt.Sprint(w.Selection) != fmt.Sprint(want) {
		t.Fatalf("got %s %s %v, want %s %s %v", w.PopulationHash, w.Seed, w.Selection, hash, seed, want)
	}
}

func TestWorkpaperVerifyNamesWhatDiffers(t *testing.T) {
	w := must(attest.NewWorkpaper("audit-1", "CC6.2", population(40), 8))
	data, _ := json.Marshal(w)
	parsed, err := attest.ParseWorkpaper(strings.NewReader(string(data)))
	if err != nil || attest.VerifyWorkpaper(parsed) != nil {
		t.Fatalf("round trip: %v %v", err, attest.VerifyWorkpaper(parsed))
	}

	swapped := parsed
	swapped.Selection = append([]string(nil), parsed.Selection...)
	swapped.Selection[3] = "item-999"
	if err := attest.VerifyWorkpaper(swapped); !invalidAt(err, "selection") || !strings.Contains(err.Error(), "item 4") {
		t.Errorf("changed pick: %v", err)
	}
	tampered := parsed
	tampered.Population = append([]attest.SampleItem(nil), parsed.Population...)
	tampered.Population[0].Summary = "edited"
	if err := attest.VerifyWorkpaper(tampered); !invalidAt(err, "population_hash") {
		t.Errorf("edited population: %v", err)
	}
	seeded := parsed
	seeded.Seed = strings.Repeat("0", 64)
	if err := attest.VerifyWorkpaper(seeded); !invalidAt(err, "seed") {
		t.Errorf("chosen seed: %v", err)
	}
	big := parsed
	big.Size = 41
	if err := attest.VerifyWorkpaper(big); !invalidAt(err, "size") {
		t.Errorf("size above population: %v", err)
	}
}

func TestParseWorkpaperRefusesHostileFiles(t *testing.T) {
	for name, in := range map[string]string{
		"not json":   "{",
		"unknown":    `{"audit_id":"a","extra":1}`,
		"trailing":   `{"audit_id":"a"} {}`,
		"wrong type": `{"size":"eight"}`,
	} {
		if _, err := attest.ParseWorkpaper(strings.NewReader(in)); !invalidAt(err, "workpaper") {
			t.Errorf("%s: %v", name, err)
		}
	}
	huge := strings.NewReader(`{"audit_id":"` + strings.Repeat("a", attest.MaxWorkpaperBytes) + `"}`)
	if _, err := attest.ParseWorkpaper(huge); !invalidAt(err, "workpaper") || !strings.Contains(err.Error(), "larger") {
		t.Errorf("huge: %v", err)
	}
	dup := `{"audit_id":"a","control_id":"c","size":1,"population":[` +
		`{"id":"x","occurred_at":"2026-01-01T00:00:00Z"},{"id":"x","occurred_at":"2026-01-02T00:00:00Z"}]}`
	w, err := attest.ParseWorkpaper(strings.NewReader(dup))
	if err != nil {
		t.Fatal(err)
	}
	if err := attest.VerifyWorkpaper(w); !invalidAt(err, "population[1].id") {
		t.Errorf("duplicate ID: %v", err)
	}
}

// invalidAt reports whether err is an invalid-input error naming field.
func invalidAt(err error, field string) bool {
	var e *attest.Error
	return errors.As(err, &e) && e.Code == attest.EINVALID && e.Field == field
}

func TestPeopleItemsAreASamplePopulation(t *testing.T) {
	members := []attest.PopulationMember{
		{Person: attest.Person{ID: 7, Name: "Ada\tL", StartDate: "2026-02-03", EndDate: "2026-05-01"}},
		{Person: attest.Person{ID: 3, Name: "Bo", StartDate: "2026-01-10"}},
	}
	joiners, err := attest.PeopleItems(members, false)
	if err != nil {
		t.Fatal(err)
	}
	if joiners[0].ID != "person-7" || joiners[0].Summary != "Ada L" || joiners[1].OccurredAt.Format(time.DateOnly) != "2026-01-10" {
		t.Fatalf("joiners: %+v", joiners)
	}
	if _, err := attest.NewWorkpaper("A-1", "CC6.2", joiners, 1); err != nil {
		t.Fatalf("not a valid population: %v", err)
	}
	leavers, _ := attest.PeopleItems(members[:1], true)
	if leavers[0].OccurredAt.Format(time.DateOnly) != "2026-05-01" {
		t.Fatalf("leaver's day: %+v", leavers)
	}
	if _, err := attest.PeopleItems(members[1:], true); !invalidAt(err, "population") {
		t.Fatalf("leaver without an end date: %v", err)
	}
}
