package policy_test

import (
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/policyfile"
)

// Policies as code: exported files import back unchanged; an edited text
// becomes a draft, a new key a policy; a broken file anywhere (an owner who
// is not a member, a placeholder without a value) stores nothing and names
// the file, and the text's line in the file.
func TestPolicyFiles(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		pub := must(w.svc.Adopt(ctx, w.admin, "access-control", ""))
		w.approve(t, *pub.Latest)
		must(w.svc.Adopt(ctx, w.admin, "backup-recovery", ""))

		files := must(w.svc.ExportFiles(ctx, w.auditor))
		if len(files) != 2 || files[0].Key != "access-control" || files[0].Owner != "ada@acme.test" || files[0].Version != "1.0 (published)" {
			t.Fatalf("exported: %+v", files)
		}
		// Through the file format and back.
		for i, f := range files {
			data := must(policyfile.Encode(f))
			files[i] = must(policyfile.Parse(f.Name, data))
		}
		rep := must(w.svc.ImportFiles(ctx, w.admin, files))
		if rep.Unchanged != 2 || rep.Created+rep.Changed+rep.Drafts != 0 {
			t.Fatalf("an unchanged import: %+v", rep)
		}

		files[0].Body = strings.Replace(files[0].Body, "least access", "least access, reviewed quarterly,", 1)
		files[0].ReviewMonths = 6
		files = append(files, policyfile.File{Name: "travel.md", Key: "travel", Title: "Travel Policy", Audience: attest.Audience{Everyone: true},
			Body: "# Travel\n\n{{company_name}} laptops travel encrypted.\n", BodyLine: 7})
		bad := files[1]
		bad.Owner = "stranger@else.test"
		_, err := w.svc.ImportFiles(ctx, w.admin, append(append([]policyfile.File{}, files[0], files[2]), bad))
		if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "backup-recovery.md: owner: stranger@else.test is not a member") {
			t.Fatalf("an unknown owner: %v", err)
		}
		if _, _, err := w.svc.GetByKey(ctx, w.admin, "travel"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("a refused import stored the new policy: %v", err)
		}
		if pol, _ := must2(w.svc.GetByKey(ctx, w.admin, "access-control")); pol.ReviewMonths != 12 || pol.Latest.State != attest.VersionPublished {
			t.Fatalf("a refused import changed another policy: %+v", pol)
		}
		broken := files[2]
		broken.Body = "# Travel\n\nAsk {{travel_desk}}.\n"
		_, err = w.svc.ImportFiles(ctx, w.admin, []policyfile.File{broken})
		if !strings.Contains(err.Error(), "travel.md line 9:") || !strings.Contains(err.Error(), "travel_desk") {
			t.Fatalf("an unknown placeholder: %v", err)
		}

		rep = must(w.svc.ImportFiles(ctx, w.admin, files))
		if rep.Created != 1 || rep.Changed != 1 || rep.Drafts != 1 || rep.Unchanged != 1 {
			t.Fatalf("an import with changes: %+v", rep)
		}
		pol, versions := must2(w.svc.GetByKey(ctx, w.admin, "access-control"))
		if pol.ReviewMonths != 6 || len(versions) != 2 || versions[0].State != attest.VersionDraft || versions[0].Label != "1.1" ||
			!strings.Contains(versions[0].Body, "reviewed quarterly") || pol.Published.Label != "1.0" {
			t.Fatalf("after the import: %+v, %d versions", pol, len(versions))
		}
		if _, err := w.svc.ImportFiles(ctx, w.employee, files); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee imported policies: %v", err)
		}
	})
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}
