// Package oscal writes an organization's programme as NIST OSCAL documents
// (v1.2.1) that other tools and auditors can read: a component definition
// (which of the organization's controls implement each requirement of a
// framework, and their state) and assessment results (per requirement,
// satisfied or not, with an observation per control saying why). It is
// pure: the caller derives readiness and passes it in. Every document is
// validated against NIST's schema before it is returned, so an invalid one
// never leaves Attest.
package oscal

import (
	"bytes"
	"crypto/sha1"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/readiness"
)

// Version is the OSCAL version the documents declare.
const Version = "1.2.1"

// Document kinds.
const (
	KindComponent = "component-definition"
	KindResults   = "assessment-results"
)

// Kinds lists the documents the package writes.
var Kinds = []string{KindComponent, KindResults}

// Source says what a document describes.
type Source struct {
	Org            attest.Organization
	Framework      string // the framework's ID: soc2, iso27001, an imported key
	FrameworkTitle string
	// CatalogHref names the framework's catalog, the source of its
	// requirement IDs (a URN when no OSCAL catalog is published for it).
	CatalogHref string
	Generated   time.Time
	// ReadinessDay and ReadinessAt, when set, say the readiness passed in
	// is as recorded on the report's day, at that moment; else it is
	// derived when the document is generated.
	ReadinessDay string
	ReadinessAt  time.Time
	// Tested, when set, is an audit's own testing of its controls: the
	// assessment results then carry it as a second result, beside the
	// readiness of the day the document is generated.
	Tested *Tested
}

// Tested is an audit's testing: the result of each control in its scope
// over its window (attest.AuditResults), and the requirements each meets
// in the audit's scope (the findings follow the audit's scope, not today's
// readiness, which may have dropped a control since).
type Tested struct {
	Audit      string // the audit's label in the package
	Start, End time.Time
	Controls   []attest.ControlResult
	Criteria   map[int64][]string // control ID → requirement IDs
}

// namespace is the UUID namespace of Attest's OSCAL identifiers: the same
// source always yields the same UUIDs, so two exports of an unchanged
// programme differ only in their dates.
var namespace = [16]byte{0x6b, 0x2f, 0x8e, 0x4a, 0x1c, 0x53, 0x4d, 0x0e, 0x9a, 0x77, 0x3e, 0x51, 0xd2, 0x08, 0xc4, 0x19}

// uuid5 is a name-based (SHA-1) UUID, RFC 9562 version 5.
func uuid5(parts ...string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(strings.Join(parts, "\x00")))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// ControlID turns a requirement ID into an OSCAL control ID, which must
// begin with a letter or underscore: ISO 27001's clause 6.1.2 becomes
// clause-6.1.2; CC6.1 and A.5.1 stay as they are.
func ControlID(requirement string) string {
	r := []rune(requirement)
	if len(r) > 0 && (unicode.IsLetter(r[0]) || r[0] == '_') {
		return requirement
	}
	return "clause-" + requirement
}

// ns is the namespace of Attest's own properties.
const ns = "https://attest.dev/ns/oscal"

type prop struct {
	Name    string `json:"name"`
	NS      string `json:"ns,omitempty"`
	Value   string `json:"value"`
	Remarks string `json:"remarks,omitempty"`
}

type party struct {
	UUID string `json:"uuid"`
	Type string `json:"type"`
	Name string `json:"name"`
}

type role struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type responsibleParty struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids"`
}

type metadata struct {
	Title              string             `json:"title"`
	LastModified       string             `json:"last-modified"`
	Version            string             `json:"version"`
	OSCALVersion       string             `json:"oscal-version"`
	Props              []prop             `json:"props,omitempty"`
	Roles              []role             `json:"roles"`
	Parties            []party            `json:"parties"`
	ResponsibleParties []responsibleParty `json:"responsible-parties"`
}

func meta(src Source, title string) metadata {
	org := uuid5("party", src.Org.Slug)
	return metadata{Title: title, LastModified: src.Generated.UTC().Format(time.RFC3339), Version: src.Generated.UTC().Format("2006-01-02T15:04:05Z"),
		OSCALVersion: Version, Props: []prop{{Name: "framework", NS: ns, Value: src.Framework}},
		Roles:   []role{{ID: "prepared-for", Title: "Prepared for"}},
		Parties: []party{{UUID: org, Type: "organization", Name: src.Org.Name}}, ResponsibleParties: []responsibleParty{{RoleID: "prepared-for", PartyUUIDs: []string{org}}}}
}

// ComponentDefinition describes the organization's programme as one
// component whose control implementation lists, per requirement in scope,
// the organization's controls mapped to it with their state.
func ComponentDefinition(src Source, res readiness.Result) ([]byte, error) {
	type implemented struct {
		UUID        string `json:"uuid"`
		ControlID   string `json:"control-id"`
		Description string `json:"description"`
		Props       []prop `json:"props,omitempty"`
	}
	type controlImplementation struct {
		UUID                    string        `json:"uuid"`
		Source                  string        `json:"source"`
		Description             string        `json:"description"`
		ImplementedRequirements []implemented `json:"implemented-requirements"`
	}
	type component struct {
		UUID                   string                  `json:"uuid"`
		Type                   string                  `json:"type"`
		Title                  string                  `json:"title"`
		Description            string                  `json:"description"`
		ControlImplementations []controlImplementation `json:"control-implementations,omitempty"`
	}
	ci := controlImplementation{UUID: uuid5("control-implementation", src.Org.Slug, src.Framework), Source: src.CatalogHref,
		Description: fmt.Sprintf("How %s's controls implement %s, as Attest derives it.", src.Org.Name, src.FrameworkTitle)}
	for _, rr := range res.Requirements {
		if len(rr.Controls) == 0 {
			continue // nothing implements it: an assessment result says so
		}
		ir := implemented{UUID: uuid5("implemented-requirement", src.Org.Slug, src.Framework, rr.ID), ControlID: ControlID(rr.ID)}
		var lines []string
		for _, c := range rr.Controls {
			lines = append(lines, fmt.Sprintf("%s %s (%s)", c.Ref, c.Name, strings.ReplaceAll(c.State, "_", " ")))
			ir.Props = append(ir.Props, prop{Name: "implemented-by", NS: ns, Value: c.Ref, Remarks: c.State})
		}
		ir.Description = "Implemented by " + strings.Join(lines, "; ") + "."
		ci.ImplementedRequirements = append(ci.ImplementedRequirements, ir)
	}
	comp := component{UUID: uuid5("component", src.Org.Slug), Type: "process-procedure", Title: src.Org.Name + " security programme",
		Description: fmt.Sprintf("The controls %s operates for %s, kept in Attest.", src.Org.Name, src.FrameworkTitle)}
	if len(ci.ImplementedRequirements) > 0 {
		comp.ControlImplementations = []controlImplementation{ci}
	}
	doc := map[string]any{"component-definition": map[string]any{
		"uuid":       uuid5("component-definition", src.Org.Slug, src.Framework, src.Generated.UTC().Format(time.RFC3339)),
		"metadata":   meta(src, fmt.Sprintf("%s: controls for %s", src.Org.Name, src.FrameworkTitle)),
		"components": []component{comp},
	}}
	return encode(KindComponent, doc)
}

// AssessmentResults reports, for the window [start, end], each requirement
// in scope as satisfied (ready) or not, each finding related to the
// observations of its controls (state and gaps in words). Attest has no
// separate assessment plan: import-ap points to a back-matter resource
// that says the plan is the organization's scope.
func AssessmentResults(src Source, res readiness.Result, start, end time.Time) ([]byte, error) {
	if len(res.Requirements) == 0 {
		return nil, attest.Invalid("framework", "%s has no requirement in scope to report on", src.FrameworkTitle)
	}
	collected := src.Generated.UTC().Format(time.RFC3339)
	title := fmt.Sprintf("Readiness of %s for %s", src.Org.Name, src.FrameworkTitle)
	if src.ReadinessDay != "" {
		collected = src.ReadinessAt.UTC().Format(time.RFC3339)
		title += " on " + src.ReadinessDay + " (recorded " + collected + ")"
	}
	run := src.Generated.UTC().Format(time.RFC3339)
	observed := map[int64]string{}
	var observations []observation
	for _, c := range res.Controls {
		id := uuid5("observation", src.Org.Slug, src.Framework, run, c.Ref)
		observed[c.ID] = id
		desc := fmt.Sprintf("%s %s is %s.", c.Ref, c.Name, strings.ReplaceAll(c.State, "_", " "))
		for _, g := range c.Gaps {
			desc += " " + g.Message
		}
		observations = append(observations, observation{UUID: id, Title: c.Ref + " " + c.Name, Description: desc,
			Props: []prop{{Name: "control-state", NS: ns, Value: c.State}}, Methods: []string{"EXAMINE"}, Collected: collected})
	}
	var sel selection
	var findings []finding
	for _, rr := range res.Requirements {
		sel.IncludeControls = append(sel.IncludeControls, selectControl{ControlID: ControlID(rr.ID)})
		f := finding{UUID: uuid5("finding", src.Org.Slug, src.Framework, run, rr.ID), Title: rr.ID + " " + rr.Title,
			Target: target{Type: "objective-id", TargetID: ControlID(rr.ID), Title: rr.Title, Status: status{State: "not-satisfied", Reason: "fail"}}}
		if rr.Ready {
			f.Target.Status = status{State: "satisfied", Reason: "pass"}
			f.Description = fmt.Sprintf("%s is ready: every control behind it is implemented and shown operating.", rr.ID)
		} else {
			var gaps []string
			for _, g := range rr.Gaps {
				gaps = append(gaps, g.Message)
			}
			f.Description = fmt.Sprintf("%s is not ready (%d%%).", rr.ID, readiness.Percent(rr.Score))
			if len(gaps) > 0 {
				f.Description += " " + strings.Join(gaps, " ")
			}
		}
		for _, c := range rr.Controls {
			if id, ok := observed[c.ID]; ok {
				f.RelatedObservations = append(f.RelatedObservations, rel{ObservationUUID: id})
			}
		}
		findings = append(findings, f)
	}
	plan := uuid5("assessment-plan", src.Org.Slug, src.Framework)
	result := map[string]any{
		"uuid":              uuid5("result", src.Org.Slug, src.Framework, run),
		"title":             title,
		"description":       fmt.Sprintf("Attest's readiness derivation over %d requirement(s) in scope: %d%% overall.", len(res.Requirements), res.Percent),
		"start":             start.UTC().Format(time.RFC3339),
		"end":               end.UTC().Format(time.RFC3339),
		"reviewed-controls": map[string]any{"control-selections": []selection{sel}},
	}
	if len(observations) > 0 {
		result["observations"] = observations
	}
	if len(findings) > 0 {
		result["findings"] = findings
	}
	results := []any{result}
	if src.Tested != nil {
		results = append(results, testedResult(src, res, sel, run))
	}
	doc := map[string]any{"assessment-results": map[string]any{
		"uuid":      uuid5("assessment-results", src.Org.Slug, src.Framework, run),
		"metadata":  meta(src, fmt.Sprintf("%s: assessment results for %s", src.Org.Name, src.FrameworkTitle)),
		"import-ap": map[string]any{"href": "#" + plan, "remarks": "No separate assessment plan: the plan is the organization's scope in Attest."},
		"results":   results,
		"back-matter": map[string]any{"resources": []any{map[string]any{"uuid": plan, "title": "Assessment plan",
			"description": fmt.Sprintf("The requirements of %s in %s's scope, assessed by Attest's readiness derivation.", src.FrameworkTitle, src.Org.Name)}}},
	}}
	return encode(KindResults, doc)
}

// The parts of an assessment result.
type (
	rel struct {
		ObservationUUID string `json:"observation-uuid"`
	}
	status struct {
		State  string `json:"state"`
		Reason string `json:"reason,omitempty"`
	}
	target struct {
		Type     string `json:"type"`
		TargetID string `json:"target-id"`
		Title    string `json:"title,omitempty"`
		Status   status `json:"status"`
	}
	finding struct {
		UUID                string `json:"uuid"`
		Title               string `json:"title"`
		Description         string `json:"description"`
		Target              target `json:"target"`
		RelatedObservations []rel  `json:"related-observations,omitempty"`
	}
	observation struct {
		UUID        string   `json:"uuid"`
		Title       string   `json:"title"`
		Description string   `json:"description"`
		Props       []prop   `json:"props,omitempty"`
		Methods     []string `json:"methods"`
		Collected   string   `json:"collected"`
	}
	selectControl struct {
		ControlID string `json:"control-id"`
	}
	selection struct {
		IncludeControls []selectControl `json:"include-controls,omitempty"`
	}
)

// maxListed is how many deviation items an observation names before it
// counts the rest; the audit's testing.json lists them all.
const maxListed = 20

// testedResult is the audit's testing as one result over its window: an
// observation per control in its scope (TEST, with its result, deviation
// items with their root causes, and the control's root cause), and a finding per requirement its controls meet in
// the audit's scope. A requirement is not satisfied if a control behind it
// deviated, satisfied if one passed and none deviated, and otherwise not
// satisfied for an "other" reason: its controls had nothing to operate on
// (empty populations) or nothing tested them.
func testedResult(src Source, res readiness.Result, readinessSel selection, run string) map[string]any {
	t := src.Tested
	observed := map[int64]string{}
	counts := map[string]int{}
	var observations []observation
	for _, c := range t.Controls {
		id := uuid5("tested-observation", src.Org.Slug, src.Framework, run, c.Ref)
		observed[c.ControlID] = id
		counts[c.Result]++
		desc := fmt.Sprintf("%s %s: %s in the audit's window.", c.Ref, c.Name, strings.ReplaceAll(c.Result, "_", " "))
		if c.Remediated > 0 {
			desc += fmt.Sprintf(" %d failure(s) fixed within their remediation deadline, which are not deviations.", c.Remediated)
		}
		for i, d := range c.Deviations {
			if i == maxListed {
				desc += fmt.Sprintf(" And %d more deviation(s).", len(c.Deviations)-maxListed)
				break
			}
			desc += fmt.Sprintf(" Deviation (%s): %s: %s.", d.Source, d.Item, strings.TrimSuffix(d.Reason, "."))
			if d.RootCause != "" {
				desc += " Root cause of this item: " + strings.TrimSuffix(d.RootCause, ".") + "."
			}
		}
		if c.RootCause != "" {
			desc += " Root cause: " + c.RootCause
		}
		observations = append(observations, observation{UUID: id, Title: c.Ref + " " + c.Name, Description: desc,
			Props: []prop{{Name: "audit-result", NS: ns, Value: c.Result}}, Methods: []string{"TEST"}, Collected: run})
	}
	// The requirements the audit's controls meet, in the catalog's order
	// where readiness knows them, with readiness's titles.
	titles := map[string]string{}
	var reqs []string
	for _, rr := range res.Requirements {
		titles[rr.ID] = rr.Title
		reqs = append(reqs, rr.ID)
	}
	behind := map[string][]attest.ControlResult{}
	for _, c := range t.Controls {
		for _, id := range t.Criteria[c.ControlID] {
			if _, known := titles[id]; !known {
				titles[id] = ""
				reqs = append(reqs, id)
			}
			behind[id] = append(behind[id], c)
		}
	}
	var sel selection
	var findings []finding
	for _, id := range reqs {
		controls := behind[id]
		if len(controls) == 0 {
			continue // no control of the audit meets it
		}
		title := strings.TrimSpace(id + " " + titles[id])
		f := finding{UUID: uuid5("tested-finding", src.Org.Slug, src.Framework, run, id), Title: title,
			Target: target{Type: "objective-id", TargetID: ControlID(id), Title: titles[id]}}
		var deviated, passed, idle []string
		for _, r := range controls {
			f.RelatedObservations = append(f.RelatedObservations, rel{ObservationUUID: observed[r.ControlID]})
			switch r.Result {
			case attest.AuditResultDeviation:
				deviated = append(deviated, r.Ref)
			case attest.AuditResultPass:
				passed = append(passed, r.Ref)
			case attest.AuditResultNotOccurring:
				idle = append(idle, r.Ref)
			}
		}
		sel.IncludeControls = append(sel.IncludeControls, selectControl{ControlID: ControlID(id)})
		switch {
		case len(deviated) > 0:
			f.Target.Status = status{State: "not-satisfied", Reason: "fail"}
			f.Description = fmt.Sprintf("%s: %s deviated in the audit's window.", id, strings.Join(deviated, ", "))
		case len(passed) > 0:
			f.Target.Status = status{State: "satisfied", Reason: "pass"}
			f.Description = fmt.Sprintf("%s: %s operated without deviation in the audit's window.", id, strings.Join(passed, ", "))
		case len(idle) > 0:
			f.Target.Status = status{State: "not-satisfied", Reason: "other"}
			f.Description = fmt.Sprintf("%s: %s had nothing to operate on in the audit's window (empty populations): no operation to judge.", id, strings.Join(idle, ", "))
		default:
			f.Target.Status = status{State: "not-satisfied", Reason: "other"}
			f.Description = fmt.Sprintf("%s: nothing tested its controls in the audit's window.", id)
		}
		findings = append(findings, f)
	}
	if len(sel.IncludeControls) == 0 {
		sel = readinessSel
	}
	result := map[string]any{
		"uuid":  uuid5("result", src.Org.Slug, src.Framework, run, "tested"),
		"title": "Testing of " + t.Audit,
		"description": fmt.Sprintf("The audit's testing of %d control(s) over its window: %d pass, %d deviation, %d not occurring, %d not tested.",
			len(t.Controls), counts[attest.AuditResultPass], counts[attest.AuditResultDeviation], counts[attest.AuditResultNotOccurring], counts[attest.AuditResultNotTested]),
		"start":             t.Start.UTC().Format(time.RFC3339),
		"end":               t.End.UTC().Format(time.RFC3339),
		"reviewed-controls": map[string]any{"control-selections": []selection{sel}},
	}
	if len(observations) > 0 {
		result["observations"] = observations
	}
	if len(findings) > 0 {
		result["findings"] = findings
	}
	return result
}

// encode writes a document as indented JSON and validates it.
func encode(kind string, doc any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := Validate(kind, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("oscal: the %s written does not validate (a defect): %w", kind, err)
	}
	return buf.Bytes(), nil
}

//go:embed schema/oscal_component_schema.json
var componentSchema []byte

//go:embed schema/oscal_assessment-results_schema.json
var resultsSchema []byte

var schemas = map[string]struct {
	url  string
	data []byte
}{
	KindComponent: {"http://csrc.nist.gov/ns/oscal/1.2.1/oscal-component-definition-schema.json", componentSchema},
	KindResults:   {"http://csrc.nist.gov/ns/oscal/1.2.1/oscal-ar-schema.json", resultsSchema},
}

var compiled = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	out := map[string]*jsonschema.Schema{}
	for kind, s := range schemas {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.data))
		if err != nil {
			return nil, fmt.Errorf("embedded %s schema: %w", kind, err)
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(s.url, doc); err != nil {
			return nil, fmt.Errorf("embedded %s schema: %w", kind, err)
		}
		if out[kind], err = c.Compile(s.url); err != nil {
			return nil, fmt.Errorf("embedded %s schema: %w", kind, err)
		}
	}
	return out, nil
})

// Validate checks a document of kind against NIST's schema.
func Validate(kind string, data []byte) error {
	all, err := compiled()
	if err != nil {
		return err
	}
	sch, ok := all[kind]
	if !ok {
		return attest.Invalid("document", "want one of %s, got %q", strings.Join(Kinds, ", "), kind)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
