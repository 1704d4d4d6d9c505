package evidence_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"html"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/store/storetest"
)

func TestBundleControls(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	collected := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	soc2 := func(ids ...string) []attest.Mapping {
		var ms []attest.Mapping
		for _, id := range ids {
			ms = append(ms, attest.Mapping{Framework: "soc2", Requirement: id})
		}
		return ms
	}
	controls := []attest.Control{
		{ID: 1, Ref: "IAM-1", Name: "Access reviews", Frequency: "quarterly",
			Mappings: append(soc2("CC6.2", "CC1.1", "CC6.2"), attest.Mapping{Framework: "iso27001", Requirement: "A.5.18"})},
		{ID: 2, Ref: "OLD-1", Name: "Retired, no evidence", RetiredAt: collected},
		{ID: 3, Ref: "OLD-2", Name: "Retired, with evidence", Frequency: "annual", RetiredAt: collected},
		{ID: 4, Ref: "CUS-1", Name: "Custom", Frequency: "monthly", Mappings: soc2("X9.9")},
	}
	evs := []attest.Evidence{
		{UID: "ev_1", CollectedAt: collected, Controls: []attest.ControlRef{{ID: 1, Ref: "IAM-1"}, {ID: 3, Ref: "OLD-2"}}},
		{UID: "ev_2", CollectedAt: collected, PeriodEnd: collected.AddDate(0, 1, 0), Controls: []attest.ControlRef{{ID: 1, Ref: "IAM-1"}}},
	}
	got, criteria := evidence.BundleControls(controls, evs, cat.SOC2())
	var refs []string
	for _, c := range got {
		refs = append(refs, c.Ref)
	}
	if !slices.Equal(refs, []string{"IAM-1", "OLD-2", "CUS-1"}) {
		t.Fatalf("controls %v: a retired control belongs in the bundle only when evidence names it", refs)
	}
	iam := got[0]
	if iam.Name != "Access reviews" || iam.Frequency != "quarterly" || !slices.Equal(iam.Criteria, []string{"CC6.2", "CC1.1"}) {
		t.Errorf("IAM-1: %+v", iam)
	}
	for _, ev := range evs {
		want := evidence.ExpiresAt(evidence.Item{CollectedAt: ev.CollectedAt, PeriodEnd: ev.PeriodEnd}, "quarterly")
		if !iam.Expires[ev.UID].Equal(want) {
			t.Errorf("IAM-1 expires %s at %s, want %s", ev.UID, iam.Expires[ev.UID], want)
		}
	}
	if want := evidence.ExpiresAt(evidence.Item{CollectedAt: collected}, "annual"); !got[1].Expires["ev_1"].Equal(want) || len(got[1].Expires) != 1 {
		t.Errorf("OLD-2 expires %v: freshness follows each control's own frequency", got[1].Expires)
	}
	// In the framework's order, titled from it; an ID it does not know comes last, untitled.
	cc11, _ := cat.SOC2().Requirement("CC1.1")
	cc62, _ := cat.SOC2().Requirement("CC6.2")
	want := []ledger.BundleCriterion{{ID: "CC1.1", Title: cc11.Title}, {ID: "CC6.2", Title: cc62.Title}, {ID: "X9.9"}}
	if !slices.Equal(criteria, want) || cc11.Title == "" {
		t.Errorf("criteria %+v\nwant %+v", criteria, want)
	}
	// Without a framework the criteria keep their IDs.
	if _, criteria := evidence.BundleControls(controls, evs, nil); len(criteria) != 3 || criteria[0] != (ledger.BundleCriterion{ID: "CC1.1"}) {
		t.Errorf("criteria without a framework: %+v", criteria)
	}
}

func TestExportIndexPage(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	cc61, _ := cat.SOC2().Requirement("CC6.1")
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, d)
			other := storetest.MustControl(t, f.db, f.org, "AC-3", attest.StatusImplemented)
			f.add(t, "review.csv", "user,ok\n")
			both, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindFile, Title: "<b>Policy</b>", Filename: "policy <v2>.pdf",
				ControlIDs: []int64{f.ctl.ID, other.ID}}, strings.NewReader("%PDF-1.4 policy"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Add(ctx, evidence.New{Org: f.org, Actor: f.actor, Kind: attest.KindLink, Title: "Wiki", URL: "https://wiki.acme.test/x"}, nil); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := f.svc.Export(ctx, f.org, &buf); err != nil {
				t.Fatal(err)
			}
			rep, err := ledger.VerifyBundle(bytes.NewReader(buf.Bytes()), int64(buf.Len()), f.svc.Key.Public().(ed25519.PublicKey))
			if err != nil || rep.Copies != 4 {
				t.Fatalf("bundle: %+v, %v", rep, err)
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			members := map[string]string{}
			for _, zf := range zr.File {
				rc, _ := zf.Open()
				data, _ := io.ReadAll(rc)
				rc.Close()
				members[zf.Name] = string(data)
			}
			for name, want := range map[string]string{
				"controls/AC-2/review.csv": "user,ok\n", "controls/AC-2/policy _v2_.pdf": "%PDF-1.4 policy",
				"controls/AC-3/policy _v2_.pdf": "%PDF-1.4 policy", "unlinked/Wiki.txt": "https://wiki.acme.test/x",
			} {
				if got, ok := members[name]; !ok || got != want {
					t.Errorf("%s = %q (present %v), want %q", name, got, ok, want)
				}
			}
			page := members["index.html"]
			text := html.UnescapeString(page)
			expires := evidence.ExpiresAt(evidence.Item{CollectedAt: both.CollectedAt}, "quarterly").UTC().Format(time.DateOnly)
			for _, s := range []string{"CC6.1: " + cc61.Title, "Control AC-2", "Control AC-3", "<b>Policy</b>", "review.csv", "Wiki",
				"Current until " + expires, "by " + f.actor.Label, both.SHA256, `href="controls/AC-3/policy%20_v2_.pdf"`, `href="unlinked/Wiki.txt"`} {
				if !strings.Contains(text, s) {
					t.Errorf("index.html does not show %q", s)
				}
			}
			if strings.Contains(page, "<b>Policy") {
				t.Error("index.html does not escape a title")
			}
		})
	}
}
