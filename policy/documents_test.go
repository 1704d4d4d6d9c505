package policy_test

import (
	"bytes"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/policy/doc"
)

// Exports: one policy prints its published version with its whole history;
// a policy never published prints its newest version, saying it is a draft;
// the published set leaves out drafts and retired policies; auditors may
// export, employees may not.
func TestDocuments(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		pub := must(w.svc.Adopt(ctx, w.admin, "access-control", ""))
		w.approve(t, *pub.Latest)
		draft := must(w.svc.Adopt(ctx, w.admin, "code-of-conduct", ""))
		gone := must(w.svc.Adopt(ctx, w.admin, "acceptable-use", ""))
		w.approve(t, *gone.Latest)
		if err := w.svc.Retire(ctx, w.admin, gone.ID); err != nil {
			t.Fatal(err)
		}

		one := must(w.svc.Document(ctx, w.auditor, pub.Key))
		if len(one.Docs) != 1 || one.Docs[0].Version.State != attest.VersionPublished || len(one.Docs[0].History) != 1 || one.Org == "" {
			t.Fatalf("one policy: %+v", one)
		}
		d := must(w.svc.Document(ctx, w.admin, draft.Key))
		if d.Docs[0].Version.State != attest.VersionDraft || d.Docs[0].Status() != "draft: not approved" {
			t.Errorf("a draft prints as %q", d.Docs[0].Status())
		}
		set := must(w.svc.PublishedSet(ctx, w.auditor))
		if len(set.Docs) != 1 || set.Docs[0].Policy.Key != pub.Key {
			t.Fatalf("the published set holds %d documents: %+v", len(set.Docs), set.Docs)
		}
		var pdf bytes.Buffer
		if err := doc.PDF(&pdf, set); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
			t.Fatalf("the set as PDF: %v", err)
		}
		if _, err := w.svc.PublishedSet(ctx, w.employee); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("an employee exported the policies: %v", err)
		}
	})
}
