package ui_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
	"github.com/attest-hq/attest/web/webtest"
)

// evidenceForm builds a multipart body with fields first and the file last,
// as the upload form and script send it.
func evidenceForm(fields [][2]string, filename string, content []byte) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(content)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func postMultipart(c *webtest.Client, path, contentType string, body io.Reader) webtest.Response {
	req, _ := http.NewRequest("POST", c.URL(path), body)
	req.Header.Set("Content-Type", contentType)
	return c.Do(req)
}

func control(e *webtest.Env, ref string) attest.Control {
	e.T.Helper()
	c := attest.Control{OrgID: e.Alpha.ID, Ref: ref, Name: "Control " + ref, Family: "Test", Type: "detective", Frequency: "quarterly",
		Status: attest.StatusImplemented, OwnerID: e.Users["manager"].ID, Mappings: []attest.Mapping{{Framework: "soc2", Requirement: "CC6.2"}}}
	if err := e.DB.CreateControl(ctx, &c); err != nil {
		e.T.Fatal(err)
	}
	return c
}

func TestEvidenceUploadThroughUI(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := webtest.New(t, d)
			// Not AC-4: it also needs an access review completed in Attest.
			ctl := control(e, "AC-9")
			token, _ := e.Token(e.Alpha, "auditor")
			before := readiness(e, token)
			mgr := e.Login("manager")
			content := []byte("user,decision\nada,keep\nbob,remove\n")
			ct, body := evidenceForm([][2]string{{"kind", "file"}, {"title", "Q2 access review"}, {"control", fmt.Sprint(ctl.ID)},
				{"period_start", "2026-04-01"}, {"period_end", "2026-06-30"}, {"notes", "Signed off by the CTO"}}, "review.csv", content)
			res := postMultipart(mgr, "/o/alpha/evidence", ct, body)
			if !res.RedirectsTo("/o/alpha/evidence/") {
				t.Fatalf("upload: %d %s", res.StatusCode, res.Text)
			}
			page := mgr.Get(res.Header.Get("Location"))
			sum := sha256.Sum256(content)
			for _, want := range []string{"Evidence added to the ledger as entry 1.", hex.EncodeToString(sum[:]), "AC-9", "Current", "2026-04-01 to 2026-06-30", "Signed off by the CTO", "manager@alpha.test"} {
				if !strings.Contains(page.Text, want) {
					t.Errorf("evidence page lacks %q", want)
				}
			}
			after := readiness(e, token)
			if after["control_states"].(map[string]any)["ready"] != float64(1) || after["score"].(float64) <= before["score"].(float64) {
				t.Fatalf("readiness did not reflect the evidence: %v → %v", before["control_states"], after["control_states"])
			}
			// The library lists it and filters by control and criterion.
			for _, q := range []string{"", "?control=" + fmt.Sprint(ctl.ID), "?criterion=CC6.2", "?q=access"} {
				if res := mgr.Get("/o/alpha/evidence" + q); !strings.Contains(res.Text, "Q2 access review") {
					t.Errorf("library%s lacks the evidence", q)
				}
			}
			if res := mgr.Get("/o/alpha/evidence?criterion=CC1.1"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "No evidence yet.") ||
				strings.Contains(res.Text, "Q2 access review") {
				t.Errorf("criterion filter matched an unrelated criterion, or failed: %d %.300s", res.StatusCode, res.Text)
			}
			// Coverage for the first half of 2026: Q2 covered, Q1 a gap.
			cov := mgr.Get("/o/alpha/coverage?from=2026-01-01&to=2026-06-30")
			if !strings.Contains(cov.Text, "1 of 2 periods covered") ||
				len(regexp.MustCompile(`<td class="heat gap" title="0 of 1 period covered">`).FindAllString(cov.Text, -1)) != 3 ||
				len(regexp.MustCompile(`<td class="heat covered" title="1 of 1 period covered">`).FindAllString(cov.Text, -1)) != 3 {
				t.Fatalf("coverage page: %s", cov.Text)
			}
			// The same grid as CSV, and the default window of the last
			// twelve months.
			csvRes := mgr.Get("/o/alpha/coverage.csv?from=2026-01-01&to=2026-06-30&gaps=1")
			if csvRes.StatusCode != http.StatusOK || !strings.Contains(csvRes.Text, "control,name,frequency,covered,periods,2026-01,2026-02,2026-03,2026-04,2026-05,2026-06\n") ||
				!strings.Contains(csvRes.Text, "AC-9,Control AC-9,quarterly,1,2,gap,gap,gap,covered,covered,covered\n") {
				t.Fatalf("coverage CSV: %d %s", csvRes.StatusCode, csvRes.Text)
			}
			if res := mgr.Get("/o/alpha/coverage"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, `href="/o/alpha/coverage.csv?from=`) ||
				strings.Count(res.Text, `<th scope="col" class="month">`) != 13 {
				t.Errorf("coverage with the default window: %d, %d month columns", res.StatusCode, strings.Count(res.Text, `<th scope="col" class="month">`))
			}
			if res := mgr.Get("/o/alpha/coverage?from=2026-06-30&to=2026-01-01"); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.Text, `<p class="error" id="w-error">the window ends (2026-01-01) before it starts (2026-06-30)</p>`) ||
				!strings.Contains(res.Text, `value="2026-06-30"`) {
				t.Fatalf("reversed window is not said beside the field on the page, input kept: %d %s", res.StatusCode, res.Text)
			}
			acts, _ := e.DB.Activity(ctx, e.Alpha.ID, attest.ActivityFilter{Action: "evidence."})
			if len(acts) != 1 || !strings.Contains(acts[0].Summary, "ledger entry 1") {
				t.Fatalf("activity: %+v", acts)
			}
		})
	}
}

func TestEvidenceUploadRefusals(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctl := control(e, "AC-4")
	mgr := e.Login("manager")
	cases := []struct {
		name     string
		fields   [][2]string
		filename string
		content  []byte
		want     string
	}{
		{"empty file", [][2]string{{"kind", "file"}, {"control", fmt.Sprint(ctl.ID)}}, "empty.txt", nil, "File is empty"},
		{"too large", [][2]string{{"kind", "file"}, {"control", fmt.Sprint(ctl.ID)}}, "big.bin", bytes.Repeat([]byte("x"), 1<<20+10), "larger than"},
		{"no file", [][2]string{{"kind", "file"}, {"title", "x"}, {"control", fmt.Sprint(ctl.ID)}}, "", nil, "File is required: choose a file to upload"},
		{"no control", [][2]string{{"kind", "file"}, {"title", "x"}}, "a.txt", []byte("x"), "Controls are required: choose at least one control"},
		{"path in the name", [][2]string{{"kind", "file"}, {"control", fmt.Sprint(ctl.ID)}}, `..\..\evil.exe`, []byte("x"), "path separator"},
		{"bad link", [][2]string{{"kind", "link"}, {"title", "x"}, {"control", fmt.Sprint(ctl.ID)}, {"url", "ftp://x"}}, "", nil, "must be an http or https address"},
		{"empty attestation", [][2]string{{"kind", "attestation"}, {"title", "x"}, {"control", fmt.Sprint(ctl.ID)}}, "", nil, "Attestation is required: write the attestation"},
		{"system kind", [][2]string{{"kind", "system"}, {"title", "x"}, {"control", fmt.Sprint(ctl.ID)}}, "", nil, "produced by Attest itself"},
		{"control of another org", [][2]string{{"kind", "file"}, {"control", "999999"}}, "a.txt", []byte("x"), "not a control of this organization"},
	}
	// A refused upload keeps the chosen controls chosen.
	ct0, body0 := evidenceForm([][2]string{{"kind", "file"}, {"title", "Kept"}, {"control", fmt.Sprint(ctl.ID)}}, "", nil)
	if res := postMultipart(mgr, "/o/alpha/evidence", ct0, body0); !strings.Contains(res.Text, fmt.Sprintf(`<input type="checkbox" name="control" value="%d" checked>`, ctl.ID)) ||
		!strings.Contains(res.Text, `value="Kept"`) {
		t.Errorf("the refused form lost its choices: %s", res.Text)
	}
	for _, c := range cases {
		ct, body := evidenceForm(c.fields, c.filename, c.content)
		res := postMultipart(mgr, "/o/alpha/evidence", ct, body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, c.want) {
			t.Errorf("%s: %d, want 422 with %q", c.name, res.StatusCode, c.want)
		}
	}
	// A body that is not multipart, and one cut short.
	if res := mgr.Post("/o/alpha/evidence", nil); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "multipart/form-data") {
		t.Errorf("form-encoded upload: %d", res.StatusCode)
	}
	ct, body := evidenceForm([][2]string{{"kind", "file"}, {"control", fmt.Sprint(ctl.ID)}}, "cut.txt", bytes.Repeat([]byte("y"), 5000))
	cut := bytes.NewReader(body.Bytes()[:body.Len()-100])
	if res := postMultipart(mgr, "/o/alpha/evidence", ct, cut); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text, "cut short") {
		t.Errorf("truncated multipart: %d", res.StatusCode)
	}
	if list, _ := e.DB.EvidenceList(ctx, e.Alpha.ID, store.EvidenceFilter{IncludeReplaced: true}); len(list) != 0 {
		t.Fatalf("refused uploads left %d rows", len(list))
	}
	if entries, _ := e.DB.LedgerEntries(ctx, e.Alpha.ID); len(entries) != 0 {
		t.Fatalf("refused uploads left %d ledger entries", len(entries))
	}
}

func TestEvidenceContentCorrectionsAndAPI(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	ctl := control(e, "AC-4")
	mgr := e.Login("manager")
	page := []byte("<html><script>alert(document.cookie)</script></html>")
	ct, body := evidenceForm([][2]string{{"kind", "file"}, {"control", fmt.Sprint(ctl.ID)}}, "page.html", page)
	res := postMultipart(mgr, "/o/alpha/evidence", ct, body)
	loc := res.Header.Get("Location")
	id := strings.TrimPrefix(loc, "/o/alpha/evidence/")
	// HTML is never served as HTML: it downloads, sandboxed, without sniffing.
	c := mgr.Get(loc + "/content")
	if c.Header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(c.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(c.Header.Get("Content-Security-Policy"), "sandbox") || c.Header.Get("X-Content-Type-Options") != "nosniff" || c.Text != string(page) {
		t.Fatalf("content headers: %v", c.Header)
	}
	txt := []byte("plain text evidence")
	ct, body = evidenceForm([][2]string{{"kind", "file"}, {"control", fmt.Sprint(ctl.ID)}}, "notes.txt", txt)
	tl := postMultipart(mgr, "/o/alpha/evidence", ct, body).Header.Get("Location")
	if c := mgr.Get(tl + "/content"); c.Header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.HasPrefix(c.Header.Get("Content-Disposition"), "inline") {
		t.Fatalf("text preview headers: %v", c.Header)
	}

	// A correction supersedes; both stay and the ledger grows.
	ct, body = evidenceForm([][2]string{{"kind", "file"}, {"title", "Page (fixed)"}, {"control", fmt.Sprint(ctl.ID)}, {"notes", "wrong file"}}, "page.txt", []byte("fixed"))
	res = postMultipart(mgr, loc+"/supersede", ct, body)
	if !res.RedirectsTo("/o/alpha/evidence/") {
		t.Fatalf("supersede: %d %s", res.StatusCode, res.Text)
	}
	if old := mgr.Get(loc); !strings.Contains(old.Text, "Superseded") || !strings.Contains(old.Text, "Page (fixed)") {
		t.Fatal("old version does not show it was superseded")
	}
	ct, body = evidenceForm([][2]string{{"kind", "file"}, {"control", fmt.Sprint(ctl.ID)}}, "again.txt", []byte("again"))
	if res := postMultipart(mgr, loc+"/supersede", ct, body); !strings.Contains(mgr.Get(res.Header.Get("Location")).Text, "already superseded") {
		t.Fatal("a superseded version was corrected twice")
	}

	// The API: list, get, upload.
	token, _ := e.Token(e.Alpha, "manager")
	list := webtest.Decode[map[string][]map[string]any](t, e.API("GET", "/orgs/alpha/evidence", token, nil))["evidence"]
	if len(list) != 2 {
		t.Fatalf("API list (current versions): %d", len(list))
	}
	all := webtest.Decode[map[string][]map[string]any](t, e.API("GET", "/orgs/alpha/evidence?versions=all", token, nil))["evidence"]
	if len(all) != 3 {
		t.Fatalf("API list (all versions): %d", len(all))
	}
	one := webtest.Decode[map[string]any](t, e.API("GET", "/orgs/alpha/evidence/"+id, token, nil))
	if one["filename"] != "page.html" || one["superseded_by"] == nil || one["ledger_seq"] != float64(1) {
		t.Fatalf("API get: %v", one)
	}
	// The API refuses evidence that supports no control, naming the field.
	ct, body = evidenceForm([][2]string{{"kind", "attestation"}, {"title", "Orphan"}, {"text", "Supports nothing."}}, "", nil)
	orphan, _ := http.NewRequest("POST", e.TS.URL+"/api/v1/orgs/alpha/evidence", body)
	orphan.Header.Set("Content-Type", ct)
	orphan.Header.Set("Authorization", "Bearer "+token)
	refused := e.Anon().Do(orphan)
	if refused.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(refused.Text, `"field": "controls"`) {
		t.Fatalf("API upload without a control: %d %s", refused.StatusCode, refused.Text)
	}
	ct, body = evidenceForm([][2]string{{"kind", "attestation"}, {"title", "Tabletop done"}, {"text", "We ran the exercise on 2026-05-20."}, {"control", fmt.Sprint(ctl.ID)}}, "", nil)
	req, _ := http.NewRequest("POST", e.TS.URL+"/api/v1/orgs/alpha/evidence", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	created := e.Anon().Do(req)
	got := webtest.Decode[map[string]any](t, created)
	if created.StatusCode != http.StatusCreated || got["kind"] != "attestation" || got["ledger_seq"] != float64(4) {
		t.Fatalf("API upload: %d %v", created.StatusCode, got)
	}

	// The bundle downloaded from the UI verifies with the key shown in Settings.
	bundle := e.Login("auditor").Get("/o/alpha/evidence/export")
	if bundle.StatusCode != 200 || bundle.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d", bundle.StatusCode)
	}
	settings := e.Login("admin").Get("/o/alpha/settings")
	m := regexp.MustCompile(`<code id="public-key">(attest-ed25519:[^<]+)</code>`).FindStringSubmatch(settings.Text)
	if m == nil {
		t.Fatal("settings does not show the public key")
	}
	pub, err := ledger.ParsePublicKey(html.UnescapeString(m[1]))
	if err != nil || !pub.Equal(e.Evidence.Key.Public().(ed25519.PublicKey)) {
		t.Fatalf("public key: %v", err)
	}
	rep, err := ledger.VerifyBundle(bytes.NewReader([]byte(bundle.Text)), int64(len(bundle.Text)), pub)
	if err != nil || rep.Evidence != 4 || rep.Entries != 4 {
		t.Fatalf("bundle: %+v %v", rep, err)
	}
}

func TestEvidenceIsolation(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { evidenceIsolation(t, d) })
	}
}

func evidenceIsolation(t *testing.T, d store.Dialect) {
	e := webtest.New(t, d)
	bctl := attest.Control{OrgID: e.Beta.ID, Ref: "B-1", Name: "Beta", Family: "X", Type: "preventive", Frequency: "annual", Status: attest.StatusImplemented}
	e.DB.CreateControl(ctx, &bctl)
	bev, err := e.Evidence.Add(ctx, evidence.New{Org: e.Beta, Actor: attest.Actor{Label: "outsider"}, Kind: attest.KindFile, Title: "Beta secret",
		Filename: "secret.txt", ControlIDs: []int64{bctl.ID}}, strings.NewReader("beta's secret"))
	if err != nil {
		t.Fatal(err)
	}
	admin := e.Login("admin")
	for _, p := range []string{fmt.Sprintf("/o/alpha/evidence/%d", bev.ID), fmt.Sprintf("/o/alpha/evidence/%d/content", bev.ID)} {
		if res := admin.Get(p); res.StatusCode != http.StatusNotFound || strings.Contains(res.Text, "beta's secret") {
			t.Errorf("GET %s: %d", p, res.StatusCode)
		}
	}
	ct, body := evidenceForm([][2]string{{"kind", "file"}}, "x.txt", []byte("x"))
	if res := postMultipart(admin, fmt.Sprintf("/o/alpha/evidence/%d/supersede", bev.ID), ct, body); res.StatusCode != http.StatusNotFound {
		t.Errorf("supersede across organizations: %d", res.StatusCode)
	}
	ct, body = evidenceForm([][2]string{{"kind", "file"}, {"control", fmt.Sprint(bctl.ID)}}, "x.txt", []byte("x"))
	if res := postMultipart(admin, "/o/alpha/evidence", ct, body); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("linking to beta's control: %d", res.StatusCode)
	}
	if res := admin.Get("/o/alpha/evidence/export"); res.StatusCode != http.StatusNotFound {
		t.Errorf("export of an organization without evidence: %d", res.StatusCode)
	}
	// Alpha's library lists alpha's evidence and nothing of beta's.
	if _, err := e.Evidence.Add(ctx, evidence.New{Org: e.Alpha, Actor: attest.Actor{Label: "admin"}, Kind: attest.KindFile, Title: "Alpha own",
		Filename: "own.txt"}, strings.NewReader("alpha's own")); err != nil {
		t.Fatal(err)
	}
	if res := admin.Get("/o/alpha/evidence"); res.StatusCode != http.StatusOK || !strings.Contains(res.Text, "Alpha own") || strings.Contains(res.Text, "Beta secret") {
		t.Errorf("alpha's library: %d, want alpha's evidence and not beta's: %.300s", res.StatusCode, res.Text)
	}
}

// A correction can change only the controls: the file is kept, the new
// version links to the new control, and the ledger records it.
func TestCorrectionRelinksControls(t *testing.T) {
	e := webtest.New(t, store.SQLite)
	a, b := control(e, "AC-4"), control(e, "AC-5")
	mgr := e.Login("manager")
	ct, body := evidenceForm([][2]string{{"kind", "file"}, {"title", "Review"}, {"control", fmt.Sprint(a.ID)}}, "review.csv", []byte("ok\n"))
	loc := postMultipart(mgr, "/o/alpha/evidence", ct, body).Header.Get("Location")
	if page := mgr.Get(loc); !strings.Contains(page.Text, fmt.Sprintf(`value="%d" checked> <code>AC-4</code> Control AC-4`, a.ID)) {
		t.Fatal("correction form does not preselect the current control")
	}
	ct, body = evidenceForm([][2]string{{"kind", "file"}, {"control", fmt.Sprint(a.ID)}, {"control", fmt.Sprint(b.ID)}, {"notes", "also covers AC-5"}}, "", nil)
	res := postMultipart(mgr, loc+"/supersede", ct, body)
	if !res.RedirectsTo("/o/alpha/evidence/") {
		t.Fatalf("relink: %d %s", res.StatusCode, res.Text)
	}
	id := strings.TrimPrefix(res.Header.Get("Location"), "/o/alpha/evidence/")
	var n int64
	fmt.Sscan(id, &n)
	ev, _ := e.DB.Evidence(ctx, e.Alpha.ID, n)
	old, _ := e.DB.Evidence(ctx, e.Alpha.ID, ev.Supersedes)
	if len(ev.Controls) != 2 || ev.SHA256 != old.SHA256 || ev.Filename != "review.csv" || ev.Title != "Review" || ev.LedgerSeq != 2 {
		t.Fatalf("corrected evidence: %+v", ev)
	}
	if _, err := e.Evidence.Verify(ctx, e.Alpha); err != nil {
		t.Fatal(err)
	}
}
