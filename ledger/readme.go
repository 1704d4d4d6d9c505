package ledger

import (
	"fmt"
	"strings"
)

// readme returns README.txt: how to check a bundle by hand, for a reader who has
// neither Attest nor this package. It repeats the byte formats of doc.go in plain
// words, with a Python script (standard library only) and OpenSSL commands.
func readme(b Bundle, files, copies int) string {
	key := b.PublicKey
	keyLine := "(not recorded)"
	if pub, err := ParsePublicKey(key); err == nil {
		keyLine = fmt.Sprintf("%s (key id %s)", key, KeyID(pub))
	}
	withheld := ""
	if len(b.Withheld) > 0 {
		withheld = fmt.Sprintf(" (%d withheld)", len(b.Withheld))
	}
	r := strings.NewReplacer(
		"{org}", b.Org,
		"{generated}", FormatTime(b.GeneratedAt),
		"{key}", keyLine,
		"{entries}", fmt.Sprint(len(b.Entries)),
		"{evidence}", fmt.Sprint(len(b.Evidence)),
		"{records}", fmt.Sprint(len(b.Records)),
		"{files}", fmt.Sprint(files),
		"{copies}", fmt.Sprint(copies),
		"{format}", b.format(),
		"{checkpoints}", fmt.Sprint(len(b.Checkpoints)),
		"{withheld}", withheld,
	)
	return r.Replace(readmeText)
}

const readmeText = `Attest evidence bundle
======================

Organization:  {org}
Generated:     {generated}
Signing key:   {key}
Format:        {format}
Contents:      {entries} ledger entries{withheld}, {evidence} evidence items, {records} other records, {files} files, {checkpoints} checkpoints, {copies} readable copies

This archive lets anyone check, without Attest, that the evidence and other
records in it are exactly what Attest recorded, and that nothing was added,
removed, reordered or changed after the organization's signing key signed it.

Get the organization's public key from the organization itself, through a
channel you trust. The key printed above is only a hint: whoever can change this
archive can change this file too.


Verifying with Attest
---------------------

    attest verify THIS-FILE.zip --pubkey attest-ed25519:...

It checks everything described below and names the first ledger entry that
does not verify.


Reading the evidence
--------------------

Open index.html in a browser, from the folder the archive was extracted to. It
lists the evidence by criterion, then by control, with who added each item and
when, whether it was still current when the bundle was written, its SHA-256,
and a link to its file. It works offline and runs no script.

The folder controls/ holds each evidence file again under every control it
supports, with its own file name (made safe to extract, and numbered when
names collide): controls/<control>/<file>. Evidence linked to no control is
under unlinked/. These copies are for browsing; when a bundle's files are very
large some copies are left out, and index.html then links to the file under
blobs/. index.html is not verified, so trust what it says only once the bundle
verifies; the copies are.


What is in the archive
----------------------

index.json        "evidence": the evidence items. Each one has its metadata and
                  "record": the exact bytes the ledger committed to, whose
                  SHA-256 is "record_hash". The record holds the file's SHA-256
                  and size and, from record version 2, who added the evidence
                  ("added_by", as shown at the time) and when it was stored
                  ("stored_at").
                  "records": the ledger's records of every other type (for
                  example policy approvals), each with its "type", "id",
                  "record_hash" and "record". A record type your verifier does
                  not know is still held to its hash and to the chain.
                  "withheld" (format attest-bundle-v4 only): the sequence
                  numbers of entries whose records, and files, this bundle
                  leaves out (an audit package's segment withholds what lies
                  outside its audit). Their hashes still chain and are still
                  signed, so they cannot have been changed or removed; what
                  they recorded is not shown.
ledger.jsonl      The organization's ledger, one entry per line, entry 1 first.
checkpoints.json  Signed checkpoints: "the entry with this hash was entry N".
blobs/sha256/ab/abcdef...
                  Every evidence file once, named by its SHA-256.
controls/, unlinked/
                  Readable copies. Each one's zip entry comment names the
                  evidence item it copies ("evidence <id> <record_hash>");
                  its bytes must be that item's file, its folder one of the
                  item's controls.
index.html        The evidence for people, as above (not verified).


Checking by hand
----------------

1. Files. Each file under blobs/ is named by its own SHA-256:

       find blobs -type f -exec sha256sum {} +

   prints every name twice, once as the hash and once in the path. Each
   readable copy must hash to the "sha256" of an evidence item filed under
   that control in index.json (the script below checks that it hashes to a
   file of the bundle).

2. Records. In index.json, the SHA-256 of each item's "record" is its
   "record_hash". The record is canonical JSON: keys sorted, no spaces, and
   strings escaped only where JSON requires it (RFC 8785), so Python's
   json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
   gives the same bytes. The record's "sha256" and "size" name its file. The
   same holds for each item of "records", which has no file.

3. The chain. Every entry's "hash" is the SHA-256 of these lines, each ending
   in a newline (\n), where LEN is the value's length in bytes, in decimal:

       attest-ledger-v1
       org:LEN:<org>
       seq:LEN:<seq>
       prev:LEN:<prev>
       record_type:LEN:<record_type>
       record_id:LEN:<record_id>
       record_hash:LEN:<record_hash>
       at:LEN:<at>

   The values are exactly as they appear in ledger.jsonl. Entry 1 has seq 1 and
   a prev of 64 zeros; every later entry's seq is one more than the one before
   it, and its prev is the hash of the entry before it. Every record_hash, except
   those of the entries listed under "withheld", is the record_hash of an
   evidence item or a record in index.json, and every one of those is recorded
   by an entry.

4. Checkpoints. Each checkpoint's "hash" must be the hash of the entry at its
   "seq", and the last entry must have a checkpoint. Its "signature" is an
   Ed25519 signature (base64) of these lines, built as in step 3:

       attest-checkpoint-v1
       org:LEN:<org>
       seq:LEN:<seq>
       hash:LEN:<hash>
       at:LEN:<at>

This Python 3 script does steps 1 to 4, except the signature itself, and
writes each checkpoint's message and signature to checkpoint-N.msg and
checkpoint-N.sig. Run it in the directory the archive was extracted to:

    import base64, hashlib, json, os

    def sha256(data):
        return hashlib.sha256(data).hexdigest()

    def file_sha256(path):
        h, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
        return h.hexdigest(), size

    def fields(tag, obj, names):
        out = tag.encode() + b"\n"
        for name in names:
            value = str(obj[name]).encode()
            out += b"%s:%d:%s\n" % (name.encode(), len(value), value)
        return out

    index = json.load(open("index.json", encoding="utf-8"))
    records = {}
    for r in index.get("records", []):
        data = json.dumps(r["record"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert sha256(data) == r["record_hash"], "record of %s %s" % (r["type"], r["id"])
        records[r["record_hash"]] = r
    for ev in index["evidence"]:
        rec = ev["record"]
        data = json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert sha256(data) == ev["record_hash"], "record of evidence " + ev["id"]
        path = "blobs/sha256/%s/%s" % (rec["sha256"][:2], rec["sha256"])
        assert file_sha256(path) == (rec["sha256"], rec["size"]), "file " + path
        records[ev["record_hash"]] = ev
    files = {ev["sha256"] for ev in index["evidence"]}
    for top in ("controls", "unlinked"):
        for folder, _, names in os.walk(top):
            for name in names:
                path = os.path.join(folder, name)
                assert file_sha256(path)[0] in files, "copy " + path

    hashes, prev, recorded = {}, "0" * 64, set()
    withheld = set(index.get("withheld", []))
    for n, line in enumerate(open("ledger.jsonl", encoding="utf-8"), 1):
        e = json.loads(line)
        canonical = fields("attest-ledger-v1", e, ["org", "seq", "prev", "record_type", "record_id", "record_hash", "at"])
        assert e["seq"] == n and e["prev"] == prev and sha256(canonical) == e["hash"], "entry %d" % n
        if n in withheld:
            prev = hashes[n] = e["hash"]
            continue
        assert e["record_hash"] in records, "record of entry %d" % n
        recorded.add(e["record_hash"])
        prev = hashes[n] = e["hash"]
    assert recorded == set(records), "records not recorded in the ledger"

    last = 0
    for i, c in enumerate(json.load(open("checkpoints.json", encoding="utf-8")), 1):
        assert hashes.get(c["seq"]) == c["hash"], "checkpoint at entry %d" % c["seq"]
        open("checkpoint-%d.msg" % i, "wb").write(fields("attest-checkpoint-v1", c, ["org", "seq", "hash", "at"]))
        open("checkpoint-%d.sig" % i, "wb").write(base64.b64decode(c["signature"]))
        last = max(last, c["seq"])
    assert last == n, "entries after %d are not covered by a checkpoint" % last
    print("chain verified: %d entries, head %s" % (n, prev))

Then check each signature with OpenSSL 3, where KEY is the part of the public
key after "attest-ed25519:":

    printf '\060\052\060\005\006\003\053\145\160\003\041\000' > key.der
    printf '%s' 'KEY' | base64 -d >> key.der
    openssl pkey -pubin -inform DER -in key.der -out key.pem
    openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in checkpoint-1.msg -sigfile checkpoint-1.sig

The first printf writes the fixed 12-byte prefix that turns a raw Ed25519 key
into the DER form OpenSSL reads. OpenSSL prints "Signature Verified
Successfully" for a good signature.

The byte formats are specified in the documentation of the Go package
github.com/attest-hq/attest/ledger.
`
