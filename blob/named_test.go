package blob

import (
	"errors"
	"testing"
)

func TestS3NamedObjects(t *testing.T) {
	f := newS3(t)
	named, ok := f.store.(Named)
	if !ok {
		t.Fatal("the S3 store keeps no named objects")
	}
	ctx := t.Context()
	if _, err := named.GetNamed(ctx, "heads/acme.json"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing object: %v, want ErrNotFound", err)
	}
	for _, data := range []string{`{"seq":1}`, `{"seq":2}`} {
		if err := named.PutNamed(ctx, "heads/acme.json", []byte(data)); err != nil {
			t.Fatal(err)
		}
		got, err := named.GetNamed(ctx, "heads/acme.json")
		if err != nil || string(got) != data {
			t.Fatalf("GetNamed = %q, %v; want %q", got, err, data)
		}
	}
	// Named objects are not blobs.
	n := 0
	if err := f.store.List(ctx, func(string, int64) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("List saw %d blobs (%v) beside a named object", n, err)
	}
	for _, bad := range []string{"", "/heads/a.json", "heads/../x", "heads/A.json", "heads/", "a//b"} {
		if err := named.PutNamed(ctx, bad, []byte("x")); err == nil {
			t.Errorf("PutNamed(%q) was accepted", bad)
		}
	}
}

func TestFSKeepsNoNamedObjects(t *testing.T) {
	s, err := Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(Named); ok {
		t.Fatal("the filesystem store keeps named objects; heads in the data directory would be written twice")
	}
}

// S3ForTest opens an empty S3 store on the test gateway, for the external
// tests of this package (heads_s3_test.go).
func S3ForTest(t *testing.T) Store { return newS3(t).store }
