package api_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/export/auditpkg"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// A member records the root cause of a control's deviation through the API
// and reads it in the results; the audit record's package downloads as the
// page's does, verifies offline, carries testing.json with the root cause,
// and is in the activity log.
func TestAuditRecordThroughTheAPI(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { auditRecordAPI(t, d) })
	}
}

func auditRecordAPI(t *testing.T, d store.Dialect) {
	ctx := t.Context()
	e := webtest.New(t, d)
	audits, err := e.DB.Audits(ctx, e.Alpha.ID, true, nil)
	if err != nil || len(audits) != 1 {
		t.Fatalf("alpha's audit: %v", err)
	}
	audit := "/orgs/alpha/audits/" + strconv.FormatInt(audits[0].ID, 10)
	// The workspace says which readiness the package will report: the
	// window's last day's, still to be recorded.
	var ws struct {
		ReportDay struct {
			Day                string
			Recorded, Upcoming bool
		} `json:"report_day"`
	}
	tok, _ := e.Token(e.Alpha, "manager")
	if res := e.API("GET", audit, tok, nil); res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.Text), &ws) != nil ||
		ws.ReportDay.Day != "2026-06-30" || !ws.ReportDay.Upcoming || ws.ReportDay.Recorded {
		t.Errorf("the workspace's report day: %d %+v", res.StatusCode, ws.ReportDay)
	}
	// In alpha's audit (2026-01-01 to 2026-06-30, now 2026-06-01): KEY-1's
	// test fails from February on and is never fixed, a deviation; nothing
	// tests LOG-1.
	soc2 := func(ref string) attest.Control {
		c := storetest.Control(e.Alpha, ref)
		c.Status = attest.StatusImplemented
		if err := e.DB.CreateControl(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	late, quiet := soc2("KEY-1"), soc2("LOG-1")
	storetest.MustFailing(t, e.DB, e.Alpha, late, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if _, err := e.Evidence.Add(ctx, evidence.New{Org: e.Alpha, Actor: attest.Actor{Label: "admin"}, Kind: attest.KindFile, Title: "Key rotation log",
		Filename: "keys.csv", ControlIDs: []int64{late.ID}}, strings.NewReader("key,rotated\nk1,2026-05-01\n")); err != nil {
		t.Fatal(err)
	}
	admin, _ := e.Token(e.Alpha, "admin")
	auditor, _ := e.Token(e.Alpha, "auditor")
	if res := e.API("POST", audit+"/populations", admin, map[string]any{"kind": "changes", "from": "2026-01-01", "to": "2026-01-31"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("take a population: %d %s", res.StatusCode, compact(res.Text))
	}
	// A configuration capture of a closed window is a 409 naming the day it
	// closed.
	if res := e.API("POST", audit+"/populations", admin, map[string]any{"kind": "configuration", "from": "2026-01-01", "to": "2026-01-31"}); res.StatusCode != http.StatusConflict ||
		!strings.Contains(res.Text, "closed on 2026-01-31") {
		t.Fatalf("a capture of a closed window: %d %s", res.StatusCode, compact(res.Text))
	}

	// The root cause of the deviation.
	rootCause := func(ctl, token string, body any) webtest.Response {
		return e.API("PUT", audit+"/results/"+ctl+"/root-cause", token, body)
	}
	type apiErr struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	res := rootCause(id(late.ID), admin, map[string]any{"root_cause": "  a rotation job was disabled "})
	got := webtest.Decode[struct{ Control attest.ControlResult }](t, res)
	if res.StatusCode != http.StatusOK || got.Control.Ref != "KEY-1" || got.Control.Result != attest.AuditResultDeviation || got.Control.RootCause != "a rotation job was disabled" {
		t.Fatalf("record a root cause: %d %s", res.StatusCode, compact(res.Text))
	}
	results := webtest.Decode[struct{ Controls []attest.ControlResult }](t, e.API("GET", audit+"/results", auditor, nil))
	byRef := map[string]attest.ControlResult{}
	for _, c := range results.Controls {
		byRef[c.Ref] = c
	}
	if byRef["KEY-1"].RootCause != "a rotation job was disabled" || byRef["LOG-1"].Result != attest.AuditResultNotTested {
		t.Fatalf("the results after recording: %+v", byRef)
	}
	// Refusals name the field; a control that does not deviate has nothing
	// to explain.
	for _, c := range []struct {
		name, ctl, token string
		body             any
		status           int
		field, says      string
	}{
		{"no deviation", id(quiet.ID), admin, map[string]any{"root_cause": "x"}, 422, "root_cause", "has no deviation"},
		{"absent", id(late.ID), admin, map[string]any{}, 422, "root_cause", "required"},
		{"too long", id(late.ID), admin, map[string]any{"root_cause": strings.Repeat("x", 2001)}, 422, "root_cause", "2000"},
		{"misspelt", id(late.ID), admin, map[string]any{"rootcause": "x"}, 422, "", "rootcause"},
		{"not of the audit", "999999", admin, map[string]any{"root_cause": "x"}, 422, "control", "not a control of this audit"},
		{"not a control ID", "KEY-1", admin, map[string]any{"root_cause": "x"}, 404, "", "control not found"},
		{"an auditor", id(late.ID), auditor, map[string]any{"root_cause": "x"}, 403, "", ""},
	} {
		res := rootCause(c.ctl, c.token, c.body)
		e := webtest.Decode[apiErr](t, res)
		if res.StatusCode != c.status || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.says) {
			t.Errorf("%s: %d %s", c.name, res.StatusCode, compact(res.Text))
		}
	}

	// A root cause of the deviation item, beside the control's: the
	// results give each deviation's key, which names the item.
	const key = "monitoring:test-KEY-1:user:ada:2026-02-01"
	if d := byRef["KEY-1"].Deviations; len(d) != 1 || d[0].Key != key {
		t.Fatalf("KEY-1's deviations: %+v", d)
	}
	itemCause := func(token string, body any) webtest.Response {
		return e.API("PUT", audit+"/results/"+id(late.ID)+"/items/root-cause", token, body)
	}
	res = itemCause(admin, map[string]any{"item": key, "root_cause": " ada's key was exempt "})
	got = webtest.Decode[struct{ Control attest.ControlResult }](t, res)
	if res.StatusCode != http.StatusOK || len(got.Control.Deviations) != 1 || got.Control.Deviations[0].RootCause != "ada's key was exempt" ||
		got.Control.RootCause != "a rotation job was disabled" {
		t.Fatalf("record an item's root cause: %d %s", res.StatusCode, compact(res.Text))
	}
	if res := e.API("GET", audit+"/results", auditor, nil); !strings.Contains(compact(res.Text), `"key":"`+key+`"`) ||
		!strings.Contains(compact(res.Text), `"root_cause":"ada's key was exempt"`) {
		t.Fatalf("the results with the item's root cause: %s", compact(res.Text))
	}
	for _, c := range []struct {
		name, token string
		body        any
		status      int
		field, says string
	}{
		{"not a deviation", admin, map[string]any{"item": "population:pop_1:p1", "root_cause": "x"}, 422, "item", "is not a deviation of KEY-1"},
		{"no item", admin, map[string]any{"root_cause": "x"}, 422, "item", "required"},
		{"no root cause", admin, map[string]any{"item": key}, 422, "root_cause", "required"},
		{"an auditor", auditor, map[string]any{"item": key, "root_cause": "x"}, 403, "", ""},
	} {
		res := itemCause(c.token, c.body)
		e := webtest.Decode[apiErr](t, res)
		if res.StatusCode != c.status || e.Error.Field != c.field || !strings.Contains(e.Error.Message, c.says) {
			t.Errorf("%s: %d %s", c.name, res.StatusCode, compact(res.Text))
		}
	}

	// The package, as the member auditor downloads it.
	res = e.API("GET", audit+"/package", auditor, nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attest-alpha-audit-"+id(audits[0].ID)) {
		t.Fatalf("download: %d %v %.300s", res.StatusCode, res.Header, res.Text)
	}
	data := []byte(res.Text)
	rep, err := auditpkg.Verify(bytes.NewReader(data), int64(len(data)), e.Evidence.Key.Public().(ed25519.PublicKey))
	if err != nil || rep.Evidence != 1 {
		t.Fatalf("the package does not verify: %+v %v", rep, err)
	}
	var testing auditpkg.Testing
	if err := json.Unmarshal(zipFile(t, data, auditpkg.TestingFile), &testing); err != nil {
		t.Fatal(err)
	}
	var inPackage, itemInPackage string
	for _, r := range testing.Results {
		if r.Ref == "KEY-1" && len(r.Deviations) == 1 {
			inPackage, itemInPackage = r.RootCause, r.Deviations[0].RootCause
		}
	}
	if len(testing.Populations) != 1 || inPackage != "a rotation job was disabled" || itemInPackage != "ada's key was exempt" {
		t.Fatalf("testing.json: %d populations, KEY-1's root cause %q, its item's %q", len(testing.Populations), inPackage, itemInPackage)
	}
	if page := string(zipFile(t, data, auditpkg.PageFile)); !strings.Contains(page, "Root cause of this item: ada&#39;s key was exempt") {
		t.Fatalf("index.html lacks the item's root cause: %.3000s", page)
	}
	acts, err := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{ActorLabel: e.Users["auditor"].Email})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].Action != "audit.exported" || acts[0].Via != attest.ViaAPI {
		t.Fatalf("the download's activity: %+v", acts)
	}

	// An audit that is not there, and an auditor invited into another
	// audit: API tokens belong to members, and theirs opens nothing.
	other := attest.Audit{OrgID: e.Alpha.ID, Name: "ISO 2026", Framework: "iso27001", Type: attest.AuditType1, AsOf: "2026-05-31", Status: attest.AuditFieldwork}
	if err := e.DB.CreateAudit(ctx, &other); err != nil {
		t.Fatal(err)
	}
	guest, _ := e.Token(e.Alpha, "guest")
	for _, c := range []struct{ name, path, token string }{
		{"an unknown audit", "/orgs/alpha/audits/999999/package", admin},
		{"not an audit ID", "/orgs/alpha/audits/x/package", admin},
		{"an auditor of another audit", "/orgs/alpha/audits/" + id(other.ID) + "/package", guest},
	} {
		if res := e.API("GET", c.path, c.token, nil); res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", c.name, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
}

// zipFile reads one file of a zip archive.
func zipFile(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
