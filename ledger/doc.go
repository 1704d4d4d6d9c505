// Package ledger makes an organization's records tamper-evident: an append-only
// hash chain per organization, checkpoints signed with the install's Ed25519 key,
// and an export bundle that anyone can verify offline with the public key alone.
//
// The package is pure Go over plain values, plus zip and JSON encoding. It
// imports nothing from the rest of Attest, reads no database and no clock, so a
// third party can verify a bundle with it and nothing else. This comment is the
// specification of every byte format it writes; another implementation needs
// only this.
//
// # Entries
//
// Each record (an evidence item today; approvals, acceptances and test-result
// summaries later; see Record types) is appended to its organization's chain as an [Entry]. Entry
// N commits to entry N-1 through Prev and to its record through RecordHash, so
// changing, removing, inserting or reordering anything breaks every later link.
// Sequence numbers run 1, 2, 3 … per organization, without gaps. Entry 1's Prev
// is [ZeroHash], 64 "0" characters.
//
// Hashes are written everywhere as 64 lowercase hexadecimal digits.
//
// # Canonical bytes of an entry (attest-ledger-v1)
//
// An entry's Hash is the SHA-256 of its canonical bytes ([Canonical]): the line
// "attest-ledger-v1", then one line per field, in this order:
//
//	org, seq, prev, record_type, record_id, record_hash, at
//
// Each field line is the field's name, a colon, the value's length in bytes as
// a decimal number, a colon, the value's bytes, and a newline (0x0A). Every line,
// the first included, ends with a newline; there is nothing after the last.
// Strings are taken as their bytes (UTF-8 in practice), unchanged. seq is
// written in decimal, without leading zeros or a plus sign. at is written as
//
//	YYYY-MM-DDTHH:MM:SS.ffffffZ
//
// in UTC, with exactly six fractional digits (microseconds; finer precision is
// truncated, not rounded), 27 bytes for years 0001 to 9999. The length prefix
// makes the encoding unambiguous whatever a value contains, colons and newlines
// included. For example, this entry:
//
//	org "acme", seq 1, prev ZeroHash, record_type "evidence", record_id "42",
//	record_hash "ab12…" (64 digits), at 2026-03-01 12:00:00.5 UTC
//
// has these canonical bytes, each line ending in a newline:
//
//	attest-ledger-v1
//	org:4:acme
//	seq:1:1
//	prev:64:0000000000000000000000000000000000000000000000000000000000000000
//	record_type:8:evidence
//	record_id:2:42
//	record_hash:64:ab12…
//	at:27:2026-03-01T12:00:00.500000Z
//
// In ledger.jsonl an entry is one JSON object with the keys org, seq (a JSON
// number), prev, record_type, record_id, record_hash, at and hash, all other
// values JSON strings. at is written in the form above, so the canonical bytes
// can be rebuilt from the line alone.
//
// # Records and canonical JSON
//
// A record's hash is the SHA-256 of its canonical JSON ([HashRecord],
// [CanonicalJSON]):
//
//   - no whitespace outside strings;
//   - object keys sorted by their UTF-8 bytes (the same as by Unicode code point);
//     duplicate keys are refused;
//   - strings written as UTF-8, escaping only what JSON requires: quotation mark
//     as \", backslash as \\, the control characters U+0008, U+0009, U+000A,
//     U+000C and U+000D as \b, \t, \n, \f and \r, other control characters below
//     U+0020 as \u00XX with lowercase hex digits. Everything else, including
//     "<", ">", "&", U+007F, U+2028 and U+2029, is written as itself. (Before
//     that, encoding/json has turned invalid UTF-8 into U+FFFD.);
//   - integers (numbers without a fraction or exponent) written digit for digit,
//     except that -0 is written 0; other numbers as ECMAScript's Number-to-String
//     writes them, which is what encoding/json does for a float64;
//   - true, false and null as themselves.
//
// For the strings and integers of Attest's records this is RFC 8785 (JCS), and
// Python's json.dumps(v, sort_keys=True, separators=(",", ":"),
// ensure_ascii=False) produces the same bytes. A verifier never has to rebuild a
// record, though: a bundle carries the exact bytes.
//
// # Record types
//
// An entry's record_type names what its record is, and the record says which
// version of that type it is. The types are:
//
//	evidence      an evidence item (RecordTypeEvidence), versions 1 and 2 below
//	snapshot      what one collection of a connection saw (RecordTypeSnapshot)
//	test_version  one version of an automated test (RecordTypeTestVersion)
//	exception     a test exception's request, approval or revocation (RecordTypeException)
//	policy_version    an approved policy version's text (RecordTypePolicyVersion)
//	policy_approval   an approver's decision on a policy version (RecordTypePolicyApproval)
//	policy_acceptance a person's acceptance of a published policy version (RecordTypePolicyAcceptance)
//	risk_assessment   an approved annual risk assessment: the register as it stood (RecordTypeRiskAssessment)
//	risk_acceptance   an approver's sign-off of an accepted risk (RecordTypeRiskAcceptance)
//	vendor_review     a vendor review's approved conclusion (RecordTypeVendorReview)
//	incident_postmortem the sign-off of an incident's post-mortem (RecordTypeIncidentPostMortem)
//	exercise      an incident-response or disaster-recovery exercise held (RecordTypeExercise)
//	training_completion a person's completed security awareness training (RecordTypeTrainingCompletion)
//	access_review_snapshot   the account list an access review froze at its start (RecordTypeAccessReviewSnapshot)
//	access_review_completion an access review's decisions and report, at its completion (RecordTypeAccessReviewCompletion)
//	population    an audit population's recorded retrieval (RecordTypePopulation)
//
// Each record type is specified key by key below, version by version. A record is always one JSON object in canonical JSON; from version
// 2 of a type on it carries "version" (an integer), and a record without
// "version" is version 1. A type's record never changes once a version is
// published: a new field makes a new version, and old records keep verifying
// as the version they were written in. Records are appended through one path
// (package chain in Attest), which checks the head, appends the entry and
// signs a checkpoint in the transaction that stores the record.
//
// # Evidence records
//
// Version 1, written by Attest before version 2, has exactly these keys:
//
//	type          "evidence"
//	org           the organization's slug
//	uid           the item's public ID, "ev_" and 20 hex digits (the entry's record_id)
//	kind          "file", "link", "attestation" or "system"
//	title, source, url, filename, media_type, notes
//	              strings, "" when not set
//	sha256        the content's SHA-256, 64 lowercase hex digits
//	size          the content's length in bytes, an integer
//	collected_at  a time in the form above
//	period_start, period_end
//	              times, both present when the item covers a period, both absent otherwise
//	supersedes    the uid of the item this one corrects, or ""
//	controls      the refs of the controls it supports, an array of strings, in the order linked
//
// Version 2 has every key of version 1 and:
//
//	version       2
//	added_by      who added it, as Attest showed them at the time: a person's
//	              label (name and e-mail) or the command line's label
//	added_by_id   the adding user's ID in the install's database, 0 for none
//	stored_at     when the evidence row was stored, a time in the form above
//
// so that changing who added an item or when it was stored, in the database or
// in a bundle's index.json, no longer verifies. For example, with the keys in
// canonical order (one line here, shortened):
//
//	{"added_by":"Ada <ada@acme.test>","added_by_id":3,"collected_at":"2026-03-01T12:00:00.000000Z",
//	"controls":["AC-2"],"filename":"mfa.csv","kind":"file","media_type":"text/csv; charset=utf-8",
//	"notes":"","org":"acme","sha256":"…","size":18,"source":"Ada <ada@acme.test>",
//	"stored_at":"2026-03-01T12:00:00.250000Z","supersedes":"","title":"MFA report","type":"evidence",
//	"uid":"ev_…","url":"","version":2}
//
// A bundle requires each evidence record to be a JSON object that names its
// file by "sha256" and "size", so that committing to the record commits to
// the file. index.json repeats the record's metadata in fixed fields for
// reading, and [BundleEvidence.CheckRecord] holds those fields to the record:
// a field the record also carries (title, kind, media_type, filename, source,
// notes, supersedes, collected_at, period_start, period_end, controls, id,
// added_by) must agree with it, and a field the record lacks must be empty,
// except id (bound by the entry's record_id) and added_by (a display name a
// version 1 record does not carry; a version 2 record binds it). A record's
// "org" and "type", if present, must be the bundle's organization and
// "evidence".
//
// # Monitoring records
//
// A snapshot record (version 1) has exactly these keys:
//
//	type          "snapshot"
//	org           the organization's slug
//	uid           the collection's public ID, "col_" and 20 hex digits (the entry's record_id)
//	connection    the connection's name; connector: its type, such as "github"
//	started_at, finished_at
//	              times, in the form above
//	partial       true when only some resources were collected (a webhook named them)
//	resources     how many resources the snapshot holds; calls: API requests made
//	failed        an object: resource type → why it could not be collected
//	sha256, size  of the snapshot file: canonical JSON {"format":"attest-snapshot-v1",
//	              "connector":…, "resources":[…], "failed":{…}}, resources sorted by
//	              type then key, each {"type","key","data","unavailable"}
//
// The snapshot file is content-addressed: an unchanged collection names the
// same file. A verdict is re-derived by evaluating the test version on the
// resource in that file, at started_at.
//
// A test_version record (version 1) has: type "test_version", org, id (the
// version, "sha256:" and the hex SHA-256 of the test's canonical definition,
// the entry's record_id), test (the test's ID) and definition (the test as a
// JSON object: id, title, description, resource_type, applies, pass, field,
// expected, severity, remediation, controls, reads, params).
//
// An exception record (version 1) has: type "exception", org, uid (the entry's
// record_id), event ("requested", "approved" or "revoked"), test, resource_type,
// resource_key, reason, requested_by, approved_by (labels, "" when not yet),
// expires_at, at (when the event happened). Each event is a new record of the
// same uid.
//
// # Policy records
//
// A policy_version record (version 1) is appended when a version reaches its
// approvers' quorum. It has: type "policy_version", org, id ("pv_" and 20 hex
// digits, the entry's record_id), policy (the policy's key), title, version
// (its label, such as "2.0"), material (true when people must accept it
// again), hash (the hex SHA-256 of content), content (the Markdown people
// read, placeholders filled), author (a label), approvers (an array of labels
// of those who approved), quorum, approved_at.
//
// A policy_approval record (version 1) has: type "policy_approval", org, uid
// (the entry's record_id), policy, version, hash (the content hash decided
// on), approver (a label), decision ("approve" or "reject"), comment, evidence
// (the uid of evidence the decision rests on, such as board minutes, or ""),
// at.
//
// A policy_acceptance record (version 1) has: type "policy_acceptance", org,
// uid (the entry's record_id), policy, version, hash (the content hash
// accepted), person (name), person_email, by (the label of who recorded it),
// at, address, user_agent.
//
// Verifying re-hashes a policy_version's content against its hash, and a
// bundle's every policy_acceptance must name the policy, version and hash of
// a policy_version record in the same bundle: what a person accepted is a
// text that was approved, and the bundle holds it.
//
// # Risk records
//
// A risk_assessment record (version 1) is appended when the named approver
// approves an assessment. It has: type "risk_assessment", org, uid ("ra_" and
// 20 hex digits, the entry's record_id), as_of (the day the register was
// frozen, YYYY-MM-DD), submitted_by and approver (labels), approved_at, note,
// scale (an object: likelihood and impact, the number of levels; medium, high
// and critical, the lowest score of each band) and risks, an array with one
// object per open risk: ref, title, category, owner, likelihood, impact,
// inherent, residual_likelihood, residual_impact, residual, band (of the
// residual score), treatment ("mitigate", "accept", "transfer" or "avoid"),
// controls (an array of control refs), review_date and accept_expires ("" for
// none).
//
// A risk_acceptance record (version 1) has: type "risk_acceptance", org, uid
// ("rac_" and 20 hex digits, the entry's record_id), risk (its ref), title,
// owner, likelihood, impact and score (residual, as accepted), rationale,
// expires (YYYY-MM-DD), approver (a label), at.
//
// Verifying re-derives every score of a risk_assessment from its likelihood
// and impact and its band from the scale, and checks each level lies on the
// scale and the residual score does not exceed the inherent one; an
// risk_acceptance's score must be its likelihood × impact.
// # Vendor records
//
// A vendor_review record (version 1) is appended when a reviewer approves a
// review of a vendor. It has exactly these keys: type "vendor_review", org,
// uid (the review's public ID, "vr_" and 20 hex digits, the entry's
// record_id), vendor (the vendor's name), criticality ("low", "medium",
// "high" or "critical"), report (the uid of the evidence item holding the
// vendor's assurance report, or ""), report_sha256 (that item's content
// SHA-256, 64 hex digits, or "" without a report), report_type ("type1",
// "type2" or "none"), period_start and period_end (the report's period as
// days, YYYY-MM-DD, "" without a report), opinion ("unqualified",
// "qualified", "adverse", "disclaimer", or "" without a report), exceptions,
// response (what the organization does about them), answers (an object:
// question key → answer, as recorded), cuecs (an array of the descriptions
// of the complementary user entity controls the report asks of the
// organization, in the order recorded), conclusion, reviewer (a label) and
// completed_at (a time in the form above).
//
// Verifying checks that a record with a report names its file by a SHA-256
// of 64 hex digits, states a known report type and opinion, and a period
// that does not end before it starts; a record without a report states
// none of them. The report itself is an evidence record of the same ledger.
// # Incident records
//
// An incident_postmortem record (version 1) is appended when an incident's
// post-mortem is signed off, which closes the incident. It has: type
// "incident_postmortem", org, uid ("pm_" and 20 hex digits, the entry's
// record_id), incident (the incident's ID in the install's database, an
// integer), title, severity ("sev1" … "sev4"), detected_at, contained_at,
// resolved_at (times in the form above, "" when not set), root_cause,
// post_mortem (the Markdown as signed off), hash (the hex SHA-256 of
// post_mortem), evidence (the uid of an attached post-mortem document, or
// ""), signed_off_by (a label), at.
//
// An exercise record (version 1) is appended when a held exercise is
// recorded. It has: type "exercise", org, uid ("ex_" and 20 hex digits, the
// entry's record_id), kind ("incident_response" or "disaster_recovery"),
// format ("tabletop" or "live"), held_on (YYYY-MM-DD), title, scenario,
// participants (an array of names), findings, recorded_by (a label), at.
//
// Verifying re-hashes an incident_postmortem's post_mortem against its hash,
// and holds each record to its keys: an exercise names a known kind and
// format, a date and at least one participant.
//
// # Training records
//
// A training_completion record (version 1) is appended when a person
// completes security awareness training: the built-in course, passed with
// its quiz, or an external course a manager records. It has: type
// "training_completion", org, uid ("tr_" and 20 hex digits, the entry's
// record_id), person (name), person_email, kind ("builtin" or "external"),
// course (the built-in course's key, such as "security-awareness", or the
// external course's name), course_hash (for the built-in course, the hex
// SHA-256 of the course's pages and questions as taken; "" for an external
// course), completed_on (YYYY-MM-DD), score and pass_mark (percents of the
// quiz answered right, and needed to pass; 0 for an external course),
// evidence (the uid of the uploaded certificate, or ""), link (a web
// address, or ""), recorded_by (a label), at.
//
// Verifying holds a training_completion to its keys: a known kind and a date;
// a built-in completion names its course's hash and a score at or above its
// pass mark; an external one names a certificate or a link.
// # Access review records
// An access_review_snapshot record (version 1) is appended when an access
// review campaign starts: the account list it froze, so the list reviewed
// cannot change under the reviewers. It has exactly these keys: type
// "access_review_snapshot", org, uid (the campaign's public ID, "ar_" and 20
// hex digits, the entry's record_id), title, due_on (YYYY-MM-DD), started_by
// (a label), started_at (a time in the form above), systems (an array, one
// object per system: name, source ("connection" or "upload"), connector (the
// connection's type, "" for an upload), collection (the uid of the
// collection the accounts were read from, "" for an upload), collected_at (a
// time, "" for an upload), owner (a label)), count (the number of accounts)
// and accounts (an array, one object per account, in the order of system then
// login: system (a name in systems), key, login, email, name, active and
// admin (booleans), person (the linked person's email, or "") and reviewer (a
// label)).
// An access_review_completion record (version 1) is appended when the
// campaign is completed. It has exactly these keys: type
// "access_review_completion", org, uid (the campaign's uid, as in its
// snapshot), snapshot (the record hash of the campaign's
// access_review_snapshot), decisions (an array in the snapshot's order, one
// object per account: system, key, decision ("keep", "revoke" or "change"),
// reason, reviewer and decided_by (labels), decided_at (a time)), report
// (the uid of the evidence item holding the campaign report, a CSV file),
// report_sha256 (its content SHA-256), completed_by (a label) and at.
// Verifying holds a snapshot to its count and to its systems (every account
// names one of them, and no account is listed twice in a system), and a
// completion to its decisions: each known, a revoke or change with a reason,
// no account decided twice; its snapshot and report_sha256 are 64 hex
// digits. The report itself is an evidence record of the same ledger.
//
// # Population records
//
// A population record (version 1) is appended when an audit population is
// taken: the retrieval of one kind of population over a window, as it ran.
// It has exactly these keys: type "population", org, uid ("pop_" and 20 hex
// digits, the entry's record_id), kind ("joiners", "leavers", "changes",
// "incidents", "access_reviews", "vendor_reviews", "vulnerabilities" or
// "configuration"),
// from and to (the window's days, YYYY-MM-DD, both included), audit_id (the
// audit record it belongs to; absent from records taken before audits were
// records), audit (that audit's name, or an older record's free reference,
// or ""), source and query (in words: what was read
// and how it was selected), params (an object of the deadlines the checks
// used: leaver_days, training_days, incident_days, fix_days, an object
// of days by vulnerability severity, remediation_days, and captured_at, the
// time a configuration capture read the collections; each absent when not
// used), ran_at (a
// time in the form above), taken_by (a label), count (the number of rows),
// population_hash, rows (an array, one object per item in the canonical
// order: id, occurred_at (RFC 3339), summary, and person, change, incident,
// access_review, vendor_review, vulnerability or configuration, the facts
// its check tests), reconciliation (an object: against, reconciled,
// note, findings, an array of {item, why}) and results (an array in the
// order of rows: item, result ("pass", "deviation" or "not_testable"),
// reason).
//
// A configuration row (kind "configuration", added in this version of the
// format; records of the other kinds are unchanged) is one test's verdict
// on one resource when the capture was taken, within the window. Its id is
// "CONNECTION:TEST:TYPE/KEY", its occurred_at the collected_at below, and
// configuration an object with exactly these keys: connection (the
// connection's name), connector (its type), interval_minutes (its
// schedule), test, test_title, test_version (as in test_version records),
// controls (an array of the control references the test maps to, sorted),
// resource_type, resource_key, status ("pass", "fail", "error" or
// "unverifiable"), message, since (when the status began), collection (the
// uid of the collection judged on, a snapshot record's uid),
// snapshot_sha256 (64 hex digits: that snapshot record's sha256 when the
// capture was taken, or a reconciliation finding says otherwise),
// collected_at (the collection's started_at, the time the verdict is
// re-derived at), and, for a failing result under an approved exception,
// exception (its uid) and exception_expires (a time); both absent
// otherwise. Verifying holds every row of a configuration record to naming
// its collection and a snapshot_sha256 of that form.
//
// population_hash is the hex SHA-256 of the population's canonical encoding
// (docs/audits.md): one line "ID TAB OCCURRED_AT TAB SUMMARY LF" per row,
// sorted by occurrence time then ID, the time in UTC as RFC 3339 with
// nanoseconds and no trailing zeros. An empty population has zero rows and
// hashes zero bytes. Verifying re-derives the hash from the rows, and holds
// count and results to them.
//
// # Checkpoints (attest-checkpoint-v1)
//
// A [Checkpoint] states, under the install's signature, that entry Seq of the
// organization's chain had hash Hash. Because each entry commits to the one
// before it, it vouches for the whole chain up to Seq. The signature is Ed25519
// (RFC 8032, pure, no pre-hash) over the message ([CheckpointMessage]): the line
// "attest-checkpoint-v1", then the fields org, seq, hash and at, each encoded as
// for entries. For example:
//
//	attest-checkpoint-v1
//	org:4:acme
//	seq:3:100
//	hash:64:<the hash of entry 100>
//	at:27:2026-03-01T12:00:00.000000Z
//
// Signature is the standard, padded base64 of the 64-byte signature. KeyID names
// the signing key, and is not signed: the signature binds the key. In
// checkpoints.json a checkpoint is an object with the keys org, seq (a number),
// hash, at, key_id and signature.
//
// # Keys
//
// A key ID ([KeyID]) is the first 16 hex digits of the SHA-256 of the 32 raw
// public-key bytes. The text form of a public key ([EncodePublicKey]) is
// "attest-ed25519:" followed by the standard, padded base64 of those bytes (44
// characters). A private key is stored as a PEM "PRIVATE KEY" block (PKCS #8,
// RFC 8410), the form `openssl genpkey -algorithm ed25519` writes.
//
// # Bundles (attest-bundle-v3)
//
// An export ([WriteBundle]) is a zip archive holding, in this order:
//
//   - README.txt: how to verify by hand, for people (not verified);
//   - index.html: the evidence for people, by criterion and control, linking
//     each item to its file in the archive (not verified, and optional);
//   - index.json: an object with format ("attest-bundle-v3"), org,
//     generated_at, public_key (a hint, never trusted), evidence and records.
//     evidence is an array with one object per evidence item on its own line,
//     with the keys id, title, kind, media_type, filename, sha256, size,
//     collected_at, period_start, period_end, controls, source, added_by, notes
//     and supersedes, then record_hash and record, the record's canonical bytes
//     written verbatim as a JSON value. Times are in the form above;
//     period_start and period_end may be null. Several items may share an id
//     when a record has several versions in the ledger; id and record_hash
//     together are unique. records is an array, one object per line, with the
//     keys type, id, record_hash and record, for the record of every entry
//     whose record_type is not "evidence" ([BundleRecord]); type, id and
//     record_hash together are unique. The key order is as listed;
//   - ledger.jsonl: every entry of the organization, one JSON object per line,
//     in sequence order, each line ending in a newline;
//   - checkpoints.json: a JSON array of checkpoints, one per line;
//   - blobs/sha256/XX/HASH: each evidence file once, where HASH is its SHA-256
//     and XX the first two digits of HASH, stored uncompressed;
//   - readable copies, stored uncompressed and in order of name:
//     controls/FOLDER/NAME for each evidence item and each control it names,
//     where FOLDER is the control's ref and NAME the item's filename (or its
//     title and an extension for its media type, when it has no filename),
//     both made safe to extract on any system and cut to 64 and 120 bytes;
//     unlinked/NAME for an item that names no control. When names collide
//     in a folder (ignoring case), later ones are numbered "NAME (2).EXT".
//     Each copy's zip comment is "evidence ID RECORD_HASH", naming the item
//     it copies; its bytes are the item's file. Copies are optional: the
//     writer leaves some out when they would add more than [CopyAllowance]
//     bytes, or more than [MaxCopies] files, to the bundle.
//
// attest-bundle-v2 is the same without index.html and readable copies; its
// index.json differs only in format, and a v2 bundle holding either file is
// refused.
//
// attest-bundle-v4 is v3 with a key "withheld" in index.json, between
// public_key and evidence: an array of the sequence numbers of entries whose
// records (and their files) the bundle leaves out, ascending, each an entry of
// ledger.jsonl, at least one. Only v4 may have it. A withheld entry is a link
// of the chain like any other (its hash covers its record_hash, so it cannot
// be changed or dropped), and nothing else is checked of it. An audit
// package's segment withholds every record outside its audit.
//
// Every entry's record that is not withheld is in the bundle: an evidence
// entry's in evidence, any other's in records, matched by type, id and record
// hash; and every item of evidence and records is recorded by an entry. A verifier checks a record
// of a type it does not know only as far as every record is checked: its bytes
// hash to its record_hash, they are one JSON object, and its "org" and "type",
// if present, are the bundle's organization and the entry's type. Its entry is
// a link of the chain like any other, covered by the checkpoints. A type the
// verifier knows is then re-checked against its own rules.
//
// attest-bundle-v1, written before records of other types existed, is the
// same without records (index.json has no "records" key, and an entry whose
// record_type is not "evidence" cannot be checked); VerifyBundle still reads it.
//
// WriteBundle refuses a ledger whose last entry has no checkpoint, so in a
// bundle the last entry must be covered by a checkpoint; entries after the last
// checkpoint are refused as an unsigned tail.
//
// # Saved heads
//
// A bundle, or the database, proves its chain up to its last checkpoint, but
// not that the chain has not been cut back: deleting the newest entries with
// their checkpoints and records leaves a shorter chain that still verifies.
// So Attest also keeps each organization's latest checkpoint outside the
// database, as heads/<org>.json in the data directory and, when evidence files
// are kept in S3, as the object heads/<org>.json under the bucket's prefix.
// A saved head is one checkpoint in the form of checkpoints.json, followed by a
// newline. It is written after the transaction that signed it commits (a temp
// file, synced, renamed into place; one request in S3), and only forward: a
// head is never replaced by an older one.
//
// Compared with the database's chain, a saved head at entry N must verify
// under the install's key, and the chain must have an entry N with the hash
// it signs. A chain that ends before N was cut back, and entries from its end
// up to N are missing; a chain whose entry N has another hash was rewritten.
// A chain longer than the saved head is not a problem: the process stopped
// between a commit and the write, and the head is written again.
//
// # Verification
//
// [VerifyChain] walks a chain and returns a [*Failure] naming the first entry
// that does not verify. Its reasons read, for example:
//
//	sequence jumps from 4 to 6: entry 5 is missing
//	entries are out of order: entry 4 comes before entry 3
//	entry 5 appears more than once
//	entry hash does not match its contents
//	previous-entry hash does not match entry 4
//	checkpoint at entry 10 does not match the entry: it signs hash …, the entry's hash is …
//	checkpoint at entry 10 is signed by key "…", not by the expected key "…"
//	checkpoint at entry 10: signature does not verify (…)
//	checkpoint refers to entry 12, but the chain ends at entry 10
//
// plus whatever the caller's check reports for the record behind an entry.
// [VerifyBundle] runs VerifyChain over a bundle with checks for the records in
// index.json and the files in blobs/, and names what is wrong with the archive
// itself: unsafe or duplicate file names, files that are not regular files or do
// not belong, files that inflate beyond their bounds, and readable copies
// that are not their evidence item's file, or not where that item belongs.
//
// # What the ledger proves, and what it does not
//
// The chain alone is not a secret: anyone who can write the database can
// rewrite entries and recompute every hash after them. What such a person cannot
// do is sign. A chain that verifies against a checkpoint signed by the install's
// key is the chain as it was when the checkpoint was signed, so a bundle is
// trustworthy up to its last checkpoint, and only as far as the public key it is
// checked against came from the organization. Entries after the last checkpoint
// are an unsigned tail, which a bundle refuses. The key must be kept out of the
// database for this to hold. That the chain was not cut back to an earlier
// checkpoint is shown only by a head saved elsewhere: the saved heads above, or
// an earlier bundle whose last checkpoint the later chain must still contain.
//
// Every checkpoint is checked against one key. An install that replaces its key
// needs its old checkpoints re-signed (or a verifier that accepts a set of keys)
// before its chain verifies again.
package ledger
