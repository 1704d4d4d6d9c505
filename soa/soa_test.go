package soa

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func sample() Document {
	return Document{Organization: "Acme | Co", Framework: "ISO/IEC 27001:2022", Generated: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Rows: []Row{
		{ID: "A.5.1", Title: "Policies", Theme: "Organizational controls (A.5)", Applicable: true, Readiness: 100, Ready: true,
			Controls: []Implementing{{Ref: "GOV-1", Name: "Security policy", Type: "subset", Status: "implemented", State: "ready"}}},
		{ID: "A.7.1", Title: "Perimeters", Theme: "Physical controls (A.7)", Justification: "=No offices | none", Controls: []Implementing{}},
		{ID: "A.7.2", Title: "Entry", Theme: "Physical controls (A.7)", Applicable: true, Controls: []Implementing{}},
	}}
}

func TestCSVHasEveryRowAndDefusesFormulas(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "csv", sample()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if got := rows[1]; got[3] != "Applicable" || got[5] != "Ready" || got[7] != "GOV-1 Security policy (subset, ready)" {
		t.Errorf("A.5.1 = %v", got)
	}
	if got := rows[2]; got[3] != "Excluded" || got[4] != "'=No offices | none" || got[5] != "Not applicable" {
		t.Errorf("A.7.1 = %v; want the justification defused", got)
	}
	if got := rows[3]; got[5] != "No control yet" {
		t.Errorf("A.7.2 status = %q", got[5])
	}
}

func TestMarkdownGroupsByThemeAndEscapesCells(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "md", sample()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{"3 controls of Annex A: 2 applicable, 1 excluded.", "## Organizational controls (A.5)", "## Physical controls (A.7)",
		`| A.7.1 Perimeters | Excluded | =No offices \| none | Not applicable |  |`} {
		if !strings.Contains(s, want) {
			t.Errorf("markdown lacks %q:\n%s", want, s)
		}
	}
	if strings.Count(s, "## Physical controls") != 1 {
		t.Error("a theme heading repeats")
	}
}

func TestPDFIsStableAndFormatsAreChecked(t *testing.T) {
	var a, b bytes.Buffer
	if err := Write(&a, "pdf", sample()); err != nil {
		t.Fatal(err)
	}
	Write(&b, "pdf", sample())
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the PDF is not a stable PDF")
	}
	if err := Write(&a, "docx", sample()); err == nil {
		t.Error("docx accepted")
	}
}
