package ledger

import (
	"archive/zip"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Readable copies. From attest-bundle-v3 a bundle also holds each evidence
// file under the folder of every control the item names, with its own file
// name, so that an auditor can browse controls/<control>/ without reading
// index.json: controls/IAM-1/access-review.xlsx. An item that names no control
// goes under unlinked/. Zip has no links, so a copy is the file's bytes again;
// WriteBundle bounds how many bytes and files copies may add (CopyAllowance,
// MaxCopies).
//
// A copy is checked, never trusted: its zip entry's comment names the evidence
// item it copies ("evidence <id> <record_hash>"), and VerifyBundle requires the
// item to be in index.json, the folder to be one of the item's controls, the
// name to be the item's file name made safe (copyName, with " (2)" and so on
// when names collide), and the bytes to hash to the item's SHA-256 and size.

// Where copies go, and how long their names may be. The caps keep a full path
// well under the 260 characters older Windows tools accept.
const (
	copyDir        = "controls/"
	unlinkedDir    = "unlinked/"
	maxFolderBytes = 64
	maxNameBytes   = 120
	maxExtBytes    = 16
)

// Bounds on what copies may add to a bundle. Copies are made newest evidence
// first; one that would pass either bound is left out (a smaller one after it
// may still fit), and index.html links that item to its file under blobs/
// instead. A programme of ordinary size gets every copy; a large one grows by
// at most CopyAllowance, which also bounds the extra hashing verification
// does for copies, whatever the bundle's size.
const (
	MaxCopies     = 100_000   // readable copies in one bundle (MaxMembers bounds them too)
	CopyAllowance = 256 << 20 // bytes all copies together may add to a bundle
)

// copyComment is the zip comment that names the evidence item a copy copies.
func copyComment(ev *BundleEvidence) string { return "evidence " + ev.ID + " " + ev.RecordHash }

// parseCopyComment reads copyComment; the ID may hold spaces, the hash may not.
func parseCopyComment(c string) (id, hash string, ok bool) {
	rest, ok := strings.CutPrefix(c, "evidence ")
	i := strings.LastIndexByte(rest, ' ')
	if !ok || i < 0 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

// copyFolder is the folder of a control's copies: controls/<ref made safe>/.
func copyFolder(ref string) string {
	return copyDir + safeName(ref, maxFolderBytes) + "/"
}

// copyName is an item's file name made safe. Items without a file name (links,
// attestations) are named by their title, with an extension for their media
// type so that the file opens in something useful.
func copyName(ev *BundleEvidence) string {
	name := ev.Filename
	if name == "" {
		stem := ev.Title
		if stem == "" {
			stem = "evidence"
		}
		name = stem + extFor(ev.MediaType)
	}
	return safeName(name, maxNameBytes)
}

// extFor is a fixed table, not the system's MIME database, so that a name is
// the same wherever the bundle is written or checked.
func extFor(mediaType string) string {
	mt, _, _ := strings.Cut(strings.ToLower(mediaType), ";")
	switch mt = strings.TrimSpace(mt); mt {
	case "text/csv":
		return ".csv"
	case "application/json":
		return ".json"
	case "application/pdf":
		return ".pdf"
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	}
	if strings.HasPrefix(mt, "text/") {
		return ".txt" // plain text, attestations, and a link's URL
	}
	return ""
}

// safeName makes one path segment that extracts to the same name on Linux,
// macOS and Windows and cannot leave its folder: no separators, no control or
// invisible characters, none of the characters Windows refuses, no leading or
// trailing dots and spaces (so never "." or ".."), no device names such as
// CON, and at most max bytes, cut at a character boundary with the extension
// kept. An empty result becomes "_".
func safeName(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(s, "_"))
	s = strings.Trim(s, " .")
	if s == "" {
		return "_"
	}
	stem, ext := splitExt(s)
	if dev, _, _ := strings.Cut(stem, "."); isDeviceName(dev) {
		stem = "_" + stem
	}
	return fitName(stem, "", ext, max)
}

// splitExt splits off a short extension: "report.final.pdf" → "report.final", ".pdf".
func splitExt(name string) (stem, ext string) {
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= maxExtBytes {
		return name[:i], name[i:]
	}
	return name, ""
}

// fitName joins stem, suffix and ext, cutting stem so the whole is at most max bytes.
func fitName(stem, suffix, ext string, max int) string {
	room := max - len(suffix) - len(ext)
	if len(stem) > room {
		cut := room
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		stem = strings.TrimRight(stem[:cut], " .")
	}
	if stem == "" {
		stem = "_"
	}
	return stem + suffix + ext
}

func isDeviceName(s string) bool {
	s = strings.ToUpper(strings.TrimRight(s, " "))
	switch s {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(s) == 4 && (strings.HasPrefix(s, "COM") || strings.HasPrefix(s, "LPT")) && s[3] >= '0' && s[3] <= '9'
}

// numbered is the n-th name (n ≥ 2) for a file whose first name is taken:
// "report.pdf" → "report (2).pdf".
func numbered(name string, n int) string {
	stem, ext := splitExt(name)
	return fitName(stem, " ("+strconv.Itoa(n)+")", ext, maxNameBytes)
}

// isNumbered reports whether name is base or one of its numbered names. The
// number is looked for at every " (" rather than parsed from one place, since
// cutting a long stem can bring a dot near its end.
func isNumbered(name, base string) bool {
	if name == base {
		return true
	}
	if len(name) > maxNameBytes {
		return false
	}
	for i := 0; ; i++ {
		at := strings.Index(name[i:], " (")
		if at < 0 {
			return false
		}
		i += at
		digits, _, ok := strings.Cut(name[i+2:], ")")
		if n, err := strconv.Atoi(digits); ok && err == nil && n >= 2 && numbered(base, n) == name {
			return true
		}
	}
}

// plannedCopy is one readable copy WriteBundle writes.
type plannedCopy struct {
	path    string
	sha     string
	size    int64
	comment string
}

// copyRoom is what copies may still add to a bundle: bytes of content, files,
// and bytes of the zip's central directory.
type copyRoom struct {
	bytes     int64
	files     int
	directory int64
}

// dirEntry bounds what one file adds to the zip's central directory, as
// archive/zip writes it: the fixed header, the name, the comment, the
// extended timestamp and, for a large file, the zip64 sizes.
func dirEntry(name, comment string) int64 { return int64(46 + len(name) + len(comment) + 9 + 28) }

// room is what a bundle with these blobs leaves for copies, so that every
// bundle WriteBundle writes is within VerifyBundle's limits.
func room(shas []string) copyRoom {
	dir := int64(22 + 76) // end records, zip64 included
	for _, name := range []string{readmeFile, pageFile, indexFile, ledgerFile, checkpointsFile} {
		dir += dirEntry(name, "")
	}
	if len(shas) > 0 {
		dir += int64(len(shas)) * dirEntry(blobName(shas[0]), "")
	}
	return copyRoom{bytes: CopyAllowance, files: min(MaxCopies, MaxMembers-5-len(shas)), directory: MaxDirectorySize - dir}
}

// planCopies names the readable copy of each item under each of its
// controls, newest item first (index.json lists oldest first), so that when
// names collide the newest keeps the plain name, and when the budget runs out
// the newest items still have their copies. Names are compared ignoring case:
// on macOS and Windows "Report.pdf" and "report.pdf" are one file. It returns
// the copies sorted by path and, for each item (by index), its copies' paths
// by folder.
func planCopies(evidence []BundleEvidence, left copyRoom) ([]plannedCopy, []map[string]string) {
	var copies []plannedCopy
	paths := make([]map[string]string, len(evidence))
	taken := map[string]bool{}
	next := map[string]int{} // the number to try next for a name taken already
	for i := len(evidence) - 1; i >= 0; i-- {
		ev := &evidence[i]
		var folders []string
		for _, ref := range ev.Controls {
			if f := copyFolder(ref); !slices.Contains(folders, f) {
				folders = append(folders, f)
			}
		}
		if len(ev.Controls) == 0 {
			folders = []string{unlinkedDir}
		}
		base := copyName(ev)
		comment := copyComment(ev)
		for _, folder := range folders {
			// The name is not known yet; bound its directory entry by the longest.
			dir := dirEntry(folder+strings.Repeat("x", maxNameBytes), comment)
			if left.files == 0 || ev.Size > left.bytes || dir > left.directory {
				continue
			}
			name, key := base, strings.ToLower(folder+base)
			if taken[key] {
				// Resume where the last collision stopped: 50,000 items named
				// "export.csv" must not cost 50,000² tries.
				n := max(next[key], 2)
				for taken[strings.ToLower(folder+numbered(base, n))] {
					n++
				}
				name, next[key] = numbered(base, n), n+1
			}
			taken[strings.ToLower(folder+name)] = true
			left.files, left.bytes, left.directory = left.files-1, left.bytes-ev.Size, left.directory-dirEntry(folder+name, comment)
			copies = append(copies, plannedCopy{path: folder + name, sha: ev.SHA256, size: ev.Size, comment: comment})
			if paths[i] == nil {
				paths[i] = map[string]string{}
			}
			paths[i][folder] = folder + name
		}
	}
	slices.SortFunc(copies, func(a, b plannedCopy) int { return strings.Compare(a.path, b.path) })
	return copies, paths
}

// isCopyName reports whether an archive name has the shape of a readable
// copy: controls/<folder>/<name> or unlinked/<name>, with no empty segment.
func isCopyName(name string) bool {
	if rest, ok := strings.CutPrefix(name, copyDir); ok {
		folder, file, ok := strings.Cut(rest, "/")
		return ok && folder != "" && file != "" && !strings.Contains(file, "/")
	}
	rest, ok := strings.CutPrefix(name, unlinkedDir)
	return ok && rest != "" && !strings.Contains(rest, "/")
}

// checkCopy checks one readable copy against the evidence item its comment
// names; the item itself has verified by now.
func (v *bundleVerifier) checkCopy(f *zip.File) error {
	id, hash, ok := parseCopyComment(f.Comment)
	if !ok {
		return fmt.Errorf("bundle: %s does not say which evidence item it copies (its zip comment is %q)", f.Name, f.Comment)
	}
	it := v.items[recordKey{RecordTypeEvidence, id, hash}]
	if it == nil {
		return fmt.Errorf("bundle: %s claims to copy evidence %s with record hash %s, which is not in index.json", f.Name, id, hash)
	}
	cut := strings.LastIndexByte(f.Name, '/') + 1
	folder, file := f.Name[:cut], f.Name[cut:]
	if folder == unlinkedDir {
		if len(it.Controls) > 0 {
			return fmt.Errorf("bundle: %s copies evidence %s, which is linked to controls, so it does not belong under %s", f.Name, id, unlinkedDir)
		}
	} else if _, found := slices.BinarySearch(v.folders(it), folder); !found {
		return fmt.Errorf("bundle: %s copies evidence %s, which is not linked to a control whose folder is %s", f.Name, id, folder)
	}
	if base := copyName(it.BundleEvidence); !isNumbered(file, base) {
		return fmt.Errorf("bundle: %s copies evidence %s, whose file is named %q in the bundle, not %q", f.Name, id, base, file)
	}
	n, got, crcErr, err := hashFile(f, it.Size+1)
	switch {
	case err != nil:
		return fmt.Errorf("bundle: reading %s: %w", f.Name, err)
	case got != it.SHA256 || n != it.Size:
		return fmt.Errorf("bundle: %s is not a true copy of the file of evidence %s: it is %d bytes hashing to %s; the file is %d bytes hashing to %s", f.Name, id, n, got, it.Size, it.SHA256)
	case crcErr:
		return fmt.Errorf("bundle: %s: the archive's checksum for it is wrong (the archive is damaged)", f.Name)
	}
	return nil
}

// folders returns the sorted copy folders of an item's controls, computed
// once per item, so that a bundle with many copies of an item with many
// controls costs a binary search per copy.
func (v *bundleVerifier) folders(it *indexItem) []string {
	if it.folders == nil {
		it.folders = make([]string, 0, len(it.Controls))
		for _, ref := range it.Controls {
			it.folders = append(it.folders, copyFolder(ref))
		}
		slices.Sort(it.folders)
	}
	return it.folders
}
