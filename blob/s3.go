package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/attest-hq/attest"
)

// Layout of an S3 store, relative to its prefix.
const (
	s3BlobDir = "sha256/" // sha256/ab/<hex>
	s3TempDir = "tmp/"    // tmp/<random>: uploads in progress or abandoned
)

const (
	// maxCopySize is the most a single CopyObject may copy (5 GiB). Put moves
	// each upload to its final key with one CopyObject, so this caps a blob's
	// size; Put enforces it while reading, before uploading more.
	maxCopySize = 5 << 30

	// partSize is the multipart upload's part size (S3's smallest) and also
	// the size below which an upload is a single PutObject. A Put of more than
	// partSize holds s3Concurrency+2 parts in memory (25 MiB), whatever the
	// size of the content: the transfer manager reads the first part on its
	// own, then allocates a pool of s3Concurrency+1 part buffers.
	partSize      = 5 << 20
	s3Concurrency = 3

	// cleanupTimeout bounds the requests that undo a failed Put. They run on
	// a context of their own because the caller's may be what failed.
	cleanupTimeout = 30 * time.Second
)

// s3Config is what an s3:// URL says.
type s3Config struct {
	bucket    string
	prefix    string // "" or ending in "/"
	endpoint  string // "" for AWS itself
	region    string // "" for the AWS configuration's
	pathStyle bool
}

// parseS3URL reads s3://bucket[/prefix]?endpoint=…&region=…&path_style=….
func parseS3URL(u *url.URL) (s3Config, error) {
	bad := func(format string, args ...any) error {
		return attest.Invalid("ATTEST_BLOB_URL", "s3://%s%s: %s", u.Host, u.EscapedPath(), fmt.Sprintf(format, args...))
	}
	var c s3Config
	c.bucket = u.Host
	if c.bucket == "" {
		return c, attest.Invalid("ATTEST_BLOB_URL", "%s names no bucket: want s3://bucket[/prefix]", u.Redacted())
	}
	if u.Port() != "" {
		return c, bad("the bucket name %q has a port; give the server as ?endpoint=http://host:port", c.bucket)
	}
	if u.Fragment != "" {
		return c, bad("unexpected #%s", u.Fragment)
	}
	if p := trimSlashes(u.Path); p != "" {
		for _, seg := range strings.Split(p, "/") {
			if seg == "" || seg == "." || seg == ".." {
				return c, bad("the prefix %q has an empty, . or .. segment", p)
			}
		}
		c.prefix = p + "/"
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, bad("parameters: %v", err)
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return c, bad("parameter %s is given %d times", k, len(vs))
		}
		v := vs[0]
		switch k {
		case "endpoint":
			e, err := url.Parse(v)
			// The value is quoted only once it is known to hold no password.
			switch {
			case err != nil || e.Scheme != "http" && e.Scheme != "https":
				return c, bad("endpoint: want http://host[:port] or https://host[:port]")
			case e.User != nil:
				return c, bad("endpoint %s must not contain a user name or password: credentials come from the standard AWS variables", e.Redacted())
			case e.Host == "":
				return c, bad("endpoint %q names no host", v)
			case trimSlashes(e.Path) != "" || e.RawQuery != "" || e.Fragment != "":
				return c, bad("endpoint %q: want only scheme, host and port (put a key prefix after the bucket)", v)
			}
			c.endpoint = e.Scheme + "://" + e.Host
		case "region":
			if v == "" {
				return c, bad("region is empty")
			}
			c.region = v
		case "path_style":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return c, bad("path_style %q: want true or false", v)
			}
			c.pathStyle = b
		default:
			return c, bad("unknown parameter %q (known: endpoint, region, path_style)", k)
		}
	}
	return c, nil
}

// s3Store keeps blobs in a bucket, under an optional key prefix:
//
//	<prefix>sha256/ab/<hex>   the blob whose SHA-256 is ab…
//	<prefix>tmp/<random>      an upload in progress, or one that failed and could not be removed
//
// Put uploads to a temporary key while hashing (S3 wants an object's key
// before its content, and the hash is known only after), then copies the
// verified object to its final key on the server and deletes the temporary
// one. A failed Put aborts its multipart upload and deletes its temporary key;
// when the server cannot be reached for that, leftovers stay under tmp/ or as
// incomplete multipart uploads, neither visible under sha256/. Give the bucket
// a lifecycle rule as a backstop that expires objects under <prefix>tmp/ after
// one day and aborts incomplete multipart uploads after one day.
//
// Final objects are never changed: a key is a hash of the content, so writing
// it again writes the same bytes. Concurrent Puts of the same content may
// both copy; the result is the same object.
//
// The credentials need s3:ListBucket (Open's HeadBucket, List), s3:GetObject,
// s3:PutObject (which covers multipart uploads and CopyObject's destination),
// s3:DeleteObject and s3:AbortMultipartUpload on the bucket and prefix.
type s3Store struct {
	cfg    s3Config
	client *s3.Client
	tm     *transfermanager.Client
}

// openS3 connects to the bucket in c with credentials from the standard AWS
// chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the
// shared files, web identity, then the instance's role) and checks that the
// bucket answers. The region is c.region, else the AWS configuration's
// (AWS_REGION), else us-east-1 when an endpoint is given, as S3-compatible
// servers mostly ignore it. Other AWS settings apply as usual, for example
// AWS_MAX_ATTEMPTS, and AWS_REQUEST_CHECKSUM_CALCULATION=when_required for a
// server that rejects the SDK's default CRC32 checksums.
func openS3(ctx context.Context, c s3Config) (*s3Store, error) {
	var opts []func(*config.LoadOptions) error
	if c.region != "" {
		opts = append(opts, config.WithRegion(c.region))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("blob store s3://%s/%s: loading the AWS configuration: %w", c.bucket, c.prefix, err)
	}
	if awsCfg.Region == "" {
		if c.endpoint == "" {
			return nil, attest.Invalid("ATTEST_BLOB_URL", "s3://%s/%s: no region: add ?region=… or set AWS_REGION", c.bucket, c.prefix)
		}
		awsCfg.Region = "us-east-1"
	}
	c.region = awsCfg.Region
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if c.endpoint != "" {
			o.BaseEndpoint = aws.String(c.endpoint)
		}
		o.UsePathStyle = c.pathStyle
	})
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = s3Concurrency
		o.FailTimeout = cleanupTimeout
		// The transfer manager has its own checksum setting, which would
		// otherwise override the one from the AWS configuration.
		o.RequestChecksumCalculation = awsCfg.RequestChecksumCalculation
	})
	s := &s3Store{cfg: c, client: client, tm: tm}

	hctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := client.HeadBucket(hctx, &s3.HeadBucketInput{Bucket: &c.bucket}); err != nil {
		return nil, fmt.Errorf("blob store %s: cannot reach the bucket: %w", s, err)
	}
	return s, nil
}

func (s *s3Store) String() string {
	where := "AWS"
	if s.cfg.endpoint != "" {
		where = s.cfg.endpoint
	}
	return fmt.Sprintf("s3://%s/%s at %s (region %s)", s.cfg.bucket, s.cfg.prefix, where, s.cfg.region)
}

func (s *s3Store) Close() error { return nil }

func (s *s3Store) key(sha string) string {
	return s.cfg.prefix + s3BlobDir + sha[0:2] + "/" + sha
}

func (s *s3Store) fail(doing string, err error) error {
	return fmt.Errorf("blob store %s: %s: %w", s, doing, err)
}

// notFound reports whether err says the object does not exist.
func notFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucket" {
		return false
	}
	// HEAD answers carry no body, so some servers' 404s arrive without a code.
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == 404
}

func (s *s3Store) Put(ctx context.Context, r io.Reader, want string, maxSize int64) (string, int64, error) {
	if err := checkWant(want); err != nil {
		return "", 0, err
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	// Even when want names a blob that exists, the content is read and
	// checked: answering from want alone would let anyone who knows a hash
	// claim to have uploaded that content.
	limit, why := maxSize, "the limit for this upload"
	if limit <= 0 || limit > maxCopySize {
		limit, why = maxCopySize, "the most one S3 CopyObject can copy"
	}
	var b [16]byte
	rand.Read(b[:])
	tmp := s.cfg.prefix + s3TempDir + hex.EncodeToString(b[:])

	hr := newHashingReader(ctx, r, limit, why)
	_, err := s.tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
		Bucket: &s.cfg.bucket,
		Key:    &tmp,
		Body:   hr,
	})
	if err == nil && !hr.done {
		err = errors.New("the upload ended before the content did")
	}
	if err != nil {
		s.discard(ctx, tmp, err)
		if hr.err != nil {
			return "", 0, hr.err // the caller's reader, the size limit or ctx
		}
		if ctx.Err() != nil {
			// The SDK saw the cancellation before our reader did.
			return "", 0, fmt.Errorf("blob store %s: upload stopped: %w", s, context.Cause(ctx))
		}
		return "", 0, s.fail("uploading "+tmp, err)
	}

	sha, size := hr.sum(), hr.n
	if want != "" && sha != want {
		s.discard(ctx, tmp, nil)
		return "", 0, mismatch(sha, want)
	}
	final := s.key(sha)
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.bucket, Key: &final})
	switch {
	case err == nil && aws.ToInt64(head.ContentLength) == size:
		s.discard(ctx, tmp, nil)
		return sha, size, nil // already stored
	case err != nil && !notFound(err):
		s.discard(ctx, tmp, nil)
		return "", 0, s.fail("checking "+final, err)
	}
	// Absent, or present with the wrong size (damaged): copy ours, which is
	// complete and verified.
	_, err = s.client.CopyObject(ctx, &s3.CopyObjectInput{
		Bucket:     &s.cfg.bucket,
		Key:        &final,
		CopySource: aws.String(copySource(s.cfg.bucket, tmp)),
	})
	if err != nil {
		s.discard(ctx, tmp, nil)
		return "", 0, s.fail("copying "+tmp+" to "+final, err)
	}
	// The blob is stored; a temporary object that cannot be deleted now is
	// left to the bucket's lifecycle rule rather than failing the Put.
	s.discard(ctx, tmp, nil)
	return sha, size, nil
}

// discard deletes the temporary key and, when uploadErr says a multipart
// upload was started, aborts it (the transfer manager tries too; trying again
// costs one request on a path that is already failing). Errors are ignored:
// whatever remains is under tmp/, where the lifecycle rule expires it.
func (s *s3Store) discard(ctx context.Context, tmp string, uploadErr error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	var mu transfermanager.MultipartUploadError
	if errors.As(uploadErr, &mu) && mu.UploadID() != "" {
		s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
			Bucket:   &s.cfg.bucket,
			Key:      &tmp,
			UploadId: aws.String(mu.UploadID()),
		})
	}
	s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.cfg.bucket, Key: &tmp})
}

// copySource is CopyObject's "bucket/key", URL-encoded segment by segment.
func copySource(bucket, key string) string {
	segs := strings.Split(key, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return url.PathEscape(bucket) + "/" + strings.Join(segs, "/")
}

func (s *s3Store) Open(ctx context.Context, sha string) (io.ReadCloser, int64, error) {
	if err := checkSHA(sha); err != nil {
		return nil, 0, err
	}
	key := s.key(sha)
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.cfg.bucket, Key: &key})
	if notFound(err) {
		return nil, 0, fmt.Errorf("blob %s in %s: %w", sha, s, ErrNotFound)
	}
	if err != nil {
		return nil, 0, s.fail("reading "+key, err)
	}
	return out.Body, aws.ToInt64(out.ContentLength), nil
}

func (s *s3Store) Stat(ctx context.Context, sha string) (int64, error) {
	if err := checkSHA(sha); err != nil {
		return 0, err
	}
	key := s.key(sha)
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.bucket, Key: &key})
	if notFound(err) {
		return 0, fmt.Errorf("blob %s in %s: %w", sha, s, ErrNotFound)
	}
	if err != nil {
		return 0, s.fail("checking "+key, err)
	}
	return aws.ToInt64(out.ContentLength), nil
}

func (s *s3Store) Delete(ctx context.Context, sha string) error {
	if err := checkSHA(sha); err != nil {
		return err
	}
	key := s.key(sha)
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.cfg.bucket, Key: &key})
	if err != nil && !notFound(err) {
		return s.fail("deleting "+key, err)
	}
	return nil
}

// List reports what Walk does, without the times.
func (s *s3Store) List(ctx context.Context, fn func(sha string, size int64) error) error {
	return s.Walk(ctx, func(b Info) error { return fn(b.SHA, b.Size) })
}

// Walk pages through <prefix>sha256/ and reports each key that fits the
// layout; anything else is not a blob and is skipped. The time is the
// object's LastModified, set when Put copied it to its final key.
func (s *s3Store) Walk(ctx context.Context, fn func(Info) error) error {
	dir := s.cfg.prefix + s3BlobDir
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.cfg.bucket, Prefix: &dir})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return s.fail("listing "+dir, err)
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			sha := k[strings.LastIndexByte(k, '/')+1:]
			if !ValidSHA(sha) || k != s.key(sha) {
				continue
			}
			if err := fn(Info{SHA: sha, Size: aws.ToInt64(o.Size), Modified: aws.ToTime(o.LastModified)}); err != nil {
				return err
			}
		}
	}
	return nil
}
