// Package slack posts notifications to a Slack channel through an incoming
// webhook, and tells apart the failures worth retrying from those only a
// person changing the webhook can fix (attest.SendError).
//
// A webhook URL is a secret: whoever holds it can post to the channel. It
// never appears in an error, only its host does.
package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/attest-hq/attest"
)

// Message is what a webhook posts. Text is required by Slack even with
// blocks: it is the notification and the fallback where blocks do not show.
type Message struct {
	Text   string  `json:"text"` // Slack mrkdwn
	Blocks []Block `json:"blocks,omitempty"`
}

// Block is a Block Kit layout block: "section", "header" or "divider".
type Block struct {
	Type string `json:"type"`
	Text *Text  `json:"text,omitempty"`
}

// Text is a text object: "mrkdwn" or "plain_text".
type Text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes s safe inside mrkdwn text: Slack reads <…> as a link or a
// mention (<!channel> would notify everyone), and & starts an entity.
func Escape(s string) string { return escaper.Replace(s) }

// ValidateWebhookURL accepts an https URL with a host name (not an IP
// address), no user info and no fragment. allowHTTP, for tests and local
// receivers, also accepts http and loopback addresses. Errors never repeat
// the URL, which is a secret.
func ValidateWebhookURL(raw string, allowHTTP bool) error {
	if raw == "" {
		return attest.Invalid("webhook", "the webhook URL is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return attest.Invalid("webhook", "the webhook URL is not a valid URL")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowHTTP:
	default:
		return attest.Invalid("webhook", "the webhook URL must start with https://")
	}
	if u.User != nil {
		return attest.Invalid("webhook", "the webhook URL must not carry a user name or password")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return attest.Invalid("webhook", "the webhook URL must not have a #fragment")
	}
	host := u.Hostname()
	if host == "" {
		return attest.Invalid("webhook", "the webhook URL has no host")
	}
	if ip := net.ParseIP(host); ip != nil && !(allowHTTP && ip.IsLoopback()) {
		return attest.Invalid("webhook", "the webhook URL must name a host, not an IP address")
	}
	return nil
}

// Client posts to webhooks.
type Client struct {
	// HTTP is the client to post with; nil: one with a 30 s timeout that
	// goes through the proxy the environment names (HTTPS_PROXY …), as
	// installs that reach the internet only through a proxy need.
	HTTP *http.Client
}

var defaultHTTP = sync.OnceValue(func() *http.Client {
	// A clone of the default transport keeps its Proxy
	// (http.ProxyFromEnvironment), dial timeouts and connection pool.
	return &http.Client{Timeout: 30 * time.Second, Transport: http.DefaultTransport.(*http.Transport).Clone()}
})

// maxAnswer bounds how much of Slack's answer is read: it is a word or two.
const maxAnswer = 64 << 10

// defaultRetryAfter is the wait after a 429 that named none we can read.
const defaultRetryAfter = 60 * time.Second

// Post posts m to the webhook. It returns nil only when Slack answers 2xx;
// every failure is an *attest.SendError.
func (c *Client) Post(ctx context.Context, webhookURL string, m Message) error {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Host == "" {
		return &attest.SendError{Channel: "slack", Reason: "the webhook URL is not a valid URL", Permanent: true}
	}
	host := u.Host
	body, err := json.Marshal(m)
	if err != nil {
		return &attest.SendError{Channel: "slack", Reason: "the message cannot be encoded", Permanent: true, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return &attest.SendError{Channel: "slack", Reason: "the webhook URL is not a valid URL", Permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP()
	}
	res, err := hc.Do(req)
	if err != nil {
		reason := "could not reach Slack at " + host
		var ne net.Error
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			reason = "posting to Slack was cancelled"
		case errors.As(err, &ne) && ne.Timeout():
			reason = "Slack at " + host + " did not answer in time"
		}
		return &attest.SendError{Channel: "slack", Reason: reason, Err: hideURL(err, u)}
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return &attest.SendError{Channel: "slack", Reason: fmt.Sprintf("Slack at %s answered %d but the answer could not be read", host, res.StatusCode), Err: hideURL(err, u)}
	}
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return nil
	}
	code := summary(string(answer), u)
	reason := fmt.Sprintf("Slack answered %d", res.StatusCode)
	if code != "" {
		reason += " " + code
	} else {
		reason += " " + http.StatusText(res.StatusCode)
	}
	if meaning, ok := meanings[code]; ok {
		reason += ": " + meaning
	}
	e := &attest.SendError{Channel: "slack", Reason: reason}
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		e.RetryAfter = retryAfter(res.Header.Get("Retry-After"))
		e.Reason += fmt.Sprintf(": Slack asks to wait %s", e.RetryAfter)
	case res.StatusCode >= 500:
	default:
		// Slack refused this webhook or this message; sending it again
		// will be refused again.
		e.Permanent = true
	}
	return e
}

// meanings are the plain-text answers Slack documents for incoming
// webhooks, in words for the person reading the delivery log.
var meanings = map[string]string{
	"invalid_payload":                   "Slack could not read the message",
	"user_not_found":                    "the user the message names does not exist",
	"action_prohibited":                 "the workspace's admins restrict posting through this webhook",
	"posting_to_general_channel_denied": "only admins may post to that channel",
	"channel_not_found":                 "the webhook's channel no longer exists",
	"channel_is_archived":               "the webhook's channel is archived",
	"no_service":                        "the webhook was removed or its app uninstalled",
	"no_service_id":                     "the webhook URL is incomplete",
	"no_team":                           "the Slack workspace no longer exists",
	"team_disabled":                     "the Slack workspace is disabled",
	"invalid_token":                     "the webhook's token is no longer valid",
	"no_text":                           "the message has no text",
	"too_many_attachments":              "the message has too many attachments",
	"rollup_error":                      "a problem on Slack's side",
}

// summary is the first line of Slack's answer, short and printable, with
// the webhook's path hidden should a server echo it back.
func summary(answer string, u *url.URL) string {
	answer = strings.TrimSpace(redact(answer, u))
	if i := strings.IndexAny(answer, "\r\n"); i >= 0 {
		answer = answer[:i]
	}
	answer = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, answer)
	if r := []rune(answer); len(r) > 200 {
		answer = string(r[:200]) + "…"
	}
	return answer
}

// retryAfter reads Retry-After as Slack sends it, in seconds.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return defaultRetryAfter
	}
	return time.Duration(n) * time.Second
}

// hideURL returns err without the webhook URL: net/http's *url.Error
// carries it whole, and an inner error might repeat its path.
func hideURL(err error, u *url.URL) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if text := err.Error(); redact(text, u) != text {
		return errors.New(redact(text, u))
	}
	return err
}

// redact replaces the secret parts of the webhook URL in s.
func redact(s string, u *url.URL) string {
	for _, secret := range []string{u.String(), u.RequestURI(), u.EscapedPath(), u.Path, u.RawQuery} {
		if len(secret) > 1 { // "/" alone is no secret
			s = strings.ReplaceAll(s, secret, "[webhook]")
		}
	}
	return s
}
