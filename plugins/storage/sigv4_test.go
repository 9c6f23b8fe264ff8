package storage_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

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
