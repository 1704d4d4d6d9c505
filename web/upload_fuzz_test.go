package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/attest-hq/attest"
)

// FuzzEvidenceForm sends hostile multipart bodies to readEvidenceForm, the
// part of every evidence upload (UI and API) that reads the body before its
// file, through an httptest request as a client would, under a 4 KiB limit.
// A refusal is an attest.Invalid on a field with a message. A form read has
// every text field within 64 KiB, control IDs only with a "control" field,
// and a file part (if any) named "file" with a filename; reading that file
// never passes the limit, and stops at it only for a body larger.
// Allocation stays within 1 MiB plus 16 bytes per input byte.
func FuzzEvidenceForm(f *testing.F) {
	const boundary = "attestboundary"
	form := func(parts ...string) []byte {
		var b strings.Builder
		for i := 0; i+1 < len(parts); i += 2 {
			b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; " + parts[i] + "\r\n\r\n" + parts[i+1] + "\r\n")
		}
		b.WriteString("--" + boundary + "--\r\n")
		return []byte(b.String())
	}
	f.Add(form(`name="title"`, "Q3 access review", `name="control"`, "12", `name="control"`, "14",
		`name="period_start"`, "2026-07-01", `name="period_end"`, "2026-09-30",
		"name=\"file\"; filename=\"review.csv\"\r\nContent-Type: text/csv", "login,decision\nada,keep\n"))
	f.Add(form(`name="kind"`, "attestation", `name="control"`, "3", `name="text"`, "We rotate keys yearly."))
	f.Add(form(`name="control"`, "twelve"))
	f.Add(form(`name="file"; filename="../../etc/passwd"`, strings.Repeat("x", 5000)))
	f.Add(form(`name="notes"`, strings.Repeat("n", 70<<10)))
	f.Add([]byte("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\ncut short"))
	const limit = 4 << 10
	f.Fuzz(func(t *testing.T, body []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := httptest.NewRequest(http.MethodPost, "/evidence", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		fm := &Form{Values: map[string]string{}, Errors: map[string]string{}}
		controls, part, err := readEvidenceForm(httptest.NewRecorder(), r, limit, fm)
		var read int64
		var readErr error
		if err == nil && part != nil {
			read, readErr = io.Copy(io.Discard, part)
		}
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20+16*uint64(len(body)) {
			t.Fatalf("reading %d bytes allocated %d", len(body), n)
		}
		if err != nil {
			if attest.ErrorField(err) == "" || attest.ErrorMessage(err) == "" {
				t.Fatalf("refusal without a field and a message: %v", err)
			}
			return
		}
		for name, v := range fm.Values {
			if name != "control" && name != "controls" && len(v) > 64<<10 {
				t.Fatalf("field %q of %d bytes", name, len(v))
			}
		}
		if len(controls) > 0 && fm.Values["control"] == "" {
			t.Fatalf("%d control IDs and no control field", len(controls))
		}
		if part == nil {
			return
		}
		if part.FormName() != "file" || rawFilename(part) == "" {
			t.Fatalf("file part %q named %q", part.FormName(), rawFilename(part))
		}
		var max *http.MaxBytesError
		if read > limit || errors.As(readErr, &max) && int64(len(body)) <= limit {
			t.Fatalf("read %d bytes of the file (limit %d), %v", read, limit, readErr)
		}
	})
}
