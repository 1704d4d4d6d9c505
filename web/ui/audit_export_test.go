package ui_test

import (
	"bytes"
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/web/webtest"
)

// The criteria page offers the audit package; an auditor downloads it, it
// verifies offline, and the download is in the activity log.
func TestAuditPackageDownload(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctl := adopt(e, "GOV-1")
	aud := e.Login("auditor")
	if res := aud.Get("/o/alpha/criteria"); !strings.Contains(res.Text, `action="/o/alpha/audit-package"`) {
		t.Fatal("the criteria page does not offer the audit package")
	}
	today := time.Now().UTC()
	from, to := today.AddDate(0, -3, 0).Format(attest.DateLayout), today.Format(attest.DateLayout)
	if res := aud.Get("/o/alpha/audit-package?from=" + from + "&to=" + to); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a package with no ledger yet: %d, want 422", res.StatusCode)
	}
	if _, err := e.Evidence.Add(ctx, evidence.New{Org: e.Alpha, Actor: attest.Actor{Label: "admin"}, Kind: attest.KindFile, Title: "Policy <b>",
		Filename: "policy.txt", ControlIDs: []int64{ctl.ID}}, strings.NewReader("the policy")); err != nil {
		t.Fatal(err)
	}
	res := aud.Get("/o/alpha/audit-package?from=" + from + "&to=" + to)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" || !strings.Contains(res.Header.Get("Content-Disposition"), "attest-audit-alpha-soc2-type2-") {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}
	data := []byte(res.Text)
	pub := e.Evidence.Key.Public().(ed25519.PublicKey)
	rep, err := auditpkg.Verify(bytes.NewReader(data), int64(len(data)), pub)
	if err != nil || rep.Evidence != 1 {
		t.Fatalf("the download does not verify: %+v %v", rep, err)
	}
	if res := e.Login("admin").Get("/o/alpha/activity"); !strings.Contains(res.Text, "Exported the audit package soc2-type2-"+from+"-"+to) {
		t.Errorf("the download is not in the activity log")
	}
}
