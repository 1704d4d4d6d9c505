// Package soa writes an organization's Statement of Applicability for
// ISO/IEC 27001: every Annex A control, whether it applies or is excluded and
// why, and the organization's controls that implement it with their status.
// It is pure: the caller (programme.SoA) gathers the document; this package
// only prints it, as CSV, Markdown or PDF.
package soa

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
)

// Document is a Statement of Applicability ready to print.
type Document struct {
	Organization string
	Framework    string // the framework's title
	Generated    time.Time
	Rows         []Row
}

// Row is one Annex A control.
type Row struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Theme      string `json:"theme"`
	Applicable bool   `json:"applicable"`
	// Justification is the reason an excluded control does not apply.
	Justification string `json:"justification,omitempty"`
	// Readiness is the control's readiness percentage (applicable only);
	// Ready whether it is audit-ready.
	Readiness int  `json:"readiness"`
	Ready     bool `json:"ready"`
	// Controls implement it: the organization's controls with a mapping
	// that counts (equivalent, subset or superset).
	Controls []Implementing `json:"controls"`
}

// Implementing is one of the organization's controls behind an Annex A
// control.
type Implementing struct {
	Ref    string `json:"ref"`
	Name   string `json:"name"`
	Type   string `json:"type"`   // the mapping's type
	Status string `json:"status"` // implementation status
	State  string `json:"state"`  // derived readiness state
}

// Formats lists the formats Write accepts.
var Formats = []string{"csv", "md", "pdf"}

// Write prints the document in format (csv, md or pdf).
func Write(w io.Writer, format string, d Document) error {
	switch format {
	case "csv":
		return WriteCSV(w, d)
	case "md":
		return WriteMarkdown(w, d)
	case "pdf":
		return WritePDF(w, d)
	}
	return fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// Applicability is a row's applicability in words.
func (r Row) Applicability() string {
	if r.Applicable {
		return "Applicable"
	}
	return "Excluded"
}

// Implementation summarises a row's implementing controls: "GOV-1 (equivalent,
// ready); AC-3 (subset, in progress)".
func (r Row) Implementation() string {
	var parts []string
	for _, c := range r.Controls {
		parts = append(parts, fmt.Sprintf("%s %s (%s, %s)", c.Ref, c.Name, c.Type, words(c.State)))
	}
	return strings.Join(parts, "; ")
}

// Status is a row's implementation status in words.
func (r Row) Status() string {
	switch {
	case !r.Applicable:
		return "Not applicable"
	case len(r.Controls) == 0:
		return "No control yet"
	case r.Ready:
		return "Ready"
	}
	return fmt.Sprintf("In progress (%d%%)", r.Readiness)
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

// WriteCSV writes one line per Annex A control, with a header. Cells that a
// spreadsheet would run as a formula are defused with a leading quote.
func WriteCSV(w io.Writer, d Document) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"control", "title", "theme", "applicability", "justification", "status", "readiness_percent", "implemented_by"})
	for _, r := range d.Rows {
		cw.Write([]string{r.ID, defuse(r.Title), defuse(r.Theme), r.Applicability(), defuse(r.Justification), r.Status(),
			fmt.Sprint(r.Readiness), defuse(r.Implementation())})
	}
	cw.Flush()
	return cw.Error()
}

func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteMarkdown writes the document as a Markdown table per theme.
func WriteMarkdown(w io.Writer, d Document) error {
	applicable, excluded := d.Counts()
	fmt.Fprintf(w, "# Statement of Applicability\n\n")
	fmt.Fprintf(w, "%s, %s. Generated %s.\n\n", d.Organization, d.Framework, d.Generated.UTC().Format("2 January 2006 15:04 MST"))
	fmt.Fprintf(w, "%d controls of Annex A: %d applicable, %d excluded.\n", len(d.Rows), applicable, excluded)
	theme := ""
	for _, r := range d.Rows {
		if r.Theme != theme {
			theme = r.Theme
			fmt.Fprintf(w, "\n## %s\n\n| Control | Applicability | Justification | Status | Implemented by |\n|---|---|---|---|---|\n", md(theme))
		}
		fmt.Fprintf(w, "| %s %s | %s | %s | %s | %s |\n", r.ID, md(r.Title), r.Applicability(), md(r.Justification), r.Status(), md(r.Implementation()))
	}
	return nil
}

// md escapes what would break a table cell.
func md(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

// Counts returns how many controls apply and how many are excluded.
func (d Document) Counts() (applicable, excluded int) {
	for _, r := range d.Rows {
		if r.Applicable {
			applicable++
		} else {
			excluded++
		}
	}
	return applicable, excluded
}
