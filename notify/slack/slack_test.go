package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-hq/attest"
	"github.com/attest-hq/attest/notify/slack"
)

// secret is the part of the webhook URL that makes it a credential.
const secret = "xq7ZsecretTOKENv9"

const hookPath = "/services/T000/B000/" + secret

// fakeSlack answers like Slack's incoming webhook endpoint: POST only, a
// JSON body with text or blocks, "ok" on success, and the plain-text error
// a test asks for.
type fakeSlack struct {
	*httptest.Server
	mu       sync.Mutex
	received []slack.Message
	status   int         // 0: answer 200 ok
	body     string      // the answer with status
	header   http.Header // extra headers with status
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	answer := func(status int, body string) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
	if r.URL.Path != hookPath {
		answer(http.StatusNotFound, "no_service")
		return
	}
	if r.Method != http.MethodPost {
		answer(http.StatusMethodNotAllowed, "invalid_method")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		answer(http.StatusBadRequest, "invalid_payload")
		return
	}
	var m slack.Message
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || (m.Text == "" && len(m.Blocks) == 0) {
		answer(http.StatusBadRequest, "invalid_payload")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status != 0 {
		for k, v := range f.header {
			w.Header()[k] = v
		}
		answer(f.status, f.body)
		return
	}
	f.received = append(f.received, m)
	answer(http.StatusOK, "ok")
}

// fail makes the endpoint answer status and body from now on.
func (f *fakeSlack) fail(status int, body string, header http.Header) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body, f.header = status, body, header
}

func (f *fakeSlack) messages() []slack.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]slack.Message(nil), f.received...)
}

func (f *fakeSlack) hook() string { return f.URL + hookPath }

func message() slack.Message {
	return slack.Message{
		Text: "2 tests started failing",
		Blocks: []slack.Block{
			{Type: "header", Text: &slack.Text{Type: "plain_text", Text: "Failing tests"}},
			{Type: "divider"},
			{Type: "section", Text: &slack.Text{Type: "mrkdwn", Text: "*Branch protection* fails on " + slack.Escape("<main & dev>")}},
		},
	}
}

// sendError returns err as a SendError and checks what every failure
// shares: the channel, and no trace of the webhook's secret.
func sendError(t *testing.T, err error) *attest.SendError {
	t.Helper()
	var e *attest.SendError
	if !errors.As(err, &e) {
		t.Fatalf("got %T %v, want *attest.SendError", err, err)
	}
	if e.Channel != "slack" {
		t.Errorf("Channel = %q, want slack", e.Channel)
	}
	for _, s := range []string{e.Error(), e.Reason} {
		if strings.Contains(s, secret) || strings.Contains(s, "/services/") {
			t.Errorf("the error shows the webhook URL: %s", s)
		}
	}
	return e
}

func TestPostDelivers(t *testing.T) {
	f := newFakeSlack(t)
	c := &slack.Client{HTTP: f.Client()}
	m := message()
	if err := c.Post(context.Background(), f.hook(), m); err != nil {
		t.Fatal(err)
	}
	got := f.messages()
	if len(got) != 1 || !reflect.DeepEqual(got[0], m) {
		t.Fatalf("Slack received %+v, want %+v", got, m)
	}
	if want := "*Branch protection* fails on &lt;main &amp; dev&gt;"; got[0].Blocks[2].Text.Text != want {
		t.Errorf("section text = %q, want %q", got[0].Blocks[2].Text.Text, want)
	}
}

func TestPostClassifiesAnswers(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		body       string
		header     http.Header
		permanent  bool
		retryAfter time.Duration
		reason     string
	}{
		{"webhook removed", 404, "no_service", nil, true, 0, "Slack answered 404 no_service: the webhook was removed or its app uninstalled"},
		{"channel gone", 404, "channel_not_found", nil, true, 0, "Slack answered 404 channel_not_found: "},
		{"channel archived", 410, "channel_is_archived", nil, true, 0, "Slack answered 410 channel_is_archived: the webhook's channel is archived"},
		{"token revoked", 403, "invalid_token", nil, true, 0, "Slack answered 403 invalid_token: "},
		{"prohibited", 403, "action_prohibited", nil, true, 0, "Slack answered 403 action_prohibited: "},
		{"other 4xx", 418, "", nil, true, 0, "Slack answered 418 I'm a teapot"},
		{"rate limited", 429, "rate_limited", http.Header{"Retry-After": {"30"}}, false, 30 * time.Second, "Slack answered 429 rate_limited"},
		{"rate limited without a wait", 429, "", nil, false, 60 * time.Second, "Slack answered 429"},
		{"rate limited with a garbled wait", 429, "", http.Header{"Retry-After": {"soon"}}, false, 60 * time.Second, "Slack answered 429"},
		{"Slack's fault", 500, "rollup_error", nil, false, 0, "Slack answered 500 rollup_error: a problem on Slack's side"},
		{"Slack down", 503, "", nil, false, 0, "Slack answered 503 Service Unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSlack(t)
			f.fail(tc.status, tc.body, tc.header)
			err := (&slack.Client{HTTP: f.Client()}).Post(context.Background(), f.hook(), message())
			e := sendError(t, err)
			if e.Permanent != tc.permanent {
				t.Errorf("Permanent = %v, want %v (%v)", e.Permanent, tc.permanent, e)
			}
			if e.RetryAfter != tc.retryAfter {
				t.Errorf("RetryAfter = %s, want %s", e.RetryAfter, tc.retryAfter)
			}
			if !strings.HasPrefix(e.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to start with %q", e.Reason, tc.reason)
			}
		})
	}
}

func TestPostEmptyMessageIsInvalidPayload(t *testing.T) {
	f := newFakeSlack(t)
	e := sendError(t, (&slack.Client{HTTP: f.Client()}).Post(context.Background(), f.hook(), slack.Message{}))
	if !e.Permanent || !strings.HasPrefix(e.Reason, "Slack answered 400 invalid_payload: ") {
		t.Errorf("got %+v, want a permanent 400 invalid_payload", e)
	}
}

func TestPostUnknownWebhook(t *testing.T) {
	f := newFakeSlack(t)
	e := sendError(t, (&slack.Client{HTTP: f.Client()}).Post(context.Background(), f.URL+"/services/T000/B000/"+secret+"x", message()))
	if !e.Permanent || !strings.Contains(e.Reason, "no_service") {
		t.Errorf("got %+v, want a permanent no_service", e)
	}
}

func TestAnswerEchoingTheURLIsRedacted(t *testing.T) {
	f := newFakeSlack(t)
	f.fail(http.StatusNotFound, "Cannot POST "+hookPath+"\n<html>…", nil)
	e := sendError(t, (&slack.Client{HTTP: f.Client()}).Post(context.Background(), f.hook(), message()))
	if !e.Permanent || e.Reason != "Slack answered 404 Cannot POST [webhook]" {
		t.Errorf("got %q, want the first line with the path hidden", e.Reason)
	}
}

func TestLongAnswerIsCut(t *testing.T) {
	f := newFakeSlack(t)
	f.fail(http.StatusBadRequest, strings.Repeat("x", 1<<20), nil)
	e := sendError(t, (&slack.Client{HTTP: f.Client()}).Post(context.Background(), f.hook(), message()))
	if len(e.Reason) > 300 {
		t.Errorf("Reason is %d bytes long", len(e.Reason))
	}
}

func TestNetworkErrorsAreRetriedAndHideTheURL(t *testing.T) {
	f := newFakeSlack(t)
	hook, client := f.hook(), f.Client()
	f.Close() // nothing listens there any more
	e := sendError(t, (&slack.Client{HTTP: client}).Post(context.Background(), hook, message()))
	if e.Permanent {
		t.Errorf("a refused connection is permanent: %v", e)
	}
	if host := strings.TrimPrefix(f.URL, "http://"); !strings.Contains(e.Reason, host) {
		t.Errorf("Reason %q does not name the host %s", e.Reason, host)
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: lets the handler end so Close can
	c := &slack.Client{HTTP: &http.Client{Timeout: 50 * time.Millisecond}}
	e := sendError(t, c.Post(context.Background(), srv.URL+hookPath, message()))
	if e.Permanent || !strings.Contains(e.Reason, "did not answer in time") {
		t.Errorf("got %+v, want a retryable timeout", e)
	}
}

func TestCancelledPost(t *testing.T) {
	f := newFakeSlack(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := (&slack.Client{HTTP: f.Client()}).Post(ctx, f.hook(), message())
	e := sendError(t, err)
	if e.Permanent || !errors.Is(err, context.Canceled) {
		t.Errorf("got %+v, want a retryable error that is context.Canceled", e)
	}
	if len(f.messages()) != 0 {
		t.Error("a cancelled post reached Slack")
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                    "plain",
		"<!channel> & <@U123>":     "&lt;!channel&gt; &amp; &lt;@U123&gt;",
		"a &amp; b":                "a &amp;amp; b",
		"*bold* _it_ `code` ~del~": "*bold* _it_ `code` ~del~",
	} {
		if got := slack.Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateWebhookURL(t *testing.T) {
	for _, tc := range []struct {
		url       string
		allowHTTP bool
		ok        bool
	}{
		{"https://hooks.slack.com/services/T000/B000/" + secret, false, true},
		{"https://hooks.slack.com:8443/services/x", false, true},
		{"", false, false},
		{"hooks.slack.com/services/x", false, false},
		{"http://hooks.slack.com/services/x", false, false},
		{"http://hooks.slack.com/services/x", true, true},
		{"ftp://hooks.slack.com/services/x", true, false},
		{"https://203.0.113.7/services/x", false, false},
		{"https://[2001:db8::1]/services/x", false, false},
		{"https://127.0.0.1/services/x", false, false},
		{"http://127.0.0.1:8080/services/x", true, true},
		{"http://[::1]:8080/services/x", true, true},
		{"http://203.0.113.7/services/x", true, false},
		{"https://user:pw@hooks.slack.com/services/x", false, false},
		{"https://hooks.slack.com/services/x#frag", false, false},
		{"https://hooks.slack.com/services/x#", false, false},
		{"https:///services/x", false, false},
		{"https://hooks.slack.com/%zz/" + secret, false, false},
	} {
		err := slack.ValidateWebhookURL(tc.url, tc.allowHTTP)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateWebhookURL(%q, %v) = %v, want ok %v", tc.url, tc.allowHTTP, err, tc.ok)
			continue
		}
		if err != nil {
			if f := attest.ErrorField(err); f != "webhook" {
				t.Errorf("ValidateWebhookURL(%q): field %q, want webhook", tc.url, f)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "/services/") {
				t.Errorf("ValidateWebhookURL(%q) repeats the URL: %v", tc.url, err)
			}
		}
	}
}

// A Client without its own HTTP client goes through the proxy the
// environment names. net/http reads the proxy variables once per process,
// on first use, so the post is made by a fresh copy of this test binary
// whose environment names a proxy this test runs; the proxy answers as
// Slack would. (Go never proxies loopback addresses, hence the made-up
// host name.)
func TestNilClientUsesProxyFromEnvironment(t *testing.T) {
	const hook = "http://hooks.slack.test" + hookPath
	if os.Getenv("ATTEST_SLACK_PROXY_CHILD") == "1" {
		if err := (&slack.Client{}).Post(context.Background(), hook, message()); err != nil {
			t.Fatal(err)
		}
		return
	}
	type request struct{ method, uri, host string }
	seen := make(chan request, 1)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- request{r.Method, r.RequestURI, r.Host}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(proxy.Close)

	cmd := exec.Command(os.Args[0], "-test.run=^TestNilClientUsesProxyFromEnvironment$", "-test.count=1")
	for _, kv := range os.Environ() {
		switch strings.ToUpper(strings.SplitN(kv, "=", 2)[0]) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD":
			continue // ours below; REQUEST_METHOD (CGI) makes Go ignore HTTP_PROXY
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "ATTEST_SLACK_PROXY_CHILD=1", "HTTP_PROXY="+proxy.URL, "HTTPS_PROXY="+proxy.URL)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the post through the proxy failed: %v\n%s", err, out)
	}
	select {
	case r := <-seen:
		if r.method != http.MethodPost || r.host != "hooks.slack.test" || r.uri != hook {
			t.Errorf("the proxy saw %+v, want a POST of %s", r, hook)
		}
	default:
		t.Fatal("the post succeeded without going through the proxy")
	}
}
