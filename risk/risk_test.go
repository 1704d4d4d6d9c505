package risk_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/catalog"
	"github.com/attest-hq/attest/chain"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/ledger"
	"github.com/attest-hq/attest/risk"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type world struct {
	svc                       *risk.Service
	ev                        *evidence.Service
	db                        *store.DB
	clock                     *clock
	org                       attest.Organization
	admin, cto, dev, employee attest.Principal
	auditor                   attest.Principal
}

// each runs fn on both databases with a clock starting 2026-03-02.
func each(t *testing.T, fn func(t *testing.T, w world)) {
	lib, err := risk.LoadLibrary()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
			db := storetest.Open(t, d, c.now)
			ev := evidencetest.NewService(t, db)
			ev.Ledger = &chain.Chain{Key: ev.Key}
			w := world{db: db, ev: ev, clock: c, svc: &risk.Service{DB: db, Ledger: ev.Ledger, Library: lib}}
			w.org = storetest.MustOrg(t, db, "acme")
			member := func(role attest.Role, email string) attest.Principal {
				u := storetest.MustMember(t, db, w.org, role, email)
				return attest.Principal{UserID: u.ID, Label: email, OrgID: w.org.ID, Role: role}
			}
			w.admin = member(attest.RoleAdmin, "ada@acme.test")
			w.cto = member(attest.RoleManager, "cto@acme.test")
			w.dev = member(attest.RoleManager, "dev@acme.test")
			w.employee = member(attest.RoleEmployee, "erin@acme.test")
			w.auditor = member(attest.RoleAuditor, "audrey@audit.test")
			storetest.MustControl(t, db, w.org, "AC-1", attest.StatusImplemented)
			storetest.MustControl(t, db, w.org, "AC-2", attest.StatusImplemented)
			fn(t, w)
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func field(err error) string {
	var e *attest.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

func TestLibraryControlsExist(t *testing.T) {
	lib, err := risk.LoadLibrary()
	if err != nil {
		t.Fatal(err)
	}
	if len(lib) < 40 {
		t.Fatalf("the library has %d risks, want at least 40", len(lib))
	}
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range cat.Controls {
		known[c.ID] = true
	}
	for _, l := range lib {
		for _, c := range l.Controls {
			if !known[c] {
				t.Errorf("%s suggests %s, which is not a library control", l.ID, c)
			}
		}
	}
}

func TestRegisterLifecycle(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		// Adopting a library risk links the controls the organization has.
		r := must(w.svc.Adopt(ctx, w.admin, "RL-1", w.cto.UserID))
		if r.Ref != "R-1" || r.Inherent() != 16 || r.Treatment != attest.TreatMitigate || strings.Join(r.Controls, ",") != "AC-1,AC-2" ||
			r.ReviewDate != "2027-03-02" || r.OwnerName == "" {
			t.Fatalf("adopted: %+v", r)
		}
		// Values off the scale are refused, naming the field.
		bad := r
		bad.Likelihood = 6
		if _, err := w.svc.Update(ctx, w.admin, bad); field(err) != "likelihood" {
			t.Fatalf("likelihood 6 on a 5×5 scale: %v", err)
		}
		bad = r
		bad.Controls = []string{"NOPE-1"}
		if _, err := w.svc.Update(ctx, w.admin, bad); field(err) != "controls" {
			t.Fatalf("an unknown control: %v", err)
		}
		if _, err := w.svc.Update(ctx, w.employee, r); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee edits: %v", err)
		}
		// Treatment lowers the residual score; the history names the change.
		r.ResidualLikelihood, r.ResidualImpact = 2, 3
		r = must(w.svc.Update(ctx, w.admin, r))
		_, hist := must2(w.svc.Get(ctx, w.auditor, "R-1"))
		if len(hist) != 2 || !strings.Contains(hist[0].Summary, `residual likelihood "4" → "2"`) || hist[0].ActorLabel == "" {
			t.Fatalf("history: %+v", hist)
		}

		// Accepting: the approver must not be the owner.
		if _, err := w.svc.Accept(ctx, w.admin, "R-1", w.cto.UserID, "2026-12-31", "cost of SSO"); field(err) != "approver" {
			t.Fatalf("the owner as approver: %v", err)
		}
		r = must(w.svc.Accept(ctx, w.admin, "R-1", w.dev.UserID, "2026-12-31", "cost of SSO"))
		if !r.AcceptancePending() {
			t.Fatalf("an acceptance waits for sign-off: %+v", r)
		}
		if _, err := w.svc.ApproveAcceptance(ctx, w.admin, "R-1"); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("someone other than the approver signs off: %v", err)
		}
		r = must(w.svc.ApproveAcceptance(ctx, w.dev, "R-1"))
		if r.AcceptancePending() || r.AcceptApprovedAt.IsZero() {
			t.Fatalf("signed off: %+v", r)
		}
		if _, err := w.svc.ApproveAcceptance(ctx, w.dev, "R-1"); attest.ErrorCode(err) != attest.ECONFLICT {
			t.Fatalf("signed off twice: %v", err)
		}
		// A material change needs the sign-off again.
		r.ResidualImpact = 4
		if r = must(w.svc.Update(ctx, w.admin, r)); !r.AcceptancePending() {
			t.Fatalf("a rescored accepted risk keeps its old sign-off: %+v", r)
		}

		// The annual assessment: submitted, approved by the named approver,
		// appended to the ledger.
		must(w.svc.Create(ctx, w.admin, attest.Risk{Title: "Office flood", Category: "physical", OwnerID: w.dev.UserID, Likelihood: 1,
			Impact: 3, ResidualLikelihood: 1, ResidualImpact: 2, Treatment: attest.TreatTransfer, ReviewDate: "2026-09-01"}))
		if _, err := w.svc.StartAssessment(ctx, w.admin, w.admin.UserID, ""); field(err) != "approver" {
			t.Fatalf("the submitter approves: %v", err)
		}
		a := must(w.svc.StartAssessment(ctx, w.admin, w.cto.UserID, "Yearly review with leadership"))
		if len(a.Risks) != 2 || a.Risks[1].Residual != 2 || a.Risks[1].Band != attest.BandLow || a.State != attest.AssessmentSubmitted {
			t.Fatalf("snapshot: %+v", a)
		}
		if _, err := w.svc.ApproveAssessment(ctx, w.dev, a.UID); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("not the approver: %v", err)
		}
		w.clock.add(time.Hour)
		a = must(w.svc.ApproveAssessment(ctx, w.cto, a.UID))
		if a.State != attest.AssessmentApproved || a.ApprovedAt.IsZero() || !a.AssessmentCurrentOn("2027-03-01") || a.AssessmentCurrentOn("2027-03-03") {
			t.Fatalf("approved: %+v", a)
		}
		// Later changes leave the snapshot as it was.
		r.Title = "Stolen staff passwords"
		must(w.svc.Update(ctx, w.admin, r))
		if got := must(w.svc.Assessment(ctx, w.auditor, a.UID)); got.Risks[0].Title != "Stolen employee credentials" {
			t.Fatalf("the snapshot changed: %+v", got.Risks[0])
		}

		// The chain verifies in the database and in an exported bundle.
		if _, err := w.ev.Verify(ctx, w.org); err != nil {
			t.Fatalf("verify: %v", err)
		}
		var buf bytes.Buffer
		if _, err := w.ev.Export(ctx, w.org, &buf); err != nil {
			t.Fatal(err)
		}
		rep, err := ledger.VerifyBundle(bytes.NewReader(buf.Bytes()), int64(buf.Len()), w.ev.Key.Public().(ed25519.PublicKey))
		if err != nil || rep.Records != 2 {
			t.Fatalf("the exported bundle: %+v, %v", rep, err)
		}

		// Retiring keeps the risk out of the register and the next snapshot.
		must(w.svc.Retire(ctx, w.admin, "R-2"))
		if reg := must(w.svc.List(ctx, w.admin, risk.Filter{})); len(reg.Risks) != 1 {
			t.Fatalf("register after retiring: %+v", reg.Risks)
		}
	})
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func TestFilters(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		must(w.svc.Adopt(ctx, w.admin, "RL-2", w.cto.UserID)) // 3×5 = 15 high
		r := must(w.svc.Adopt(ctx, w.admin, "RL-42", w.dev.UserID))
		r.ReviewDate = "2026-03-01"
		must(w.svc.Update(ctx, w.admin, r))
		for _, c := range []struct {
			f    risk.Filter
			want string
		}{
			{risk.Filter{Band: attest.BandHigh}, "R-1"},
			{risk.Filter{OwnerID: w.dev.UserID}, "R-2"},
			{risk.Filter{Overdue: true}, "R-2"},
			{risk.Filter{Likelihood: 3, Impact: 5}, "R-1"},
			{risk.Filter{Treatment: attest.TreatAccept}, ""},
		} {
			reg := must(w.svc.List(ctx, w.auditor, c.f))
			var refs []string
			for _, r := range reg.Risks {
				refs = append(refs, r.Ref)
			}
			if strings.Join(refs, ",") != c.want {
				t.Errorf("%+v: %v, want %s", c.f, refs, c.want)
			}
		}
		// Recording a review moves the next one a year on.
		if _, err := w.svc.Review(ctx, w.admin, "R-2", "2026-01-01"); field(err) != "review_date" {
			t.Fatalf("a next review in the past: %v", err)
		}
		if r := must(w.svc.Review(ctx, w.admin, "R-2", "")); r.ReviewDate != "2027-03-02" {
			t.Fatalf("reviewed: %+v", r)
		}
		if reg := must(w.svc.List(ctx, w.admin, risk.Filter{Overdue: true})); len(reg.Risks) != 0 {
			t.Fatalf("overdue after the review: %+v", reg.Risks)
		}
		if _, hist := must2(w.svc.Get(ctx, w.admin, "R-2")); !strings.Contains(hist[0].Summary, `review date "2026-03-01" → "2027-03-02"`) {
			t.Fatalf("history: %+v", hist[0])
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		good := "title,owner,likelihood,impact,treatment,review_date,controls\n" +
			"Vendor outage,cto@acme.test,3,4,mitigate,2026-09-01,AC-1;AC-2\n"
		for _, c := range []struct{ csv, line, field string }{
			{"title,owner,likelihood,impact,treatment,review_date,colour\n", "line 1", "file"},
			{good + "Flood,cto@acme.test,6,2,avoid,2026-09-01,\n", "line 3", "likelihood"},
			{good + "Flood,cto@acme.test,2,2,accept,2026-09-01,\n", "line 3", "approver"},
			{good + "Flood,nobody@acme.test,2,2,avoid,2026-09-01,\n", "line 3", "owner"},
		} {
			rep, err := w.svc.Import(ctx, w.admin, strings.NewReader(c.csv))
			if err == nil || !strings.Contains(err.Error(), c.line) {
				t.Errorf("%q: %v", c.csv, err)
			}
			if len(rep.Rejected) > 0 && rep.Rejected[0].Field != c.field {
				t.Errorf("%q: rejected %+v, want field %s", c.csv, rep.Rejected, c.field)
			}
		}
		withApprover := "title,owner,likelihood,impact,treatment,review_date,approver,accept_expires\nFlood,cto@acme.test,2,2,accept,2026-09-01,cto@acme.test,2026-12-01\n"
		if rep, err := w.svc.Import(ctx, w.admin, strings.NewReader(withApprover)); err == nil || rep.Rejected[0].Field != "approver" {
			t.Fatalf("the owner approves their own accepted risk: %+v, %v", rep, err)
		}
		if reg := must(w.svc.List(ctx, w.admin, risk.Filter{Status: "all"})); len(reg.Risks) != 0 {
			t.Fatalf("a refused import stored %+v", reg.Risks)
		}
		rep := must(w.svc.Import(ctx, w.admin, strings.NewReader(good)))
		if rep.Created != 1 {
			t.Fatalf("import: %+v", rep)
		}
		// An export names every column; formula cells are defused.
		r, _ := must2(w.svc.Get(ctx, w.admin, "R-1"))
		r.Description = "=HYPERLINK(\"x\")"
		must(w.svc.Update(ctx, w.admin, r))
		var buf bytes.Buffer
		if err := w.svc.Export(ctx, w.admin, &buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `'=HYPERLINK`) || !strings.Contains(buf.String(), "R-1,Vendor outage") {
			t.Fatalf("export:\n%s", buf.String())
		}
	})
}

func TestScale(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		r := must(w.svc.Adopt(ctx, w.admin, "RL-1", w.cto.UserID)) // 4 × 4
		if err := w.svc.SetScale(ctx, w.cto, attest.RiskScale{Likelihood: 3, Impact: 3}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("a manager sets the scale: %v", err)
		}
		if err := w.svc.SetScale(ctx, w.admin, attest.RiskScale{Likelihood: 3, Impact: 3}); field(err) != "likelihood" || !strings.Contains(err.Error(), "R-1") {
			t.Fatalf("a scale smaller than a risk's scores: %v", err)
		}
		r.Likelihood, r.Impact, r.ResidualLikelihood, r.ResidualImpact = 3, 3, 2, 2
		must(w.svc.Update(ctx, w.admin, r))
		if err := w.svc.SetScale(ctx, w.admin, attest.RiskScale{Likelihood: 3, Impact: 3}); err != nil {
			t.Fatal(err)
		}
		reg := must(w.svc.List(ctx, w.auditor, risk.Filter{}))
		if reg.Scale != (attest.RiskScale{Likelihood: 3, Impact: 3, Medium: 2, High: 4, Critical: 8}) || reg.Scale.Band(reg.Risks[0].Inherent()) != attest.BandCritical {
			t.Fatalf("a 3 × 3 scale: %+v", reg.Scale)
		}
		// Adopting onto the smaller scale caps the library's scores.
		if r := must(w.svc.Adopt(ctx, w.admin, "RL-2", w.cto.UserID)); r.Likelihood != 3 || r.Impact != 3 {
			t.Fatalf("adopted onto 3 × 3: %+v", r)
		}
		r.Likelihood = 4
		if _, err := w.svc.Update(ctx, w.admin, r); field(err) != "likelihood" {
			t.Fatalf("4 on a 3 × 3 scale: %v", err)
		}
	})
}

func TestExpiredAcceptanceIsNotSignedOff(t *testing.T) {
	each(t, func(t *testing.T, w world) {
		ctx := t.Context()
		must(w.svc.Adopt(ctx, w.admin, "RL-13", w.cto.UserID))
		if _, err := w.svc.Accept(ctx, w.admin, "R-1", w.dev.UserID, "2026-03-02", ""); field(err) != "accept_expires" {
			t.Fatalf("an acceptance ending today: %v", err)
		}
		must(w.svc.Accept(ctx, w.admin, "R-1", w.dev.UserID, "2026-03-10", "cheap laptops"))
		w.clock.add(8 * 24 * time.Hour) // 2026-03-10: the last day still counts
		if r := must(w.svc.List(ctx, w.admin, risk.Filter{Overdue: true})); len(r.Risks) != 0 {
			t.Fatalf("overdue on its last day: %+v", r.Risks)
		}
		w.clock.add(24 * time.Hour)
		if _, err := w.svc.ApproveAcceptance(ctx, w.dev, "R-1"); attest.ErrorCode(err) != attest.ECONFLICT || !strings.Contains(err.Error(), "expired on 2026-03-10") {
			t.Fatalf("signing off an expired acceptance: %v", err)
		}
		if r := must(w.svc.List(ctx, w.admin, risk.Filter{Overdue: true})); len(r.Risks) != 1 {
			t.Fatalf("an expired acceptance is overdue: %+v", r.Risks)
		}
	})
}
