package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attest-hq/attest/jobs/jobstest"
	"github.com/attest-hq/attest/programme"
	"github.com/attest-hq/attest/store/storetest"
)

func TestISO27001ScopeReadinessAndSoACommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"ATTEST_DATABASE_URL": jobstest.URL(t, d), "ATTEST_DATA_DIR": dir}
			if r := runCLI(t, vars, "", "org", "create", "acme", "--name", "Acme"); r.code != 0 {
				t.Fatal(r.stderr)
			}
			if r := runCLI(t, vars, "", "readiness", "--org", "acme", "--framework", "iso27001"); r.code != 1 || !strings.Contains(r.stderr, "ISO 27001 is not in this organization's scope") {
				t.Fatalf("readiness before ISO is in scope: %+v", r)
			}
			if r := runCLI(t, vars, "", "soa", "--org", "acme"); r.code != 1 {
				t.Fatalf("soa before ISO is in scope: %+v", r)
			}
			if r := runCLI(t, vars, "", "framework", "scope", "--org", "acme", "iso27001", "on"); r.code != 0 {
				t.Fatalf("framework scope: %+v", r)
			}
			if r := runCLI(t, vars, "", "soa", "exclude", "--org", "acme", "A.7.4"); r.code != 1 || !strings.Contains(r.stderr, "justification") {
				t.Fatalf("exclude without a justification: %+v", r)
			}
			if r := runCLI(t, vars, "", "soa", "exclude", "--org", "acme", "--justification", "No premises of our own.", "A.7.4"); r.code != 0 {
				t.Fatalf("exclude: %+v", r)
			}
			r := runCLI(t, vars, "", "readiness", "--org", "acme", "--framework", "iso27001", "--json")
			var rep programme.Report
			if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil {
				t.Fatalf("readiness --json: %+v", r)
			}
			if rep.Framework != "iso27001" || len(rep.Categories) != 5 || len(rep.Excluded) != 1 || rep.Excluded[0].Requirement != "A.7.4" {
				t.Fatalf("report: framework %s, %d categories, excluded %+v", rep.Framework, len(rep.Categories), rep.Excluded)
			}
			for _, req := range rep.Requirements {
				if req.ID == "A.7.4" {
					t.Fatal("the excluded control is assessed")
				}
			}
			if r := runCLI(t, vars, "", "readiness", "--org", "acme", "--framework", "iso27001"); r.code != 0 || !strings.Contains(r.stdout, "acme: ISO 27001 readiness 0%") || !strings.Contains(r.stdout, "A.7.4") {
				t.Fatalf("text: %+v", r)
			}
			out := filepath.Join(dir, "soa.csv")
			if r := runCLI(t, vars, "", "soa", "--org", "acme", "--format", "csv", "--out", out); r.code != 0 {
				t.Fatalf("soa: %+v", r)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil || len(rows) != 94 {
				t.Fatalf("soa.csv: %d rows, %v; want a header and the 93 Annex A controls", len(rows), err)
			}
			for _, row := range rows {
				if row[0] == "A.7.4" && (row[3] != "Excluded" || row[4] != "No premises of our own.") {
					t.Errorf("A.7.4 row = %v", row)
				}
			}
			if r := runCLI(t, vars, "", "soa", "--org", "acme", "--format", "docx"); r.code != 2 {
				t.Errorf("--format docx: %+v", r)
			}
			if r := runCLI(t, vars, "", "soa", "include", "--org", "acme", "A.7.4"); r.code != 0 {
				t.Fatalf("include: %+v", r)
			}
			if r := runCLI(t, vars, "", "soa", "--org", "acme", "--format", "md"); r.code != 0 || !strings.Contains(r.stdout, "93 applicable, 0 excluded") {
				t.Fatalf("soa md after include: %+v", r)
			}
		})
	}
}
