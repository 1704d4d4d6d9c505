package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/store"
	"github.com/attest-hq/attest/store/storetest"
)

func TestNoticesAreAnnouncedOnceAndSettled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		u := storetest.MustMember(t, db, org, attest.RoleAdmin, "lead@acme.test")
		n := attest.Notice{OrgID: org.ID, UserID: u.ID, Kind: attest.NoticeTask, DedupeKey: "task:1:overdue:2026-12-01", Line: "Overdue", Link: "/o/acme/tasks/1"}
		added, err := db.AddNotice(ctx, &n)
		if err != nil || !added {
			t.Fatalf("first notice: added %v, %v", added, err)
		}
		again := n
		if added, err := db.AddNotice(ctx, &again); err != nil || added {
			t.Fatalf("the same state announced twice: added %v, %v", added, err)
		}
		// The same state for a channel is another recipient.
		ch := n
		ch.UserID, ch.ChannelID = 0, 7
		if added, err := db.AddNotice(ctx, &ch); err != nil || !added {
			t.Fatalf("channel notice: added %v, %v", added, err)
		}
		pending, err := db.PendingNotices(ctx, org.ID)
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending = %v, %v; want 2", pending, err)
		}
		d := attest.Delivery{OrgID: org.ID, Channel: "email", UserID: u.ID, Address: u.Email, Purpose: attest.DeliveryDigest, Subject: "s"}
		must(t, db.AddDelivery(ctx, &d, []byte("sealed")))
		must(t, db.SettleNotices(ctx, org.ID, []int64{pending[0].ID}, d.ID))
		must(t, db.SettleNotices(ctx, org.ID, []int64{pending[1].ID}, 0))
		if p, _ := db.PendingNotices(ctx, org.ID); len(p) != 0 {
			t.Fatalf("still pending after settling: %v", p)
		}
		mine, err := db.Notices(ctx, org.ID, u.ID, 10)
		if err != nil || len(mine) != 1 || mine[0].State != attest.NoticeSent {
			t.Fatalf("member's notices = %+v, %v; want the one sent", mine, err)
		}

		// A delivery's attempt is recorded once: a second job finds it settled.
		if ok, err := db.RecordAttempt(ctx, d.ID, attest.DeliveryQueued, "server down"); err != nil || !ok {
			t.Fatalf("retry recorded: %v %v", ok, err)
		}
		if ok, err := db.RecordAttempt(ctx, d.ID, attest.DeliverySent, ""); err != nil || !ok {
			t.Fatalf("sent recorded: %v %v", ok, err)
		}
		if ok, err := db.RecordAttempt(ctx, d.ID, attest.DeliverySent, ""); err != nil || ok {
			t.Fatalf("a settled message was recorded again: %v %v", ok, err)
		}
		got, sealed, err := db.DeliveryBody(ctx, d.ID)
		if err != nil || got.Status != attest.DeliverySent || got.Attempts != 2 || got.SentAt.IsZero() || string(sealed) != "sealed" {
			t.Fatalf("delivery = %+v %q, %v", got, sealed, err)
		}
		if q, _ := db.QueuedDeliveries(ctx, 10); len(q) != 0 {
			t.Fatalf("a sent message is still queued: %v", q)
		}

		// Marks and the watermark round-trip.
		at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
		r := store.Recipient{UserID: u.ID}
		must(t, db.SetNoticeMark(ctx, org.ID, r, attest.CadenceDaily, at))
		must(t, db.SetNoticeMark(ctx, org.ID, r, attest.CadenceDaily, at.Add(time.Hour)))
		marks, err := db.NoticeMarks(ctx, org.ID)
		if err != nil || !marks[r][attest.CadenceDaily].Equal(at.Add(time.Hour)) {
			t.Fatalf("marks = %v, %v", marks, err)
		}
		if _, found, err := db.NoticeWatermark(ctx, org.ID); err != nil || found {
			t.Fatalf("a watermark before the first round: %v %v", found, err)
		}
		must(t, db.SetNoticeWatermark(ctx, store.Watermark{OrgID: org.ID, Since: at, ChangeID: 3, ActivityID: 9}))
		must(t, db.SetNoticeWatermark(ctx, store.Watermark{OrgID: org.ID, Since: at.Add(time.Hour), ChangeID: 4, ActivityID: 10}))
		w, found, err := db.NoticeWatermark(ctx, org.ID)
		if err != nil || !found || !w.Since.Equal(at) || w.ChangeID != 4 || w.ActivityID != 10 {
			t.Fatalf("watermark = %+v %v %v; want since kept at the first round, IDs moved on", w, found, err)
		}
	})
}

func TestNotificationSettingsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		org := storetest.MustOrg(t, db, "acme")
		u := storetest.MustMember(t, db, org, attest.RoleAdmin, "lead@acme.test")
		if _, err := db.MailSettings(ctx); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("mail settings before any: %v", err)
		}
		must(t, db.SaveMailSettings(ctx, store.MailSettings{Host: "smtp.test", Port: 587, Security: "starttls", Username: "u", From: "a@acme.test", SealedPassword: []byte("pw")}))
		must(t, db.SaveMailSettings(ctx, store.MailSettings{Host: "smtp2.test", Port: 465, Security: "tls", From: "b@acme.test"}))
		m, err := db.MailSettings(ctx)
		if err != nil || m.Host != "smtp2.test" || m.Port != 465 || m.SealedPassword != nil || m.Username != "" {
			t.Fatalf("mail settings = %+v, %v", m, err)
		}
		must(t, db.DeleteMailSettings(ctx))
		if _, err := db.MailSettings(ctx); attest.ErrorCode(err) != attest.ENOTFOUND {
			t.Fatalf("mail settings after clearing: %v", err)
		}

		c := attest.SlackChannel{OrgID: org.ID, Name: "#compliance", Kinds: []string{"test", "task"}, Cadence: attest.CadenceHourly, CreatedBy: u.ID}
		must(t, db.AddSlackChannel(ctx, &c, []byte("hook")))
		c.Kinds, c.Cadence = []string{"evidence"}, attest.CadenceDaily
		must(t, db.UpdateSlackChannel(ctx, c, nil))
		got, sealed, err := db.SlackChannel(ctx, org.ID, c.ID)
		if err != nil || string(sealed) != "hook" || len(got.Kinds) != 1 || got.Kinds[0] != "evidence" || got.Cadence != attest.CadenceDaily {
			t.Fatalf("channel = %+v %q, %v (a nil webhook must keep the stored one)", got, sealed, err)
		}
		must(t, db.UpdateSlackChannel(ctx, c, []byte("hook2")))
		if _, sealed, _ := db.SlackChannel(ctx, org.ID, c.ID); string(sealed) != "hook2" {
			t.Fatalf("webhook not replaced: %q", sealed)
		}

		must(t, db.SetNoticePref(ctx, org.ID, u.ID, "task", attest.CadenceOff))
		must(t, db.SetNoticePref(ctx, org.ID, u.ID, "task", attest.CadenceHourly))
		must(t, db.SetNoticePref(ctx, org.ID, u.ID, "test", attest.CadenceDaily))
		must(t, db.SetNoticePref(ctx, org.ID, u.ID, "test", ""))
		prefs, err := db.NoticePrefs(ctx, org.ID, u.ID)
		if err != nil || len(prefs[u.ID]) != 1 || prefs[u.ID]["task"] != attest.CadenceHourly {
			t.Fatalf("prefs = %v, %v", prefs, err)
		}
		must(t, db.SetNoticeDefault(ctx, org.ID, "evidence", attest.CadenceImmediately))
		if d, err := db.NoticeDefaults(ctx, org.ID); err != nil || d["evidence"] != attest.CadenceImmediately {
			t.Fatalf("defaults = %v, %v", d, err)
		}
		must(t, db.SetMailFromName(ctx, org.ID, "Acme Compliance"))
		if n, err := db.MailFromName(ctx, org.ID); err != nil || n != "Acme Compliance" {
			t.Fatalf("from name = %q, %v", n, err)
		}
	})
}

// notifyTenant gives each organization notification records under the same
// names, so that a query without its filter shows the other's.
func notifyTenant(t *testing.T, ctx context.Context, db *store.DB, w tenant) attest.SlackChannel {
	t.Helper()
	c := attest.SlackChannel{OrgID: w.org.ID, Name: "#shared", Kinds: []string{"test"}, Cadence: attest.CadenceHourly}
	must(t, db.AddSlackChannel(ctx, &c, []byte("hook-"+w.org.Slug)))
	must(t, db.SetNoticePref(ctx, w.org.ID, w.admin.ID, "task", attest.CadenceOff))
	must(t, db.SetNoticeDefault(ctx, w.org.ID, "task", attest.CadenceHourly))
	n := attest.Notice{OrgID: w.org.ID, UserID: w.admin.ID, Kind: "task", DedupeKey: "shared", Line: "line of " + w.org.Slug, Link: "/"}
	_, err := db.AddNotice(ctx, &n)
	must(t, err)
	must(t, db.SetNoticeMark(ctx, w.org.ID, store.Recipient{UserID: w.admin.ID}, attest.CadenceHourly, time.Now()))
	must(t, db.SetNoticeWatermark(ctx, store.Watermark{OrgID: w.org.ID, Since: time.Now(), ChangeID: 1, ActivityID: 1}))
	d := attest.Delivery{OrgID: w.org.ID, Channel: "email", Address: w.admin.Email, Purpose: "digest", Subject: "digest of " + w.org.Slug}
	must(t, db.AddDelivery(ctx, &d, []byte("x")))
	must(t, db.SetMailFromName(ctx, w.org.ID, "name of "+w.org.Slug))
	return c
}

func init() {
	for name, why := range map[string]string{
		"SetMailFromName":    "changes the organization itself",
		"AddSlackChannel":    "creates a record of the organization it names",
		"SetNoticePref":      "writes a member's choice in the organization it names",
		"SetNoticeDefault":   "writes the organization's own default",
		"AddNotice":          "creates a record of the organization it names",
		"SetNoticeMark":      "writes the organization's own mark",
		"SetNoticeWatermark": "writes the organization's own watermark",
		"AddDelivery":        "creates a record of the organization it names",
		"DeliveryBody":       "for the job sending a delivery, given only the ID its own round queued; no person names it",
		"ResealWebhook":      "re-seals, after a key rotation, a value SealedNotifyValues found in any organization",
		"ResealBody":         "re-seals, after a key rotation, a value SealedNotifyValues found in any organization",
		"RecordAttempt":      "for the job sending a delivery, given only the ID its own round queued; no person names it",
	} {
		notTenantScoped[name] = why
	}
	// Each case builds both organizations' records once, on first use.
	var ca, cb attest.SlackChannel
	var built *store.DB
	build := func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
		if built != db {
			ca, cb = notifyTenant(t, ctx, db, a), notifyTenant(t, ctx, db, b)
			built = db
		}
	}
	_ = ca
	tenantCases = append(tenantCases,
		tenantCase{"MailFromName", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			if n, err := db.MailFromName(ctx, a.org.ID); err != nil || n != "name of a" {
				t.Fatalf("a's sender name = %q, %v", n, err)
			}
		}},
		tenantCase{"SlackChannels", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			list, err := db.SlackChannels(ctx, a.org.ID)
			if err != nil || len(list) != 1 || list[0].OrgID != a.org.ID {
				t.Fatalf("a's channels = %+v, %v", list, err)
			}
		}},
		tenantCase{"SlackChannel", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			if _, _, err := db.SlackChannel(ctx, a.org.ID, cb.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("b's channel through a: %v", err)
			}
		}},
		tenantCase{"UpdateSlackChannel", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			c := cb
			c.OrgID, c.Name = a.org.ID, "#stolen"
			if err := db.UpdateSlackChannel(ctx, c, []byte("evil")); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("b's channel changed through a: %v", err)
			}
			if got, sealed, _ := db.SlackChannel(ctx, b.org.ID, cb.ID); got.Name != "#shared" || string(sealed) != "hook-b" {
				t.Fatalf("b's channel = %+v %q", got, sealed)
			}
		}},
		tenantCase{"DeleteSlackChannel", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			if err := db.DeleteSlackChannel(ctx, a.org.ID, cb.ID); attest.ErrorCode(err) != attest.ENOTFOUND {
				t.Fatalf("b's channel removed through a: %v", err)
			}
		}},
		tenantCase{"NoticePrefs", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			p, err := db.NoticePrefs(ctx, a.org.ID, 0)
			if err != nil || len(p) != 1 || p[a.admin.ID] == nil {
				t.Fatalf("a's preferences = %v, %v", p, err)
			}
		}},
		tenantCase{"NoticeDefaults", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			must(t, db.SetNoticeDefault(ctx, b.org.ID, "evidence", attest.CadenceDaily))
			if d, err := db.NoticeDefaults(ctx, a.org.ID); err != nil || len(d) != 1 {
				t.Fatalf("a's defaults = %v, %v", d, err)
			}
		}},
		tenantCase{"PendingNotices", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			p, err := db.PendingNotices(ctx, a.org.ID)
			if err != nil || len(p) != 1 || p[0].Line != "line of a" {
				t.Fatalf("a's pending notices = %+v, %v", p, err)
			}
		}},
		tenantCase{"Notices", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			p, err := db.Notices(ctx, a.org.ID, b.admin.ID, 10)
			if err != nil || len(p) != 0 {
				t.Fatalf("b's admin's notices through a = %+v, %v", p, err)
			}
		}},
		tenantCase{"SettleNotices", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			pb, _ := db.PendingNotices(ctx, b.org.ID)
			must(t, db.SettleNotices(ctx, a.org.ID, []int64{pb[0].ID}, 0))
			if p, _ := db.PendingNotices(ctx, b.org.ID); len(p) != 1 {
				t.Fatalf("b's notice settled through a")
			}
		}},
		tenantCase{"NoticeMarks", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			m, err := db.NoticeMarks(ctx, a.org.ID)
			if err != nil || len(m) != 1 || m[store.Recipient{UserID: a.admin.ID}] == nil {
				t.Fatalf("a's marks = %v, %v", m, err)
			}
		}},
		tenantCase{"NoticeWatermark", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			must(t, db.SetNoticeWatermark(ctx, store.Watermark{OrgID: b.org.ID, ChangeID: 99, ActivityID: 99}))
			if w, found, err := db.NoticeWatermark(ctx, a.org.ID); err != nil || !found || w.ChangeID != 1 {
				t.Fatalf("a's watermark = %+v %v %v", w, found, err)
			}
		}},
		tenantCase{"LastIDs", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			ca, _, err := db.LastIDs(ctx, a.org.ID)
			all, err2 := db.ResultChanges(ctx, a.org.ID, "", "", 10)
			if err != nil || err2 != nil || len(all) == 0 || ca != all[0].ID {
				t.Fatalf("a's last change = %d (%v); a's newest is %v (%v)", ca, err, all, err2)
			}
		}},
		tenantCase{"FailureChangesAfter", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			got, err := db.FailureChangesAfter(ctx, a.org.ID, 0, 100)
			if err != nil || len(got) == 0 {
				t.Fatalf("a's failure changes = %v, %v", got, err)
			}
			for _, c := range got {
				if c.Message != "fails in a" {
					t.Fatalf("b's change through a: %+v", c)
				}
			}
		}},
		tenantCase{"ActivityAfter", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			must(t, db.Log(ctx, attest.Actor{Label: "x"}.Record(b.org.ID, "test.b-only", "user", "1", "b")))
			list, _, err := db.ActivityAfter(ctx, a.org.ID, 0, []string{"test.b-only"}, 1000)
			if err != nil || len(list) != 0 {
				t.Fatalf("b's activity through a = %v, %v", list, err)
			}
		}},
		tenantCase{"Deliveries", func(t *testing.T, ctx context.Context, db *store.DB, a, b tenant) {
			build(t, ctx, db, a, b)
			list, err := db.Deliveries(ctx, a.org.ID, 10)
			if err != nil || len(list) != 1 || list[0].Subject != "digest of a" {
				t.Fatalf("a's deliveries = %+v, %v", list, err)
			}
		}},
	)
}
