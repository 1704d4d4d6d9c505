package ledger

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestSafeName(t *testing.T) {
	long := strings.Repeat("é", 200) + ".xlsx"
	cases := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{"/etc/passwd", "_etc_passwd"},
		{`C:\Windows\system.ini`, "C__Windows_system.ini"},
		{"..", "_"},
		{" . ", "_"},
		{"", "_"},
		{"<script>alert(1)</script>.html", "_script_alert(1)__script_.html"},
		{"a\x00b\nc\u202Efdp.exe", "a_b_c_fdp.exe"},
		{"bad\xffutf8.txt", "bad_utf8.txt"},
		{"CON.txt", "_CON.txt"},
		{"lpt1", "_lpt1"},
		{"console.txt", "console.txt"},
		{"trailing dots...", "trailing dots"},
		{`what?*"|.csv`, "what____.csv"},
	}
	for _, c := range cases {
		if got := safeName(c.in, maxNameBytes); got != c.want {
			t.Errorf("safeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	got := safeName(long, maxNameBytes)
	if len(got) > maxNameBytes || !strings.HasSuffix(got, ".xlsx") || !utf8.ValidString(got) {
		t.Errorf("safeName(long) = %q (%d bytes), want at most %d valid bytes ending in .xlsx", got, len(got), maxNameBytes)
	}
	if got := safeName(strings.Repeat("x", 100), maxFolderBytes); len(got) != maxFolderBytes {
		t.Errorf("a long folder is %d bytes, want %d", len(got), maxFolderBytes)
	}
}

func TestNumberedNames(t *testing.T) {
	bases := []string{"report.pdf", "report", "a.tar.gz", "x (2).pdf", "_",
		safeName(strings.Repeat("é", 200)+".xlsx", maxNameBytes),
		safeName(strings.Repeat("a", 110)+".b"+strings.Repeat("c", 20), maxNameBytes), // a dot the cut brings near the end
	}
	for _, base := range bases {
		if !isNumbered(base, base) {
			t.Errorf("isNumbered(%q, itself) = false", base)
		}
		for n := 2; n <= 120; n++ {
			name := numbered(base, n)
			if len(name) > maxNameBytes || !utf8.ValidString(name) || name == base {
				t.Fatalf("numbered(%q, %d) = %q", base, n, name)
			}
			if !isNumbered(name, base) {
				t.Errorf("isNumbered(%q, %q) = false", name, base)
			}
		}
		if isNumbered("other.pdf", base) || isNumbered(base+"x", base) || isNumbered(numbered(base, 2)+"x", base) {
			t.Errorf("isNumbered accepts a name that is not %q's", base)
		}
	}
	if isNumbered("report (1).pdf", "report.pdf") || isNumbered("report (02).pdf", "report.pdf") {
		t.Error("isNumbered accepts a number numbered never writes")
	}
}

func TestPlanCopies(t *testing.T) {
	ev := func(id, file string, size int64, controls ...string) BundleEvidence {
		return BundleEvidence{ID: id, Filename: file, SHA256: hexSum(id), Size: size, RecordHash: hexSum("r" + id), Controls: controls}
	}
	items := []BundleEvidence{ // oldest first, as index.json lists them
		ev("1", "report.pdf", 10, "A-1", "B-1"),
		ev("2", "Report.PDF", 10, "A-1"),
		ev("3", "report.pdf", 10, "A-1", "A-1"),
		ev("4", "", 10),
	}
	items[3].Title, items[3].MediaType = "Wiki: access/policy", "text/uri-list"
	copies, paths := planCopies(items, copyRoom{1 << 20, 100, 1 << 20})
	var got []string
	for _, c := range copies {
		got = append(got, c.path)
	}
	// The newest item keeps the plain name; the names differ ignoring case.
	want := []string{"controls/A-1/Report (2).PDF", "controls/A-1/report (3).pdf", "controls/A-1/report.pdf", "controls/B-1/report.pdf", "unlinked/Wiki_ access_policy.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("copies %q\nwant   %q", got, want)
	}
	if paths[2]["controls/A-1/"] != "controls/A-1/report.pdf" || paths[0]["controls/A-1/"] != "controls/A-1/report (3).pdf" {
		t.Errorf("paths %v", paths)
	}
	if c := copies[slices.IndexFunc(copies, func(c plannedCopy) bool { return c.path == "controls/B-1/report.pdf" })]; c.sha != items[0].SHA256 || c.comment != "evidence 1 "+items[0].RecordHash {
		t.Errorf("copy of item 1: %+v", c)
	}

	// Bounds: newest first, and a copy that does not fit is left out while
	// smaller ones after it still go in.
	items[2].Size = 25
	copies, paths = planCopies(items, copyRoom{30, 100, 1 << 20})
	if len(copies) != 3 || paths[2] != nil || paths[3] == nil || paths[1] == nil || len(paths[0]) != 1 {
		t.Errorf("with 30 bytes to spend: %+v, %v", copies, paths)
	}
	if copies, _ = planCopies(items, copyRoom{1 << 20, 2, 1 << 20}); len(copies) != 2 {
		t.Errorf("with room for 2 copies: %d", len(copies))
	}

	// Room in the zip's directory for one copy's longest entry, no more.
	one := dirEntry("controls/A-1/"+strings.Repeat("x", maxNameBytes), copyComment(&items[3]))
	if copies, _ = planCopies(items, copyRoom{1 << 20, 100, one}); len(copies) != 1 {
		t.Errorf("with directory room for one copy: %d", len(copies))
	}

	// Many items of one name, and a newer one whose own name is a numbered one.
	items = []BundleEvidence{ev("a", "f.txt", 1, "A-1")}
	for i := range 3000 {
		items = append(items, ev(fmt.Sprint(i), "F.TXT", 1, "A-1"))
	}
	items = append(items, ev("b", "f (2).txt", 1, "A-1"))
	copies, _ = planCopies(items, copyRoom{1 << 20, len(items), 1 << 20})
	names := map[string]bool{}
	for _, c := range copies {
		if low := strings.ToLower(c.path); names[low] {
			t.Fatalf("two copies are named %q", low)
		} else {
			names[low] = true
		}
	}
	if len(copies) != len(items) || !names["controls/a-1/f (2).txt"] || !names["controls/a-1/f (3002).txt"] {
		t.Errorf("%d copies; f (2).txt %v, f (3002).txt %v", len(copies), names["controls/a-1/f (2).txt"], names["controls/a-1/f (3002).txt"])
	}
}

// hostile is a bundle whose titles, file names and refs try everything:
// markup, path traversal, device names, control characters, very long and
// colliding names, a superseded item and one linked to no control.
func hostile(t *testing.T) (*fixture, Bundle) {
	t.Helper()
	pub, priv := testKey(1)
	f := &fixture{pub: pub, priv: priv, files: map[string][]byte{}, sha: map[string]string{}}
	b := Bundle{Org: "acme", GeneratedAt: t0.Add(time.Hour), PublicKey: EncodePublicKey(pub)}
	add := func(id, title, filename, media, supersedes string, controls ...string) {
		data := []byte("content of " + id)
		sum := sha256.Sum256(data)
		sha := hex.EncodeToString(sum[:])
		f.files[sha], f.sha[id] = data, sha
		ev := withRecord(t, BundleEvidence{ID: id, Title: title, Kind: "file", MediaType: media, Filename: filename, SHA256: sha,
			Size: int64(len(data)), CollectedAt: t0, Controls: controls, Source: "upload", Supersedes: supersedes,
			AddedBy: `Mallory <img src=x onerror=alert(1)>`, Notes: "see <a href=\"javascript:alert(1)\">here</a>"})
		b.Evidence = append(b.Evidence, ev)
	}
	add("201", `<script>alert("t")</script> & Q1`, "../../etc/passwd", "text/plain", "", "IAM-1")
	add("202", "Report", "report.pdf", "application/pdf", "", "IAM-1", "CC-9")
	add("203", "Report again", "Report.PDF", "application/pdf", "", "IAM-1")
	add("204", "Long", strings.Repeat("é", 200)+".xlsx", "application/octet-stream", "", "IAM-1")
	add("205", "Wiki page/with slash", "", "text/uri-list", "")
	add("206", "Device", "CON.txt", "text/plain", "", "../escape")
	add("207", "Hidden extension", "a\u202Efdp.exe", "application/octet-stream", "", "IAM-1")
	add("208", "Report, corrected", "report.pdf", "application/pdf", "202", "IAM-1", "CC-9")
	var prev *Entry
	for _, ev := range b.Evidence {
		e := Next(prev, "acme", RecordTypeEvidence, ev.ID, ev.RecordHash, ev.CollectedAt)
		b.Entries = append(b.Entries, e)
		prev = &e
	}
	b.Checkpoints = []Checkpoint{Sign(priv, "acme", *prev, b.GeneratedAt)}
	b.Controls = []BundleControl{
		{Ref: "IAM-1", Name: "Access <reviews>", Frequency: "quarterly", Criteria: []string{"CC6.1", "CC6.2"},
			Expires: map[string]time.Time{"201": b.GeneratedAt.Add(24 * time.Hour), "204": b.GeneratedAt.Add(-24 * time.Hour)}},
		{Ref: "CC-9", Name: "Change approval", Criteria: []string{"CC8.1"}},
		{Ref: "GOV-1", Name: "Security policy", Criteria: []string{"CC1.1"}},
	}
	b.Criteria = []BundleCriterion{{ID: "CC1.1", Title: "Integrity & ethics"}, {ID: "CC6.1", Title: `Logical access <b>"software"</b>`},
		{ID: "CC6.2", Title: "Registration"}, {ID: "CC8.1", Title: "Changes"}}
	return f, b
}

var hrefRE = regexp.MustCompile(`(?:href|id)="([^"]*)"`)

func TestBundlePage(t *testing.T) {
	f, b := hostile(t)
	data := f.write(t, b)
	rep, err := verifyBytes(data, f.pub)
	if err != nil {
		t.Fatalf("the hostile bundle does not verify: %v", err)
	}
	// One copy per item and control, and one for the unlinked item.
	if rep.Copies != 10 {
		t.Errorf("Report.Copies = %d, want 10", rep.Copies)
	}
	files := unzip(t, data)
	members := map[string]bool{}
	seen := map[string]bool{}
	for _, zf := range files {
		members[zf.name] = true
		if unsafeName(zf.name) || strings.ContainsFunc(zf.name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
			t.Errorf("unsafe member %q", zf.name)
		}
		if low := strings.ToLower(zf.name); seen[low] {
			t.Errorf("%q collides with another member on a case-insensitive file system", zf.name)
		} else {
			seen[low] = true
		}
		if i := strings.LastIndexByte(zf.name, '/'); isCopyName(zf.name) && len(zf.name)-i-1 > maxNameBytes {
			t.Errorf("%q has a name longer than %d bytes", zf.name, maxNameBytes)
		}
	}
	for _, name := range []string{"controls/_escape/_CON.txt", "unlinked/Wiki page_with slash.txt", "controls/IAM-1/_.._etc_passwd",
		"controls/IAM-1/report.pdf", "controls/IAM-1/Report (2).PDF", "controls/IAM-1/report (3).pdf", "controls/CC-9/report.pdf",
		"controls/CC-9/report (2).pdf", "controls/IAM-1/a_fdp.exe"} {
		if !members[name] {
			t.Errorf("no member %q", name)
		}
	}
	if got := find(files, "controls/IAM-1/report.pdf"); !bytes.Equal(got.data, f.files[f.sha["208"]]) {
		t.Error("the newest report does not keep the plain name")
	}

	page := string(find(files, "index.html").data)
	for _, bad := range []string{"<script", "<img", "<b>", "<a href=\"javascript", "<link", "@import", "http://", "https://"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("index.html contains %q", bad)
		}
	}
	if tag := regexp.MustCompile(`<[^>]*\s(src|on\w+|style)=`).FindString(page); tag != "" {
		t.Errorf("index.html has a tag that loads, runs or styles something: %q", tag)
	}
	if !strings.Contains(page, `content="default-src 'none'; style-src 'unsafe-inline'"`) {
		t.Error("index.html has no Content-Security-Policy")
	}
	text := html.UnescapeString(page)
	for _, s := range []string{`<script>alert("t")</script> & Q1`, `Logical access <b>"software"</b>`, "Integrity & ethics", "Access <reviews>",
		"IAM-1", "CC-9", "../escape", "GOV-1", "No evidence in this bundle.", "Evidence not linked to a control", "Controls not mapped to a criterion",
		"Current until 2026-03-02", "Stale since 2026-02-28", "Superseded by 208", "Mallory <img src=x onerror=alert(1)>", "a\uFFFDfdp.exe",
		f.sha["201"], "Frequency: quarterly", "Files: <code>controls/IAM-1/</code>", "It is not itself verified"} {
		if !strings.Contains(text, s) {
			t.Errorf("index.html does not show %q", s)
		}
	}
	if strings.Contains(text, "\u202E") {
		t.Error("index.html shows a right-to-left override")
	}
	for _, ev := range b.Evidence {
		if !strings.Contains(text, ev.Title) {
			t.Errorf("index.html does not list %s", ev.ID)
		}
	}
	// IAM-1 meets two criteria: in full under the first, a link under the second.
	if n := strings.Count(text, "Report, corrected"); n != 2 { // under IAM-1 and under CC-9
		t.Errorf("evidence 208 is listed %d times, want 2", n)
	}
	if !regexp.MustCompile(`IAM-1</span> Access &lt;reviews&gt;: 6 evidence items,\s+listed under <a href="#control-1">CC6.1</a>`).MatchString(page) {
		t.Error("CC6.2 does not refer to IAM-1's listing under CC6.1")
	}

	// Every link resolves: to an element of the page or a member of the archive.
	ids, targets := map[string]bool{}, map[string]bool{}
	for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
		if strings.HasPrefix(m[0], "id=") {
			ids[m[1]] = true
		}
	}
	for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[0], "href=") {
			continue
		}
		ref := html.UnescapeString(m[1])
		if frag, ok := strings.CutPrefix(ref, "#"); ok {
			if !ids[frag] {
				t.Errorf("link %q names no element", ref)
			}
			continue
		}
		u, err := url.Parse(ref)
		if err != nil || u.Scheme != "" || u.Host != "" || u.RawQuery != "" || u.Fragment != "" {
			t.Errorf("link %q is not a relative path", ref)
			continue
		}
		if !members[u.Path] {
			t.Errorf("link %q (%q) is not a member of the archive", ref, u.Path)
		}
		targets[u.Path] = true
	}
	for _, name := range []string{"controls/IAM-1/_.._etc_passwd", "controls/CC-9/report.pdf", "unlinked/Wiki page_with slash.txt", "controls/_escape/_CON.txt"} {
		if !targets[name] {
			t.Errorf("index.html does not link to %q", name)
		}
	}
}

func TestPageLinksToBlobsWithoutCopies(t *testing.T) {
	f, b := hostile(t)
	_, paths := planCopies(b.Evidence, copyRoom{0, 100, 1 << 20}) // no room for any copy
	var buf bytes.Buffer
	if err := writePage(&buf, b, b.Evidence, paths, len(f.files), 0); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, ev := range b.Evidence {
		if !strings.Contains(page, `href="`+blobName(ev.SHA256)+`"`) {
			t.Errorf("evidence %s does not link to its file under blobs/", ev.ID)
		}
	}
	if strings.Contains(page, `href="controls/`) || strings.Contains(page, "Files: <code>") {
		t.Error("index.html links to copies, or folders, that were not written")
	}
}

func TestPageRowsAreBounded(t *testing.T) {
	f, b := hostile(t)
	b.Evidence = append(slices.Clone(b.Evidence), b.Evidence...) // 16 items, 22 rows
	_, paths := planCopies(b.Evidence, copyRoom{1 << 20, 100, 1 << 20})
	saved := pageRows
	pageRows = 5
	t.Cleanup(func() { pageRows = saved })
	var buf bytes.Buffer
	if err := writePage(&buf, b, b.Evidence, paths, len(f.files), 0); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "<tr>\n<td>"); n != 5 {
		t.Errorf("index.html lists %d rows, want 5", n)
	}
	if !strings.Contains(buf.String(), "evidence rows are not listed") {
		t.Error("index.html does not say rows were left off")
	}
}

func TestReadableCopyTampering(t *testing.T) {
	f, b := hostile(t)
	data := f.write(t, b)
	copyOf := "controls/IAM-1/report.pdf" // evidence 208
	cases := []struct {
		name string
		edit func(files []zfile) []zfile
		want string
	}{
		{"copy changed", func(files []zfile) []zfile {
			find(files, copyOf).data[0] ^= 1
			return files
		}, "controls/IAM-1/report.pdf is not a true copy of the file of evidence 208"},
		{"copy of another file", func(files []zfile) []zfile {
			find(files, copyOf).data = f.files[f.sha["201"]]
			return files
		}, "is not a true copy of the file of evidence 208"},
		{"copy grown, deflated", func(files []zfile) []zfile {
			zf := find(files, copyOf)
			zf.data, zf.method = append(zf.data, make([]byte, 1<<20)...), zip.Deflate
			return files
		}, "is not a true copy"},
		{"copy filed under a control its evidence is not linked to", func(files []zfile) []zfile {
			find(files, "controls/IAM-1/_.._etc_passwd").name = "controls/CC-9/_.._etc_passwd"
			return files
		}, "not linked to a control whose folder is controls/CC-9/"},
		{"copy renamed", func(files []zfile) []zfile {
			find(files, copyOf).name = "controls/IAM-1/SOC 2 report, approved.pdf"
			return files
		}, `whose file is named "report.pdf" in the bundle`},
		{"copy of linked evidence filed as unlinked", func(files []zfile) []zfile {
			find(files, copyOf).name = "unlinked/report.pdf"
			return files
		}, "which is linked to controls"},
		{"comment removed", func(files []zfile) []zfile {
			find(files, copyOf).comment = ""
			return files
		}, "does not say which evidence item it copies"},
		{"comment names evidence not in the index", func(files []zfile) []zfile {
			find(files, copyOf).comment = "evidence 208 " + hexSum("x")
			return files
		}, "which is not in index.json"},
		{"file nested deeper", func(files []zfile) []zfile {
			find(files, copyOf).name = "controls/IAM-1/sub/report.pdf"
			return files
		}, `unexpected file "controls/IAM-1/sub/report.pdf"`},
		{"index.html too large", func(files []zfile) []zfile {
			find(files, "index.html").data = make([]byte, MaxPageSize+1)
			find(files, "index.html").method = zip.Deflate
			return files
		}, "index.html is 268435457 bytes, more than the 256 MiB it may be"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := verifyBytes(rezip(t, c.edit(unzip(t, data))), f.pub)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("VerifyBundle = %v, want an error containing %q", err, c.want)
			}
			var fail *Failure
			if errors.As(err, &fail) {
				t.Errorf("a bad copy is reported as a failure of entry %d; the ledger is intact", fail.Seq)
			}
		})
	}

	// Copies and the page are optional: a bundle without some, or all, still verifies.
	files := slices.DeleteFunc(unzip(t, data), func(z zfile) bool { return z.name == copyOf })
	if rep, err := verifyBytes(rezip(t, files), f.pub); err != nil || rep.Copies != 9 {
		t.Errorf("without one copy: %+v, %v", rep, err)
	}
	files = slices.DeleteFunc(files, func(z zfile) bool { return isCopyName(z.name) || z.name == "index.html" })
	if rep, err := verifyBytes(rezip(t, files), f.pub); err != nil || rep.Copies != 0 {
		t.Errorf("without copies and page: %+v, %v", rep, err)
	}
}

// oldBundle reads a bundle kept in testdata, with its key, the fixture's
// (testKey(1)), in testdata/bundle-v1.pubkey.
func oldBundle(t *testing.T, path string) ([]byte, ed25519.PublicKey) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile("testdata/bundle-v1.pubkey")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(strings.TrimSpace(string(key)))
	if err != nil {
		t.Fatal(err)
	}
	return data, pub
}

// testdata/bundle-v2.zip was written by the attest-bundle-v2 writer
// (newFixture's bundle plus an approval record, before index.html and readable
// copies), with the key in testdata/bundle-v1.pubkey.
func TestVerifiesV2Bundles(t *testing.T) {
	data, pub := oldBundle(t, "testdata/bundle-v2.zip")
	files := unzip(t, data)
	if !bytes.Contains(find(files, "index.json").data, []byte(`"format":"attest-bundle-v2"`)) || find(files, "index.html") != nil {
		t.Fatal("the fixture is not a v2 bundle")
	}
	rep, err := verifyBytes(data, pub)
	if err != nil || rep.Entries != 6 || rep.Evidence != 5 || rep.Records != 1 || rep.Copies != 0 {
		t.Fatalf("v2 bundle: %+v, %v", rep, err)
	}
	// A v2 bundle never held a page or copies; one that does is refused.
	sha := find(files, "blobs/sha256/e8/e8c48d33b4ce01acbe062b84f371c6af833dfa1553bab806818fac991488a53a")
	for _, extra := range []zfile{
		{"index.html", []byte("<p>trust me</p>"), zip.Deflate, 0o644, ""},
		{"controls/IAM-1/103.bin", sha.data, zip.Store, 0o644, ""},
	} {
		if _, err := verifyBytes(rezip(t, append(slices.Clone(files), extra)), pub); err == nil || !strings.Contains(err.Error(), `unexpected file "`+extra.name+`": attest-bundle-v2 bundles hold no index.html`) {
			t.Errorf("v2 bundle with %s: %v", extra.name, err)
		}
	}
}

// dirEntry must bound what archive/zip really writes, or a bundle near the
// limits could be written that VerifyBundle then refuses.
func TestDirectoryEstimateIsABound(t *testing.T) {
	f, b := hostile(t)
	data := f.write(t, b)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	estimate := int64(22 + 76)
	for _, zf := range zr.File {
		estimate += dirEntry(zf.Name, zf.Comment)
	}
	end := bytes.LastIndex(data, []byte("PK\x05\x06"))
	actual := int64(len(data) - end) // the end record
	actual += int64(binary.LittleEndian.Uint32(data[end+12:]))
	if actual > estimate {
		t.Errorf("the central directory is %d bytes; dirEntry estimates %d", actual, estimate)
	}
	r := room([]string{f.sha["201"], f.sha["202"]})
	if r.files != MaxCopies || r.bytes != CopyAllowance || r.directory >= MaxDirectorySize || r.directory < MaxDirectorySize-2000 {
		t.Errorf("room for two blobs: %+v", r)
	}
	if r := room(slices.Repeat([]string{f.sha["201"]}, MaxMembers-5)); r.files != 0 {
		t.Errorf("a bundle with MaxMembers files already has room for %d copies", r.files)
	}
}

// A bundle without copies is still a bundle: NoCopies leaves them out, and it verifies.
func TestNoCopies(t *testing.T) {
	f, b := hostile(t)
	b.NoCopies = true
	data := f.write(t, b)
	rep, err := verifyBytes(data, f.pub)
	if err != nil || rep.Copies != 0 || rep.Evidence != len(b.Evidence) {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	if bytes.Contains(data, []byte("controls/IAM-1/")) {
		t.Error("a copy was written with NoCopies")
	}
}
