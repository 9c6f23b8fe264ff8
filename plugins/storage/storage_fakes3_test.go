package storage_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fakeS3 is a real S3 endpoint on loopback, path-style: gofakes3 with its
// buckets in memory, behind a gate that checks each request's signature
// as S3 does (gofakes3 checks no keys itself) and refuses a request
// signed with another access key or secret with S3's error.
type fakeS3 struct {
	url     string
	backend *s3mem.Backend
	key     atomic.Value // the access key accepted, with the secret
}

func newFakeS3(t *testing.T) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New()}
	f.key.Store(accessKey)
	for _, b := range []string{filesBucket, backupsBucket} {
		if err := f.backend.CreateBucket(b); err != nil {
			t.Fatal(err)
		}
	}
	s3 := gofakes3.New(f.backend).Server()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code := s3Refusal(r, f.key.Load().(string), secret); code != "" {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+code+`</Code><Message>Refused by the test's S3.</Message></Error>`)
			return
		}
		s3.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	f.url = server.URL
	return f
}

// keys returns the keys of the objects in bucket under prefix.
func (f *fakeS3) keys(t *testing.T, bucket, prefix string) []string {
	t.Helper()
	list, err := f.backend.ListBucket(bucket, &gofakes3.Prefix{HasPrefix: true, Prefix: prefix}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatalf("listing %s: %v", bucket, err)
	}
	var keys []string
	for _, c := range list.Contents {
		keys = append(keys, c.Key)
	}
	return keys
}

// object returns the bytes of the object key in the files bucket.
func (f *fakeS3) object(t *testing.T, key string) []byte {
	t.Helper()
	obj, err := f.backend.GetObject(filesBucket, key, nil)
	if err != nil {
		t.Fatalf("object %s: %v", key, err)
	}
	defer obj.Contents.Close()
	data, err := io.ReadAll(obj.Contents)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// authorization is the form of an S3 request's Authorization header
// (AWS Signature Version 4).
var authorization = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$`)

// s3Refusal checks r's signature as S3 does, with secret for the access
// key accepted, and returns S3's error code when it fails: the access key
// is not key, or the signature is not made with secret. "" lets it pass.
func s3Refusal(r *http.Request, key, secret string) string {
	m := authorization.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil || m[1] != key {
		return "InvalidAccessKeyId"
	}
	date, region, signedHeaders, signature := m[2], m[3], m[4], m[5]

	var headers strings.Builder
	for _, name := range strings.Split(signedHeaders, ";") {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		headers.WriteString(name + ":" + strings.TrimSpace(value) + "\n")
	}
	canonical := strings.Join([]string{
		r.Method,
		r.URL.EscapedPath(),
		canonicalQuery(r.URL.Query()),
		headers.String(),
		signedHeaders,
		r.Header.Get("X-Amz-Content-Sha256"),
	}, "\n")
	scope := date + "/" + region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + r.Header.Get("X-Amz-Date") + "\n" + scope + "\n" + hexSHA256(canonical)

	signingKey := []byte("AWS4" + secret)
	for _, part := range []string{date, region, "s3", "aws4_request"} {
		signingKey = hmacSHA256(signingKey, part)
	}
	if !hmac.Equal([]byte(hex.EncodeToString(hmacSHA256(signingKey, toSign))), []byte(signature)) {
		return "SignatureDoesNotMatch"
	}
	return ""
}

// canonicalQuery is the query sorted by name, encoded as AWS does.
func canonicalQuery(query url.Values) string {
	var pairs []string
	for name, values := range query {
		for _, v := range values {
			pairs = append(pairs, awsEscape(name)+"="+awsEscape(v))
		}
	}
	slices.Sort(pairs)
	return strings.Join(pairs, "&")
}

func awsEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(url.QueryEscape(s), "+", "%20"), "%7E", "~")
}

func hexSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, s string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(s))
	return mac.Sum(nil)
}
