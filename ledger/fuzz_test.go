package ledger

import (
	"bytes"
	"os"
	"runtime"
	"testing"
)

// smallBundle is a valid bundle kept small for fuzzing: the fixture's first
// two evidence items with short files, signed at its head.
func smallBundle(t testing.TB) (*fixture, []byte, Bundle) {
	f := newFixture(t)
	b := f.bundle
	b.Evidence = b.Evidence[:2]
	for i := range b.Evidence {
		ev := b.Evidence[i]
		data := "evidence file " + ev.ID + "\n"
		ev.SHA256, ev.Size = hexSum(data), int64(len(data))
		f.files[ev.SHA256] = []byte(data)
		b.Evidence[i] = withRecord(t, ev)
	}
	b.Entries = nil
	var prev *Entry
	for _, ev := range b.Evidence {
		e := Next(prev, "acme", RecordTypeEvidence, ev.ID, ev.RecordHash, ev.CollectedAt)
		b.Entries = append(b.Entries, e)
		prev = &e
	}
	b.Checkpoints = []Checkpoint{Sign(f.priv, "acme", *prev, b.GeneratedAt)}
	return f, f.write(t, b), b
}

// FuzzVerifyBundle feeds VerifyBundle mutated bundles under lowered limits.
// Whatever the bytes, it returns (never panics) and allocates within a bound
// set by the limits, not by sizes the archive declares. A bundle that
// verifies must vouch for exactly what one of the seed bundles vouches for:
// same head hash, entries, items, records and re-hashed files, and no more
// readable copies (they are optional, each checked). Bytes that no
// signature covers (README.txt, index.html, zip metadata, index.json's
// generated_at and public_key hint) may change and still verify; that is by
// design, so the property is on what the report vouches for, not on bytes.
func FuzzVerifyBundle(f *testing.F) {
	fx, small, sb := smallBundle(f)
	originals := map[string]Report{}
	add := func(data []byte) {
		if rep, err := verifyBytes(data, fx.pub); err == nil {
			originals[rep.Head] = rep
		}
		f.Add(data)
	}
	add(small)
	if len(originals) != 1 {
		f.Fatal("the small seed bundle does not verify")
	}
	for _, name := range []string{"testdata/bundle-v1.zip", "testdata/bundle-v2.zip"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
	// The same with its first entry withheld (attest-bundle-v4).
	sb.Withhold(func(e Entry) bool { return e.Seq != 1 })
	withheld := fx.write(f, sb)
	if rep, err := verifyBytes(withheld, fx.pub); err != nil || rep.Withheld != 1 || originals[rep.Head].Entries != rep.Entries {
		f.Fatalf("the withheld seed bundle: %+v, %v", rep, err)
	}
	f.Add(withheld)
	f.Add(small[:len(small)/2])
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))

	// Limits far below the real ones, so a mutated size field is refused
	// quickly, and memory can be bounded by a few multiples of them.
	saved := limits
	limits = bundleLimits{index: 64 << 10, ledger: 64 << 10, checkpoints: 16 << 10, readme: 16 << 10, page: 64 << 10,
		value: 16 << 10, line: 4 << 10, members: 64, entries: 64, items: 64, checkpts: 64, directory: 64 << 10}
	f.Cleanup(func() { limits = saved })
	if _, err := verifyBytes(small, fx.pub); err != nil {
		f.Fatalf("the small seed bundle does not verify under the fuzzing limits: %v", err)
	}

	const allocBound = 16 << 20 // a few times the sum of the lowered limits
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rep, err := verifyBytes(data, fx.pub)
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > allocBound+8*uint64(len(data)) {
			t.Fatalf("verifying %d bytes allocated %d bytes (err %v)", len(data), n, err)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		want, ok := originals[rep.Head]
		if !ok {
			t.Fatalf("a mutated bundle verified with a head no seed has: %+v", rep)
		}
		// Withholding says less, never something else: a bundle that
		// withholds more vouches for fewer items, records and files.
		if rep.Withheld > 0 {
			if rep.Evidence+rep.Records+rep.Withheld < want.Evidence+want.Records || rep.Evidence > want.Evidence || rep.Records > want.Records ||
				rep.Blobs > want.Blobs || rep.Bytes > want.Bytes {
				t.Fatalf("a bundle withholding %d entries vouches for %+v beside %+v", rep.Withheld, rep, want)
			}
			rep.Withheld, rep.Evidence, rep.Records, rep.Blobs, rep.Bytes, rep.Copies = want.Withheld, want.Evidence, want.Records, want.Blobs, want.Bytes, want.Copies
		}
		// Readable copies are optional: one may be missing, none added.
		if rep.Copies <= want.Copies {
			rep.Copies = want.Copies
		}
		if rep != want {
			t.Fatalf("a mutated bundle verified as\n%+v\nbut its seed vouches for\n%+v", rep, want)
		}
		if bytes.Equal(data, small) && rep.Entries != 2 {
			t.Fatalf("the small bundle verified as %+v", rep)
		}
	})
}
