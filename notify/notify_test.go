package notify_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/evidence"
	"github.com/attest-hq/attest/evidence/evidencetest"
	"github.com/attest-hq/attest/notify"
	"github.com/attest-hq/attest/notify/email"
	"github.com/attest-hq/attest/notify/mailpittest"
	"github.com/attest-hq/attest/secret"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

const base = "http://attest.test"

// world is an organization with a lead who owns a control, and the
// notification service over it, sending to a real SMTP server.
type world struct {
	db    *store.DB
	svc   *notify.Service
	mail  *mailpittest.Server
	org   attest.Organization
	lead  attest.User
	admin attest.Principal
	ctl   attest.Control
	ev    *evidence.Service
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := t.Context()
	k, err := secret.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.New(k)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, mail: mailpittest.Start(t, mailpittest.Options{})}
	w.svc = &notify.Service{DB: db, Box: box, BaseURL: base, AllowHTTPWebhooks: true}
	w.org = storetest.MustOrg(t, db, "acme")
	w.lead = storetest.MustMember(t, db, w.org, attest.RoleAdmin, "lead@acme.test")
	w.admin = attest.Principal{UserID: w.lead.ID, Label: w.lead.Email, OrgID: w.org.ID, Role: attest.RoleAdmin, Via: attest.ViaUI}
	if err := w.svc.SetMail(ctx, email.Settings{Host: w.mail.SMTPHost, Port: w.mail.SMTPPort, Security: email.None, From: "attest@acme.test"}); err != nil {
		t.Fatal(err)
	}
	c := storetest.Control(w.org, "AC-1")
	c.LibraryID, c.OwnerID = "LIB-AC-1", w.lead.ID
	if err := db.CreateControl(ctx, &c); err != nil {
		t.Fatal(err)
	}
	w.ctl = c
	w.ev = evidencetest.NewService(t, db)
	return w
}

// round runs a round at now and sends every message it returns, as the
// jobs would.
func (w *world) round(t *testing.T, now time.Time) []int64 {
	t.Helper()
	ids, err := w.svc.Round(t.Context(), now)
	if err != nil {
		t.Fatalf("round: %v", err)
	}
	for _, id := range ids {
		if err := w.svc.Deliver(t.Context(), id, false); err != nil {
			t.Fatalf("deliver %d: %v", id, err)
		}
	}
	return ids
}

// fail records verdicts of test on resources turning to failing.
func (w *world) fail(t *testing.T, test string, keys ...string) {
	t.Helper()
	ctx := t.Context()
	at := time.Now()
	if _, err := w.db.SaveTestVersion(ctx, w.org.ID, "sha256:"+test, test, []byte(`{"id":"`+test+`"}`), []string{w.ctl.LibraryID}); err != nil {
		t.Fatal(err)
	}
	col := attest.CollectionRun{OrgID: w.org.ID, UID: "col_" + test + keys[0], ConnectionID: 1, ConnectionName: "gh", Connector: "github",
		StartedAt: at, FinishedAt: at, SnapshotSHA256: strings.Repeat("a", 64)}
	if err := w.db.AddCollection(ctx, &col); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if err := w.db.AddResultChange(ctx, w.org.ID, 1, col.ID, attest.ResultChange{Test: test, Resource: attest.ResourceRef{Type: "github.repository", Key: k},
			From: attest.ResultPass, To: attest.ResultFail, Message: "no branch protection", TestVersion: "sha256:" + test, At: at}); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *world) task(t *testing.T, title, due string) attest.Task {
	t.Helper()
	task := storetest.MustTask(t, w.db, w.org, title, &w.lead)
	task.DueOn = due
	if err := w.db.UpdateTask(t.Context(), &task); err != nil {
		t.Fatal(err)
	}
	return task
}

// TestOwnerGetsOneDigestAndUnsubscribesFromOneKind is the issue's
// acceptance: an owner receives one digest listing a new failing test, a
// task due tomorrow and evidence going stale next week; it is not sent
// again; unsubscribing from one kind stops that kind only.
func TestOwnerGetsOneDigestAndUnsubscribesFromOneKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		now := time.Now().UTC()
		if ids := w.round(t, now); len(ids) != 0 {
			t.Fatalf("the first round sent %d messages: history before notices began is not news", len(ids))
		}

		w.fail(t, "github.branch_protection", "acme/api", "acme/web", "acme/infra")
		w.task(t, "Review firewall rules", attest.Today(now.AddDate(0, 0, 1)))
		w.task(t, "Someday", attest.Today(now.AddDate(0, 2, 0)))
		// Quarterly evidence whose period ended so long ago that it goes
		// stale in five days.
		span := evidence.Spans["quarterly"]
		end := now.Add(5*24*time.Hour-span.Grace).AddDate(0, -3, 0)
		if _, err := w.ev.Add(ctx, evidence.New{Org: w.org, Actor: evidencetest.Actor, Kind: attest.KindFile, Title: "access review",
			Filename: "review.pdf", ControlIDs: []int64{w.ctl.ID}, PeriodStart: end.AddDate(0, -3, 0), PeriodEnd: end}, strings.NewReader("review")); err != nil {
			t.Fatal(err)
		}

		if ids := w.round(t, now.Add(time.Minute)); len(ids) != 1 {
			t.Fatalf("round sent %d messages; want one digest", len(ids))
		}
		got := w.mail.WaitFor(t, 1, 10*time.Second)
		m := w.mail.Message(t, got[0].ID)
		if len(m.To) != 1 || m.To[0].Address != "lead@acme.test" {
			t.Fatalf("digest to %v", m.To)
		}
		for _, want := range []string{"Test github.branch_protection started failing on 3 resources", "Due tomorrow", "Review firewall rules",
			"Evidence for AC-1", "goes stale on " + attest.Today(end.AddDate(0, 3, 0).Add(span.Grace)), base + "/o/acme/monitoring/tests/github.branch_protection"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("digest text lacks %q:\n%s", want, m.Text)
			}
		}
		if !strings.Contains(m.Text, "Task assigned to you: Someday") || strings.Contains(m.Text, "): Someday") {
			t.Errorf("a task due in two months is in the digest as due, or its assignment is not:\n%s", m.Text)
		}
		if strings.Contains(m.Text, "Task assigned to you: Review firewall rules") {
			t.Errorf("a task assigned and due is two lines:\n%s", m.Text)
		}
		for _, want := range []string{"Failing tests (1)", "Tasks (2)", "Evidence going stale (1)"} {
			if !strings.Contains(m.Subject, want) {
				t.Errorf("subject %q lacks %q", m.Subject, want)
			}
		}
		if !strings.Contains(m.HTML, `href="`+base+`/o/acme/tasks/`) {
			t.Errorf("HTML part lacks the task link:\n%s", m.HTML)
		}
		if m.ListUnsubscribe.Header == "" {
			t.Errorf("no List-Unsubscribe header")
		}

		// Nothing changed: nothing is sent again, however many rounds.
		if ids := w.round(t, now.Add(2*time.Hour)); len(ids) != 0 {
			t.Fatalf("a second round sent %d messages for the same state", len(ids))
		}

		// The digest's own link unsubscribes from tasks only.
		link := regexp.MustCompile(`Stop emails about tasks: ` + regexp.QuoteMeta(base) + `/unsubscribe/(\S+)`).FindStringSubmatch(m.Text)
		if link == nil {
			t.Fatalf("no unsubscribe link for tasks in:\n%s", m.Text)
		}
		sub, err := w.svc.Unsubscribe(ctx, link[1])
		if err != nil || len(sub.Kinds) != 1 || sub.Kinds[0].ID != attest.NoticeTask || sub.Email != "lead@acme.test" {
			t.Fatalf("unsubscribe = %+v, %v", sub, err)
		}
		if _, err := w.svc.Unsubscribe(ctx, link[1][:len(link[1])-2]+"AA"); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("a forged link unsubscribed: %v", err)
		}
		w.mail.Clear(t)
		w.task(t, "Rotate keys", attest.Today(now.AddDate(0, 0, -1)))
		w.fail(t, "github.secret_scanning", "acme/api")
		if ids := w.round(t, now.Add(26*time.Hour)); len(ids) != 1 {
			t.Fatalf("round after unsubscribing sent %d messages; want one", len(ids))
		}
		m = w.mail.Message(t, w.mail.WaitFor(t, 1, 10*time.Second)[0].ID)
		if !strings.Contains(m.Text, "github.secret_scanning") {
			t.Errorf("the failing test is missing after unsubscribing from tasks:\n%s", m.Text)
		}
		if strings.Contains(m.Text, "Rotate keys") || strings.Contains(m.Subject, "Tasks") {
			t.Errorf("a task was emailed after unsubscribing from tasks:\n%s", m.Text)
		}
		prefs, err := w.svc.Preferences(ctx, w.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range prefs {
			if p.Kind.ID == attest.NoticeTask && (p.Cadence != attest.CadenceOff || !p.Chosen) {
				t.Errorf("task preference after unsubscribing = %+v", p)
			}
		}
	})
}

func TestInvitationArrivesByEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		if err := w.svc.SetFromName(ctx, w.admin, "Acme Compliance"); err != nil {
			t.Fatal(err)
		}
		inv := attest.Invitation{OrgID: w.org.ID, Email: "new@acme.test", Role: attest.RoleEmployee, InvitedBy: w.lead.ID, ExpiresAt: time.Now().Add(time.Hour)}
		if err := db.CreateInvitation(ctx, &inv, "hash"); err != nil {
			t.Fatal(err)
		}
		sent, err := w.svc.Invite(ctx, w.admin, inv, "s3cret-token")
		if err != nil || !sent {
			t.Fatalf("invite: %v %v", sent, err)
		}
		ids, err := w.svc.Round(ctx, time.Now())
		if err != nil || len(ids) != 1 {
			t.Fatalf("queued = %v, %v; want the invitation", ids, err)
		}
		if err := w.svc.Deliver(ctx, ids[0], false); err != nil {
			t.Fatal(err)
		}
		m := w.mail.Message(t, w.mail.WaitFor(t, 1, 10*time.Second)[0].ID)
		if m.To[0].Address != "new@acme.test" || m.From.Name != "Acme Compliance" || !strings.Contains(m.Text, base+"/invitations/s3cret-token") {
			t.Fatalf("invitation email: from %v to %v\n%s", m.From, m.To, m.Text)
		}
		// Delivering again (a job run twice) sends nothing more.
		if err := w.svc.Deliver(ctx, ids[0], false); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		if n := len(w.mail.Messages(t)); n != 1 {
			t.Fatalf("%d messages after delivering twice", n)
		}
		// The body is sealed at rest: the token is not in the database.
		_, sealed, err := db.DeliveryBody(ctx, ids[0])
		if err != nil || strings.Contains(string(sealed), "s3cret-token") {
			t.Fatalf("the invitation's link is stored in the clear (%v)", err)
		}
		// Without email, nothing is queued and the inviter is told.
		if err := w.svc.ClearMail(ctx); err != nil {
			t.Fatal(err)
		}
		if sent, err := w.svc.Invite(ctx, w.admin, inv, "other"); err != nil || sent {
			t.Fatalf("invite without email: sent %v, %v", sent, err)
		}
	})
}

// slackReceiver answers like Slack's incoming webhooks: "ok", or the error
// it is told to give.
type slackReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	status   int
	body     string
	retry    string
	received []map[string]any
}

func newSlack(t *testing.T) *slackReceiver {
	s := &slackReceiver{status: 200, body: "ok"}
	s.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		var m map[string]any
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&m) != nil || (m["text"] == nil && m["blocks"] == nil) {
			rw.WriteHeader(400)
			rw.Write([]byte("invalid_payload"))
			return
		}
		if s.retry != "" {
			rw.Header().Set("Retry-After", s.retry)
		}
		rw.WriteHeader(s.status)
		rw.Write([]byte(s.body))
		if s.status == 200 {
			s.received = append(s.received, m)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *slackReceiver) answer(status int, body, retry string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body, s.retry = status, body, retry
}

func TestSlackChannelDigestsAndFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		sl := newSlack(t)
		ch, err := w.svc.AddSlackChannel(ctx, w.admin, attest.SlackChannel{Name: "#compliance", Kinds: []string{attest.NoticeTest}, Cadence: attest.CadenceImmediately}, sl.URL+"/services/T1/B1/secretpath")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AddSlackChannel(ctx, w.admin, attest.SlackChannel{Name: "#x", Kinds: []string{attest.NoticeSecurity}, Cadence: attest.CadenceDaily}, sl.URL); attest.ErrorField(err) != "kinds" {
			t.Fatalf("security notices to a channel: %v", err)
		}
		w.round(t, time.Now())
		w.fail(t, "github.branch_protection", "acme/api", "acme/web")
		w.round(t, time.Now())
		sl.mu.Lock()
		n := len(sl.received)
		sl.mu.Unlock()
		if n != 1 {
			t.Fatalf("Slack received %d messages; want one digest", n)
		}
		blob, _ := json.Marshal(sl.received[0])
		if !strings.Contains(string(blob), "started failing on 2 resources") || !strings.Contains(string(blob), base+"/o/acme/monitoring/tests/github.branch_protection") {
			t.Fatalf("Slack digest: %s", blob)
		}

		// A removed webhook (404 no_service) fails for good, with the reason.
		sl.answer(404, "no_service", "")
		d, err := w.svc.SendTestSlack(ctx, w.admin, ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		var se *attest.SendError
		if err := w.svc.Deliver(ctx, d.ID, false); !errors.As(err, &se) || !se.Permanent {
			t.Fatalf("404 no_service: %v", err)
		}
		log, _ := w.svc.Deliveries(ctx, w.admin, 10)
		if log[0].ID != d.ID || log[0].Status != attest.DeliveryFailed || !strings.Contains(log[0].LastError, "no_service") || strings.Contains(log[0].LastError, "secretpath") {
			t.Fatalf("delivery log after 404: %+v", log[0])
		}

		// Throttled (429): queued again, the wait taken from Retry-After.
		sl.answer(429, "rate_limited", "30")
		d, _ = w.svc.SendTestSlack(ctx, w.admin, ch.ID)
		if err := w.svc.Deliver(ctx, d.ID, false); !errors.As(err, &se) || se.Permanent || se.RetryAfter != 30*time.Second {
			t.Fatalf("429: %v", err)
		}
		log, _ = w.svc.Deliveries(ctx, w.admin, 10)
		if log[0].Status != attest.DeliveryQueued || log[0].Attempts != 1 || log[0].LastError == "" {
			t.Fatalf("delivery after 429: %+v", log[0])
		}
		sl.answer(200, "ok", "")
		if err := w.svc.Deliver(ctx, d.ID, false); err != nil {
			t.Fatal(err)
		}
		log, _ = w.svc.Deliveries(ctx, w.admin, 10)
		if log[0].Status != attest.DeliverySent || log[0].Attempts != 2 {
			t.Fatalf("delivery after the retry: %+v", log[0])
		}
	})
}

func TestUnreachableSMTPIsRetriedThenFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		// A port nothing listens on.
		if err := w.svc.SetMail(ctx, email.Settings{Host: "127.0.0.1", Port: 1, Security: email.None, From: "attest@acme.test"}); err != nil {
			t.Fatal(err)
		}
		d, err := w.svc.SendTestEmail(ctx, w.admin)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Deliver(ctx, d.ID, false); err == nil {
			t.Fatal("sent through a closed port")
		}
		log, _ := w.svc.Deliveries(ctx, w.admin, 10)
		if log[0].Status != attest.DeliveryQueued || log[0].LastError == "" {
			t.Fatalf("after a refused connection: %+v; want queued again with the reason", log[0])
		}
		if ids, _ := w.svc.Round(ctx, time.Now()); len(ids) != 1 || ids[0] != d.ID {
			t.Fatalf("a round hands over %v; want the queued message again", ids)
		}
		if err := w.svc.Deliver(ctx, d.ID, true); err == nil {
			t.Fatal("sent through a closed port")
		}
		log, _ = w.svc.Deliveries(ctx, w.admin, 10)
		if log[0].Status != attest.DeliveryFailed || log[0].Attempts != 2 {
			t.Fatalf("after the last attempt: %+v; want failed", log[0])
		}
	})
}

func TestPreferencesAndDefaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		emp := storetest.MustMember(t, db, w.org, attest.RoleEmployee, "emp@acme.test")
		p := attest.Principal{UserID: emp.ID, OrgID: w.org.ID, Role: attest.RoleEmployee}
		if err := w.svc.SetDefaults(ctx, p, map[string]string{"task": "hourly"}); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Fatalf("an employee set the defaults: %v", err)
		}
		if err := w.svc.SetDefaults(ctx, w.admin, map[string]string{"task": "hourly"}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SetPreferences(ctx, p, map[string]string{"invitation": "off"}); attest.ErrorField(err) != "invitation" {
			t.Fatalf("turning invitations off: %v", err)
		}
		if err := w.svc.SetPreferences(ctx, p, map[string]string{"task": "weekly"}); attest.ErrorField(err) != "task" {
			t.Fatalf("an unknown cadence: %v", err)
		}
		if err := w.svc.SetPreferences(ctx, p, map[string]string{"test": "off"}); err != nil {
			t.Fatal(err)
		}
		prefs, _ := w.svc.Preferences(ctx, p)
		got := map[string]notify.Preference{}
		for _, x := range prefs {
			got[x.Kind.ID] = x
		}
		if got["task"].Cadence != attest.CadenceHourly || got["task"].Chosen || got["test"].Cadence != attest.CadenceOff || !got["test"].Chosen ||
			got["security"].Cadence != attest.CadenceImmediately || got["evidence"].Cadence != attest.CadenceDaily {
			t.Fatalf("preferences = %+v", got)
		}
		if err := w.svc.SetPreferences(ctx, p, map[string]string{"test": "default"}); err != nil {
			t.Fatal(err)
		}
		prefs, _ = w.svc.Preferences(ctx, p)
		for _, x := range prefs {
			if x.Kind.ID == "test" && (x.Chosen || x.Cadence != attest.CadenceHourly) {
				t.Fatalf("back to the default: %+v", x)
			}
		}
	})
}

func TestDue(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		cadence attest.Cadence
		last    time.Time
		want    bool
	}{
		{attest.CadenceImmediately, now, true},
		{attest.CadenceOff, time.Time{}, false},
		{attest.CadenceHourly, time.Time{}, true},
		{attest.CadenceHourly, now.Add(-59 * time.Minute), false},
		{attest.CadenceHourly, now.Add(-time.Hour), true},
		{attest.CadenceDaily, now.Add(-23 * time.Hour), false},
		{attest.CadenceDaily, now.Add(-24 * time.Hour), true},
	} {
		if got := notify.Due(c.cadence, c.last, now); got != c.want {
			t.Errorf("Due(%s, %v) = %v; want %v", c.cadence, now.Sub(c.last), got, c.want)
		}
	}
}

func TestGroupCountsOneTestOnManyResources(t *testing.T) {
	var ns []attest.Notice
	for _, k := range []string{"a", "b", "c"} {
		ns = append(ns, attest.Notice{Kind: "test", GroupKey: "test:x:fail", DedupeKey: k, Line: "Test x started failing — " + k, Link: "/t/x"})
	}
	ns = append(ns, attest.Notice{Kind: "task", DedupeKey: "t1", Line: "Due tomorrow: y", Link: "/y"},
		attest.Notice{Kind: "test", GroupKey: "test:x:pass", DedupeKey: "d", Line: "Test x recovered — d", Link: "/t/x"})
	secs := notify.Group(ns, "http://h")
	if len(secs) != 2 || secs[0].Kind.ID != "task" || secs[1].Kind.ID != "test" {
		t.Fatalf("sections = %+v", secs)
	}
	lines := secs[1].Lines
	if len(lines) != 2 || lines[0].Count != 3 || lines[0].Text != "Test x started failing on 3 resources, among them a" ||
		lines[1].Text != "Test x recovered — d" || lines[0].Link != "http://h/t/x" {
		t.Fatalf("test lines = %+v", lines)
	}
}

func TestStateIsReadEveryStateEveryHistoryEveryRound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.svc.StateEvery = time.Hour
		now := time.Now().UTC()
		w.round(t, now)
		w.task(t, "Rotate keys", attest.Today(now.AddDate(0, 0, -1)))
		w.fail(t, "github.branch_protection", "acme/api")
		w.round(t, now.Add(time.Minute))
		m := w.mail.Message(t, w.mail.WaitFor(t, 1, 10*time.Second)[0].ID)
		if !strings.Contains(m.Text, "github.branch_protection") || strings.Contains(m.Text, "Rotate keys") {
			t.Fatalf("a round within StateEvery: want the failing test (history) and not the task (state):\n%s", m.Text)
		}
		w.mail.Clear(t)
		w.round(t, now.Add(61*time.Minute))
		m = w.mail.Message(t, w.mail.WaitFor(t, 1, 10*time.Second)[0].ID)
		if !strings.Contains(m.Text, "Overdue since") || !strings.Contains(m.Text, "Rotate keys") {
			t.Fatalf("a round after StateEvery lacks the overdue task:\n%s", m.Text)
		}
	})
}
