package attest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Results and exceptions of an audit, per control in scope. A control's
// result comes from what tested it inside the audit's window: the
// monitoring tests linked to it, whose failures count as deviations only
// when they were not fixed within the remediation deadline, and the census
// of the audit's populations that speak for it, whose deviation items are
// deviations. A control with nothing but empty populations did not operate
// in the window (not occurring); one with nothing at all is not tested.

// Audit results of a control.
const (
	AuditResultPass         = "pass"
	AuditResultDeviation    = "deviation"
	AuditResultNotOccurring = "not_occurring"
	AuditResultNotTested    = "not_tested"
)

// RemediationDays is how long a failing monitoring result may stay failing
// before it is a deviation: a failure fixed within it is the control
// working (detected and corrected), not an exception.
const RemediationDays = 30

// PopulationCriteria are the SOC 2 criteria each kind of population speaks
// for: its census tests the controls of the audit mapped to them.
var PopulationCriteria = map[string][]string{
	PopulationJoiners:   {"CC1.4", "CC2.2"},
	PopulationLeavers:   {"CC6.2", "CC6.3"},
	PopulationChanges:   {"CC8.1"},
	PopulationIncidents: {"CC7.3", "CC7.4", "CC7.5"},
	PopulationReviews:   {"CC6.2", "CC6.3"},
	PopulationVendors:   {"CC9.2"},
	PopulationVulns:     {"CC7.1"},
}

// ResultInput is what tested one control in an audit.
type ResultInput struct {
	ControlID int64
	Ref, Name string
	// Changes is the history of the control's monitoring tests, any order.
	Changes []ResultChange
	// Populations are the audit's populations that speak for the control.
	Populations []PopulationRetrieval
	RootCause   string
	// ItemCauses are the root causes members recorded for single deviation
	// items, by ResultDeviation.Key.
	ItemCauses map[string]string
}

// ResultDeviation is one item that deviated: a monitoring result past its
// deadline, with its failing history, or an item of a population's census.
type ResultDeviation struct {
	// Key names the item across recomputations of the results (the same
	// failing episode or census item gives the same key however late the
	// results are read), so that a root cause recorded for it stays with
	// it; unique among a control's deviations.
	Key      string         `json:"key"`
	Source   string         `json:"source"` // monitoring or population
	Item     string         `json:"item"`
	Reason   string         `json:"reason"`
	Deadline string         `json:"deadline,omitempty"` // YYYY-MM-DD, monitoring
	History  []ResultChange `json:"history,omitempty"`
	// RootCause is a member's root cause of this item; the control's own
	// (ControlResult.RootCause) stays the overall cause.
	RootCause string `json:"root_cause,omitempty"`
}

// ControlResult is a control's result in an audit.
type ControlResult struct {
	ControlID int64  `json:"control_id"`
	Ref       string `json:"ref"`
	Name      string `json:"name"`
	Result    string `json:"result"`
	// Remediated counts the failures fixed within their deadline.
	Remediated  int               `json:"remediated"`
	Populations int               `json:"populations"`
	Deviations  []ResultDeviation `json:"deviations"`
	RootCause   string            `json:"root_cause,omitempty"`
}

// AuditResults judges each control over [since, until), where until is the
// window's end or now, whichever is earlier, and days the remediation
// deadline. Pure.
func AuditResults(in []ResultInput, since, until time.Time, days int) []ControlResult {
	out := make([]ControlResult, 0, len(in))
	for _, c := range in {
		r := ControlResult{ControlID: c.ControlID, Ref: c.Ref, Name: c.Name, Deviations: []ResultDeviation{}, RootCause: c.RootCause}
		monitored := judgeMonitoring(&r, c.Changes, since, until, days)
		// Only items the census could judge test the control: an item
		// not testable (its facts unseen, its verdict unverifiable) is no
		// pass, and a population of nothing else leaves it not tested.
		passed, occurred := 0, false
		for _, p := range c.Populations {
			r.Populations++
			occurred = occurred || p.Count > 0
			for _, res := range p.Results {
				switch res.Result {
				case ItemPass:
					passed++
				case ItemDeviation:
					r.Deviations = append(r.Deviations, ResultDeviation{Key: itemKey("population", p.UID, res.Item), Source: "population", Item: res.Item,
						Reason: res.Reason + " (population " + p.UID + ", " + p.Kind + " " + p.From + " to " + p.To + ")"})
				}
			}
		}
		switch {
		case len(r.Deviations) > 0:
			r.Result = AuditResultDeviation
		case monitored || passed > 0:
			r.Result = AuditResultPass
		case r.Populations > 0 && !occurred:
			r.Result = AuditResultNotOccurring
		default:
			r.Result = AuditResultNotTested
		}
		if r.Result != AuditResultDeviation {
			r.RootCause = ""
		}
		uniqueKeys(r.Deviations)
		// A cause recorded for an item that no longer deviates is kept
		// but not shown: it returns if the item deviates again.
		for i := range r.Deviations {
			r.Deviations[i].RootCause = c.ItemCauses[r.Deviations[i].Key]
		}
		out = append(out, r)
	}
	return out
}

// judgeMonitoring walks each test's history of each resource as episodes of
// one status, adds the failing episodes of the window that outlived their
// deadline to r's deviations, counts those fixed in time, and reports
// whether any pass or fail verdict stood during the window.
func judgeMonitoring(r *ControlResult, changes []ResultChange, since, until time.Time, days int) bool {
	type key struct{ test, typ, res string }
	byItem := map[key][]ResultChange{}
	var order []key
	for _, ch := range changes {
		k := key{ch.Test, ch.Resource.Type, ch.Resource.Key}
		if _, ok := byItem[k]; !ok {
			order = append(order, k)
		}
		byItem[k] = append(byItem[k], ch)
	}
	slices.SortFunc(order, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.test, b.test), cmp.Compare(a.typ, b.typ), cmp.Compare(a.res, b.res))
	})
	monitored := false
	for _, k := range order {
		hist := byItem[k]
		slices.SortStableFunc(hist, func(a, b ResultChange) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
		for i, ch := range hist {
			start := ch.At
			var end time.Time // zero: still in this status
			if i+1 < len(hist) {
				end = hist[i+1].At
			}
			if !start.Before(until) || (!end.IsZero() && !end.After(since)) {
				continue // outside the window
			}
			if ch.To != ResultPass && ch.To != ResultFail {
				continue
			}
			monitored = true
			if ch.To != ResultFail {
				continue
			}
			deadline := start.AddDate(0, 0, days)
			fixedInTime := !end.IsZero() && !end.After(deadline)
			openInTime := end.IsZero() && !until.After(deadline)
			if fixedInTime || openInTime {
				if fixedInTime {
					r.Remediated++
				}
				continue
			}
			reason := "failing from " + start.UTC().Format(DateLayout) + ", not fixed by its deadline"
			if !end.IsZero() {
				reason = "failing from " + start.UTC().Format(DateLayout) + ", fixed on " + end.UTC().Format(DateLayout) + ", after its deadline"
			}
			r.Deviations = append(r.Deviations, ResultDeviation{Key: itemKey("monitoring", k.test, k.typ, k.res, start.UTC().Format(DateLayout)), Source: "monitoring", Item: k.test + " on " + k.typ + " " + k.res, Reason: reason,
				Deadline: deadline.UTC().Format(DateLayout), History: slices.Clone(hist[:min(i+2, len(hist))])})
		}
	}
	return monitored
}

// keyPart escapes the separator in a part of an item's key, so that parts
// holding colons (resource keys often do) cannot run into each other, and
// the "#" that numbers repeated keys (uniqueKeys), so that an item named
// "x#2" cannot take the key of the second "x".
var keyPart = strings.NewReplacer("%", "%25", ":", "%3A", "#", "%23")

// itemKey joins a deviation's source and the parts that name it: for a
// monitoring failure its test, resource type and key and the day its
// failing episode began; for a census item its population's UID and the
// item.
func itemKey(source string, parts ...string) string {
	var b strings.Builder
	b.WriteString(source)
	for _, p := range parts {
		b.WriteByte(':')
		b.WriteString(keyPart.Replace(p))
	}
	return b.String()
}

// uniqueKeys numbers the second and later deviations whose keys repeat
// (two failing episodes of one item begun the same day, an item listed
// twice in a census), in the deviations' own deterministic order, so that
// each key names one item.
func uniqueKeys(devs []ResultDeviation) {
	seen := make(map[string]bool, len(devs))
	for i := range devs {
		k := devs[i].Key
		for n := 2; seen[k]; n++ {
			k = devs[i].Key + "#" + strconv.Itoa(n)
		}
		seen[k] = true
		devs[i].Key = k
	}
}
