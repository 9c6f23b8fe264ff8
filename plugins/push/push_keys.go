package push

import (
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"buurtplein/hooks"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// KeyFile is the file in the data dir that keeps the VAPID key pair.
const KeyFile = "push_vapid.json"

// vapidKeys is the server's VAPID key pair, made once and read from
// [KeyFile] ever after: a new pair would orphan every subscription.
type vapidKeys struct {
	mu      sync.Mutex
	Public  string `json:"publicKey"`
	Private string `json:"privateKey"`
}

// bindKeys makes the key pair when the server starts, and adds the route
// the PWA subscribes with:
//
//	GET /api/buurtplein/push/key   {"publicKey": "<base64url>"}
func (p *plugin) bindKeys() {
	p.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if _, err := p.vapid(); err != nil {
			return err
		}
		se.Router.GET("/api/buurtplein/push/key", p.publicKey).Bind(apis.RequireAuth(hooks.UsersCollection))
		return se.Next()
	})
}

// publicKey answers the VAPID public key, which a browser needs to
// subscribe (applicationServerKey).
func (p *plugin) publicKey(e *core.RequestEvent) error {
	keys, err := p.vapid()
	if err != nil {
		e.App.Logger().Error("push: no VAPID keys", "error", err.Error())
		return hooks.Err(http.StatusServiceUnavailable, "push_unavailable", nil,
			"Meldingen op het vergrendelscherm kunnen op deze server nu niet worden aangezet.")
	}
	return e.JSON(http.StatusOK, map[string]string{"publicKey": keys.Public})
}

// vapid returns the key pair: the one in [KeyFile], or a new one written
// there (readable by the server's user alone) when there is none.
func (p *plugin) vapid() (*vapidKeys, error) {
	k := &p.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Public != "" {
		return k, nil
	}

	path := filepath.Join(p.app.DataDir(), KeyFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw, err = writeKeys(path)
	}
	if err != nil {
		return nil, fmt.Errorf("the VAPID keys in %s: %w", KeyFile, err)
	}
	if err := json.Unmarshal(raw, k); err != nil {
		return nil, fmt.Errorf("reading the VAPID keys in %s: %w", KeyFile, err)
	}
	if err := k.check(); err != nil {
		k.Public, k.Private = "", ""
		return nil, fmt.Errorf("the VAPID keys in %s: %w", KeyFile, err)
	}
	return k, nil
}

// writeKeys makes a key pair and writes it to path, which must not exist
// yet, with mode 0600; it returns what it wrote.
func writeKeys(path string) ([]byte, error) {
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return nil, fmt.Errorf("making a key pair: %w", err)
	}
	raw, err := json.Marshal(map[string]string{"publicKey": public, "privateKey": private})
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return nil, err
	}
	return raw, f.Close()
}

// check reports an error unless k is a P-256 key pair whose halves
// belong together.
func (k *vapidKeys) check() error {
	private, err := base64.RawURLEncoding.DecodeString(k.Private)
	if err != nil {
		return fmt.Errorf("the private key: %w", err)
	}
	key, err := ecdh.P256().NewPrivateKey(private)
	if err != nil {
		return fmt.Errorf("the private key: %w", err)
	}
	if base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()) != k.Public {
		return errors.New("the public key is not the private key's")
	}
	return nil
}
