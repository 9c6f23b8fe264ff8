package push_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pushService is a real local push service over TLS: it keeps what it is
// sent and answers with the status a test sets (201 by default).
type pushService struct {
	server *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	posts  []post
}

// post is one request the push service received.
type post struct {
	path   string
	header http.Header
	body   []byte
}

func newPushService(t *testing.T) *pushService {
	t.Helper()
	s := &pushService{}
	s.status.Store(http.StatusCreated)
	s.server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.mu.Lock()
		s.posts = append(s.posts, post{path: r.URL.Path, header: r.Header.Clone(), body: body})
		s.mu.Unlock()
		w.WriteHeader(int(s.status.Load()))
	}))
	t.Cleanup(s.server.Close)
	return s
}

// allows reports whether endpoint is on this push service.
func (s *pushService) allows(endpoint *url.URL) bool {
	return "https://"+endpoint.Host == s.server.URL
}

// received returns what the push service received so far.
func (s *pushService) received() []post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]post(nil), s.posts...)
}

// browser is a browser's side of a push subscription: the P-256 key pair
// and auth secret it decrypts its pushes with.
type browser struct {
	key      *ecdh.PrivateKey
	auth     []byte
	endpoint string
}

func newBrowser(t *testing.T, service *pushService) *browser {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return &browser{key: key, auth: auth, endpoint: service.server.URL + "/push/" + rand.Text()}
}

// subscription is the body a browser subscribes user with.
func (b *browser) subscription(user string) map[string]any {
	return map[string]any{
		"user":     user,
		"endpoint": b.endpoint,
		"p256dh":   base64.RawURLEncoding.EncodeToString(b.key.PublicKey().Bytes()),
		"auth":     base64.RawURLEncoding.EncodeToString(b.auth),
		"device":   "Testtelefoon",
	}
}

// decrypt returns the plaintext of an aes128gcm push body (RFC 8291 and
// RFC 8188), written here with the standard library alone.
func (b *browser) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("no header")
	}
	salt := body[:16]
	rs := binary.BigEndian.Uint32(body[16:20])
	idlen := int(body[20])
	if len(body) < 21+idlen {
		return nil, errors.New("a short key id")
	}
	senderKey, err := ecdh.P256().NewPublicKey(body[21 : 21+idlen])
	if err != nil {
		return nil, fmt.Errorf("the sender's key: %w", err)
	}
	ciphertext := body[21+idlen:]
	if uint32(len(ciphertext)) > rs {
		return nil, fmt.Errorf("%d bytes in a record of %d", len(ciphertext), rs)
	}

	secret, err := b.key.ECDH(senderKey)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(b.key.PublicKey().Bytes()) + string(senderKey.Bytes())
	ikm, err := hkdf.Key(sha256.New, secret, b.auth, info, 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypting: %w", err)
	}
	// the last record ends in 0x02 and any zero padding
	plain = []byte(strings.TrimRight(string(plain), "\x00"))
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// checkVAPID checks the VAPID Authorization header of a push (RFC 8292):
// the public key is the server's, and the JWT for the push service's
// origin is signed with its private half.
func checkVAPID(header, publicKey, origin string) error {
	token, key, ok := strings.Cut(strings.TrimPrefix(header, "vapid t="), ", k=")
	if !ok || !strings.HasPrefix(header, "vapid t=") {
		return fmt.Errorf("not a VAPID header: %q", header)
	}
	if key != publicKey {
		return fmt.Errorf("k=%s, want the server's key %s", key, publicKey)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("not a JWT: %q", token)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(key)
	x, y := elliptic.Unmarshal(elliptic.P256(), raw)
	if x == nil {
		return errors.New("the key is no P-256 point")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("a signature of %d bytes: %v", len(sig), err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("the JWT's signature does not verify with the server's key")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(payload, &claims); err != nil {
		return err
	}
	if claims.Aud != origin || claims.Exp <= time.Now().Unix() || claims.Sub == "" {
		return fmt.Errorf("claims %+v for %s", claims, origin)
	}
	return nil
}
