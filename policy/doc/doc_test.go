package doc_test

import (
	"bytes"
	"compress/zlib"
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/doc"
)

var generated = time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)

func at(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// MustDocument builds a published policy with two versions and an approval
// that rests on board minutes.
func MustDocument(key, title, text string) doc.Document {
	v2 := attest.PolicyVersion{ID: 2, Label: "2.0", State: attest.VersionPublished, Material: true, ChangeNote: "Need to know",
		Content: text, Hash: strings.Repeat("ab", 32), AuthorName: "Max Manager", Quorum: 1, ApprovedAt: at("2026-11-20"),
		PublishedAt: at("2026-11-21"), ReviewBy: "2027-11-21",
		Approvers: []attest.Approver{{Name: "Ada Admin", Decision: attest.DecisionApprove, At: at("2026-11-20"), Comment: "Board meeting", EvidenceUID: "ev_minutes"},
			{Name: "Carl CEO"}}}
	v1 := attest.PolicyVersion{ID: 1, Label: "1.0", State: attest.VersionSuperseded, Material: true, Content: "# Old\n", Hash: strings.Repeat("cd", 32),
		AuthorName: "Max Manager", ApprovedAt: at("2025-11-20"), PublishedAt: at("2025-11-21")}
	return doc.Document{Policy: attest.Policy{Key: key, Title: title, OwnerName: "Max Manager", Audience: attest.Audience{Everyone: true}},
		Version: v2, History: []attest.PolicyVersion{v2, v1}}
}

const body = "# Access Control Policy\n\nAcme grants access **by role** and *by need*.\n\n- Reviews every quarter\n- Leavers removed within `24 hours`\n  1. nested step\n\n| Role | Who |\n|---|---|\n| Admin | IT lead |\n\nSee <script>alert(1)</script> and ![tracker](https://evil.example/t.png) “quoted” — dashes.\n"

func TestMarkdownAndHTML(t *testing.T) {
	s := doc.Set{Org: "Acme", Generated: generated, Docs: []doc.Document{MustDocument("access-control", "Access Control Policy", body)}}
	var md bytes.Buffer
	if err := doc.Markdown(&md, s); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| Version | 2.0, published 2026-11-21 |", "Acme grants access **by role**", "| 1.0 | superseded | material | Max Manager | 2025-11-20 | 2025-11-21 | `cdcdcdcdcdcdcdcd` |",
		"## Approval of version 2.0", `- Ada Admin: approved on 2026-11-20 00:00 UTC: "Board meeting" (evidence ev_minutes)`, "- Carl CEO: no decision"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
	var html bytes.Buffer
	if err := doc.HTML(&html, s); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	for _, want := range []string{"<strong>by role</strong>", "<td>2.0, published 2026-11-21</td>", "Ada Admin: approved on 2026-11-20", "<td>Admin</td>"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "evil.example", "<img"} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML holds %q:\n%s", bad, h)
		}
	}
	// A title that tries to break out of the page is text.
	s.Docs[0].Policy.Title = `</title><script>x()</script>`
	html.Reset()
	if err := doc.HTML(&html, s); err != nil || strings.Contains(html.String(), "<script>x()") {
		t.Errorf("a hostile title: %v", err)
	}
}

// pdfText inflates every stream of a PDF and returns the text drawn with Tj,
// so tests can read what a page says.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	streams := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(pdf, -1)
	tj := regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
	for _, m := range streams {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a deflated stream (fonts, images)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			continue
		}
		for _, s := range tj.FindAllSubmatch(b, -1) {
			out.WriteString(strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(string(s[1])))
			out.WriteByte('\n')
		}
	}
	return out.String()
}

func pages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type /Page\b`).FindAll(pdf, -1))
}

func TestPDF(t *testing.T) {
	one := doc.Set{Org: "Acme", Generated: generated, Docs: []doc.Document{MustDocument("access-control", "Access Control Policy", body)}}
	var a, b bytes.Buffer
	if err := doc.PDF(&a, one); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", a.Bytes())
	}
	if err := doc.PDF(&b, one); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the same export gave another file (%v)", err)
	}
	text := pdfText(t, a.Bytes())
	for _, want := range []string{"Access Control Policy", "Version 2.0, published 2026-11-21", "by role", "Reviews every quarter", "nested step",
		"IT lead", "Version history", "superseded", "Approval of version 2.0", "Ada Admin: ", "(evidence ev_minutes)", "abababababababab",
		"page 2 of 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "alert(1)") || strings.Contains(text, "evil.example") {
		t.Errorf("raw HTML or an image made it into the PDF:\n%s", text)
	}
	// Curly quotes and dashes are in the core fonts' code page: \223 and \227.
	if !strings.Contains(text, "\x93quoted\x94 \x97 dashes") {
		t.Errorf("typographic characters were lost: %q", text)
	}
	if n := pages(a.Bytes()); n != 2 {
		t.Errorf("one policy: %d pages, want a cover and one page", n)
	}

	two := one
	two.Docs = append(two.Docs, MustDocument("backup", "Backup Policy", "# Backup\n\nDaily.\n"))
	var c bytes.Buffer
	if err := doc.PDF(&c, two); err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, c.Bytes())
	if n := pages(c.Bytes()); n != 4 {
		t.Errorf("two policies: %d pages, want a cover, the contents and two", n)
	}
	for _, want := range []string{"Contents", "Access Control Policy (2.0)", "Backup Policy (2.0)", "Acme policies"} {
		if !strings.Contains(text, want) {
			t.Errorf("the set's PDF does not say %q", want)
		}
	}
}

func TestAcknowledgementReport(t *testing.T) {
	rows := []attest.AckRow{
		{PersonName: "Priya Natarajan", PersonEmail: "priya@acme.test", PolicyKey: "access-control", PolicyTitle: "Access Control Policy",
			VersionLabel: "2.0", State: attest.AckOverdue, Due: "2026-11-01"},
		{PersonName: "=HYPERLINK(\"https://evil.example\")", PersonEmail: "eve@acme.test", Department: "+Sales", PolicyKey: "access-control",
			PolicyTitle: "Access Control Policy", VersionLabel: "2.0", State: attest.AckAccepted, Due: "2026-12-01", AcceptedAt: at("2026-11-25"), Accepted: "2.0"},
	}
	var b bytes.Buffer
	if err := doc.AckCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "person" || recs[1][6] != "overdue" || recs[2][8] != "2026-11-25T00:00:00Z" {
		t.Fatalf("CSV: %q", recs)
	}
	if recs[2][0] != `'=HYPERLINK("https://evil.example")` || recs[2][2] != "'+Sales" {
		t.Errorf("formulas were not defused: %q", recs[2])
	}
	var p bytes.Buffer
	if err := doc.AckPDF(&p, "Acme", rows, generated); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, p.Bytes())
	for _, want := range []string{"Acme: policy acknowledgements", "1 accepted, 0 pending, 1 overdue", "Priya Natarajan", "OVERDUE", "2026-11-25 (2.0)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report PDF does not say %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "Priya") > strings.Index(text, "eve@acme.test") {
		t.Error("the overdue person is not listed first")
	}
}

func TestFileName(t *testing.T) {
	if got := doc.FileName("Acme Robotics (demo)", "access-control", "pdf"); got != "acme-robotics-demo-access-control.pdf" {
		t.Errorf("FileName = %q", got)
	}
	if got := doc.FileName("../../etc", "", "md"); got != "etc-policies.md" {
		t.Errorf("FileName = %q", got)
	}
}

func TestMarkdownPDF(t *testing.T) {
	var a, b bytes.Buffer
	md := "# Draft\n\nThe system is **Northwind API**.\n\n| Criterion | Controls |\n|---|---|\n| CC6.1 | AC-1, AC-2 |\n"
	if err := doc.MarkdownPDF(&a, "Acme", "System description", md, generated); err != nil {
		t.Fatal(err)
	}
	if err := doc.MarkdownPDF(&b, "Acme", "System description", md, generated); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the same draft twice differs (%v)", err)
	}
	text := pdfText(t, a.Bytes())
	for _, want := range []string{"System description", "Northwind API", "CC6.1", "AC-1, AC-2", "page 2 of"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	if pages(a.Bytes()) != 2 {
		t.Errorf("%d pages, want the cover and one", pages(a.Bytes()))
	}
}
