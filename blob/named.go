package blob

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Named is implemented by stores that also keep a few small named objects
// beside the content-addressed blobs, for state that must live where the blobs
// live: the ledger's signed heads (see package chain). Names are paths of
// lowercase letters, digits, ".", "-", "_" and "/", such as "heads/acme.json".
// A Put replaces the object whole; a Get of a missing object is ErrNotFound.
type Named interface {
	PutNamed(ctx context.Context, name string, data []byte) error
	GetNamed(ctx context.Context, name string) ([]byte, error)
}

// maxNamed bounds what GetNamed reads: named objects are small by design.
const maxNamed = 1 << 20

func checkName(name string) error {
	ok := name != "" && !strings.HasPrefix(name, "/") && !strings.HasSuffix(name, "/")
	for _, seg := range strings.Split(name, "/") {
		ok = ok && seg != "" && seg != "." && seg != ".."
	}
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r))
	}
	if !ok {
		return fmt.Errorf("blob store: %q is not a valid object name", name)
	}
	return nil
}

func (s *s3Store) namedKey(name string) string { return s.cfg.prefix + name }

// PutNamed writes a small object under the store's prefix in one request, so
// a reader sees the old object or the new one, never a mix.
func (s *s3Store) PutNamed(ctx context.Context, name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	key := s.namedKey(name)
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: &s.cfg.bucket, Key: &key, Body: bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))), ContentType: aws.String("application/json")})
	if err != nil {
		return s.fail("writing "+key, err)
	}
	return nil
}

// GetNamed reads a small object written by PutNamed.
func (s *s3Store) GetNamed(ctx context.Context, name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	key := s.namedKey(name)
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.cfg.bucket, Key: &key})
	if notFound(err) {
		return nil, fmt.Errorf("object %s in %s: %w", name, s, ErrNotFound)
	}
	if err != nil {
		return nil, s.fail("reading "+key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, maxNamed+1))
	if err != nil {
		return nil, s.fail("reading "+key, err)
	}
	if len(data) > maxNamed {
		return nil, fmt.Errorf("object %s in %s is larger than %d bytes", name, s, maxNamed)
	}
	return data, nil
}
