package notify

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/notify/slack"
	"github.com/attest-hq/attest/store"
)

// Due reports whether notices of cadence c may go out at now, given when
// the recipient last received a digest carrying that cadence: immediately
// always, hourly and daily once their period has passed since the last.
func Due(c attest.Cadence, last, now time.Time) bool {
	switch c {
	case attest.CadenceOff:
		return false
	case attest.CadenceImmediately:
		return true
	}
	return last.IsZero() || !now.Before(last.Add(c.Period()))
}

// Line is one line of a digest: a notice, or several of one group (a test
// failing on many resources) with their count.
type Line struct {
	Text  string
	Link  string // absolute
	Count int
}

// Section is a digest's lines of one kind.
type Section struct {
	Kind  attest.NoticeKind
	Lines []Line
}

// Group turns notices into a digest's sections: in NoticeKinds order, each
// group of notices (same GroupKey) one line, in the order they happened.
// A group's line is its first notice's, its detail (after " — ") replaced by
// the count: "Test x started failing on 200 resources, among them repo-a".
func Group(notices []attest.Notice, base string) []Section {
	var out []Section
	for _, k := range attest.NoticeKinds {
		sec := Section{Kind: k}
		at := map[string]int{}
		for _, n := range notices {
			if n.Kind != k.ID {
				continue
			}
			key := n.GroupKey
			if key == "" {
				key = n.DedupeKey
			}
			if i, ok := at[key]; ok {
				sec.Lines[i].Count++
				continue
			}
			at[key] = len(sec.Lines)
			sec.Lines = append(sec.Lines, Line{Text: n.Line, Link: base + n.Link, Count: 1})
		}
		for i, l := range sec.Lines {
			if head, detail, ok := strings.Cut(l.Text, " — "); ok && l.Count > 1 {
				sec.Lines[i].Text = fmt.Sprintf("%s on %d resources, among them %s", head, l.Count, detail)
			}
		}
		if len(sec.Lines) > 0 {
			out = append(out, sec)
		}
	}
	return out
}

// Subject is a digest email's subject: the organization and what it holds.
func Subject(org string, secs []Section) string {
	var parts []string
	for _, s := range secs {
		parts = append(parts, fmt.Sprintf("%s (%d)", s.Kind.Title, len(s.Lines)))
	}
	return org + ": " + strings.Join(parts, ", ")
}

// digests sends every recipient of an organization the notices whose
// cadence has come round, as one message each. Notices of a kind the
// recipient turned off, for a member without email or a channel no longer
// told of the kind, are muted: they are kept, not sent.
func (s *Service) digests(ctx context.Context, org attest.Organization, now time.Time) error {
	q := &s.DB.Queries
	pending, err := q.PendingNotices(ctx, org.ID)
	if err != nil || len(pending) == 0 {
		return err
	}
	prefs, err := q.NoticePrefs(ctx, org.ID, 0)
	if err != nil {
		return err
	}
	defaults, err := q.NoticeDefaults(ctx, org.ID)
	if err != nil {
		return err
	}
	marks, err := q.NoticeMarks(ctx, org.ID)
	if err != nil {
		return err
	}
	_, err = q.MailSettings(ctx)
	mailOK := err == nil
	if err != nil && attest.ErrorCode(err) != attest.ENOTFOUND {
		return err
	}
	chans, err := q.SlackChannels(ctx, org.ID)
	if err != nil {
		return err
	}
	channels := map[int64]attest.SlackChannel{}
	for _, c := range chans {
		channels[c.ID] = c
	}
	ms, err := q.Members(ctx, org.ID)
	if err != nil {
		return err
	}
	members := map[int64]attest.Membership{}
	for _, m := range ms {
		members[m.User.ID] = m
	}
	byRecipient := map[store.Recipient][]attest.Notice{}
	var order []store.Recipient
	for _, n := range pending {
		r := store.Recipient{UserID: n.UserID, ChannelID: n.ChannelID}
		if _, ok := byRecipient[r]; !ok {
			order = append(order, r)
		}
		byRecipient[r] = append(byRecipient[r], n)
	}
	for _, r := range order {
		var due []attest.Notice
		var muted []int64
		cadences := map[attest.Cadence]bool{}
		for _, n := range byRecipient[r] {
			c := attest.CadenceOff
			if ch, ok := channels[r.ChannelID]; ok && r.ChannelID != 0 {
				for _, k := range ch.Kinds {
					if k == n.Kind {
						c = ch.Cadence
					}
				}
			} else if _, ok := members[r.UserID]; ok && r.UserID != 0 && mailOK {
				if k, ok := attest.Kind(n.Kind); ok {
					c, _ = cadenceFor(k, prefs[r.UserID], defaults)
				}
			}
			switch {
			case c == attest.CadenceOff:
				muted = append(muted, n.ID)
			case Due(c, marks[r][c], now):
				due = append(due, n)
				cadences[c] = true
			}
		}
		err := s.DB.Update(ctx, func(tx *store.Queries) error {
			if err := tx.SettleNotices(ctx, org.ID, muted, 0); err != nil {
				return err
			}
			if len(due) == 0 {
				return nil
			}
			d, b, err := s.compose(ctx, tx, org, r, members[r.UserID], channels[r.ChannelID], due)
			if err != nil {
				return err
			}
			if err := s.add(ctx, tx, &d, b); err != nil {
				return err
			}
			ids := make([]int64, len(due))
			for i, n := range due {
				ids[i] = n.ID
			}
			if err := tx.SettleNotices(ctx, org.ID, ids, d.ID); err != nil {
				return err
			}
			for c := range cadences {
				if err := tx.SetNoticeMark(ctx, org.ID, r, c, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// compose writes a digest for a member (email) or a channel (Slack).
func (s *Service) compose(ctx context.Context, tx *store.Queries, org attest.Organization, r store.Recipient,
	m attest.Membership, ch attest.SlackChannel, notices []attest.Notice) (attest.Delivery, body, error) {
	secs := Group(notices, s.BaseURL)
	subject := Subject(org.Name, secs)
	if r.ChannelID != 0 {
		d := attest.Delivery{OrgID: org.ID, Channel: "slack", ChannelID: ch.ID, Address: ch.Name, Purpose: attest.DeliveryDigest, Subject: subject}
		return d, body{Slack: slackDigest(org, secs)}, nil
	}
	d := attest.Delivery{OrgID: org.ID, Channel: "email", UserID: m.User.ID, Address: m.User.Email, Purpose: attest.DeliveryDigest, Subject: subject}
	from, err := s.from(ctx, tx, org)
	if err != nil {
		return d, body{}, err
	}
	var kinds []string
	type unsub struct{ Title, URL string }
	var links []unsub
	for _, sec := range secs {
		if sec.Kind.Fixed {
			continue
		}
		kinds = append(kinds, sec.Kind.ID)
		tok, err := s.UnsubscribeToken(org.ID, m.User.ID, sec.Kind.ID)
		if err != nil {
			return d, body{}, err
		}
		links = append(links, unsub{sec.Kind.Title, s.BaseURL + "/unsubscribe/" + tok})
	}
	b := body{FromName: from}
	if len(kinds) > 0 {
		tok, err := s.UnsubscribeToken(org.ID, m.User.ID, kinds...)
		if err != nil {
			return d, body{}, err
		}
		b.Unsubscribe = s.BaseURL + "/unsubscribe/" + tok
	}
	prefs := s.BaseURL + "/o/" + org.Slug + "/notifications"
	name := m.User.Name
	if name == "" {
		name = m.User.Email
	}
	var t strings.Builder
	fmt.Fprintf(&t, "Hello %s,\n\nThis is what needs you in %s.\n", name, org.Name)
	for _, sec := range secs {
		fmt.Fprintf(&t, "\n%s\n%s\n", sec.Kind.Title, strings.Repeat("-", len(sec.Kind.Title)))
		for _, l := range sec.Lines {
			fmt.Fprintf(&t, "* %s\n  %s\n", l.Text, l.Link)
		}
	}
	fmt.Fprintf(&t, "\n-- \nChoose what you hear about, and how often: %s\n", prefs)
	for _, l := range links {
		fmt.Fprintf(&t, "Stop emails about %s: %s\n", strings.ToLower(l.Title), l.URL)
	}
	b.Text = t.String()
	b.HTML = render(digestHTML, map[string]any{"Name": name, "Org": org.Name, "Sections": secs, "Prefs": prefs, "Unsubscribe": links})
	return d, b, nil
}

// slackDigest is a digest as a Slack message: a header, then a section per
// kind with a linked line per group.
func slackDigest(org attest.Organization, secs []Section) *slack.Message {
	m := &slack.Message{Text: slack.Escape(Subject(org.Name, secs))}
	m.Blocks = append(m.Blocks, slack.Block{Type: "header", Text: &slack.Text{Type: "plain_text", Text: truncate(org.Name+": what needs attention", 150)}})
	for _, sec := range secs {
		var b strings.Builder
		fmt.Fprintf(&b, "*%s*\n", slack.Escape(sec.Kind.Title))
		for i, l := range sec.Lines {
			if i == 20 {
				fmt.Fprintf(&b, "… and %d more\n", len(sec.Lines)-20)
				break
			}
			fmt.Fprintf(&b, "• <%s|%s>\n", l.Link, slack.Escape(l.Text))
		}
		m.Blocks = append(m.Blocks, slack.Block{Type: "section", Text: &slack.Text{Type: "mrkdwn", Text: truncate(b.String(), 3000)}})
	}
	return m
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s[:n-1])
	return string(r[:len(r)-1]) + "…"
}

// render fills an HTML email template; the templates are ours and fixed, so
// an error is a defect caught by the tests.
func render(t *template.Template, data any) string {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		panic(fmt.Sprintf("notify: template %s: %v", t.Name(), err))
	}
	return b.String()
}

const htmlHead = `<!doctype html><html><body style="font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1f2933; max-width: 40em">`

var inviteHTML = template.Must(template.New("invite").Parse(htmlHead + `
<p>{{.Who}} invited you to join <strong>{{.Org}}</strong> on Attest as {{.Role}}.</p>
<p><a href="{{.Link}}" style="background: #1d4ed8; color: #fff; padding: .5em 1em; border-radius: 4px; text-decoration: none">Accept the invitation</a></p>
<p>Or open this link: {{.Link}}</p>
<p style="color: #52606d">The link works until {{.Until}} UTC, and only once. If you did not expect it, ignore this email.</p>
</body></html>`))

var testHTML = template.Must(template.New("test").Parse(htmlHead + `
<p>This is a test message from Attest for <strong>{{.Org}}</strong>.</p>
<p>If you can read it, email works: invitations and digests will arrive.</p>
<p><a href="{{.Base}}">{{.Base}}</a></p>
</body></html>`))

var digestHTML = template.Must(template.New("digest").Parse(htmlHead + `
<p>Hello {{.Name}},</p>
<p>This is what needs you in <strong>{{.Org}}</strong>.</p>
{{range .Sections}}<h3 style="margin-bottom: .3em">{{.Kind.Title}}</h3>
<ul>{{range .Lines}}<li><a href="{{.Link}}">{{.Text}}</a></li>{{end}}</ul>
{{end}}<hr>
<p style="color: #52606d; font-size: 90%">Choose what you hear about, and how often: <a href="{{.Prefs}}">notification settings</a>.
{{range .Unsubscribe}}<br><a href="{{.URL}}">Stop emails about {{.Title}}</a>{{end}}</p>
</body></html>`))
