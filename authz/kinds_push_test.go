package authz_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Push (plugins/push): bram's and carla's Web Push subscriptions, each on
// an endpoint of a known push service with a browser's real P-256 key.
func init() {
	kinds = append(kinds,
		pushSubscription("push_subscriptions/member", "bram"),
		pushSubscription("push_subscriptions/other", "carla"),
	)
}

// pushSubscription is a kind of push subscription of user.
func pushSubscription(name, user string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "push_subscriptions", pushBody(t, f.user[user]))
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any { return pushBody(t, me) },
		update: map[string]any{"device": "Authz: een andere telefoon"},
	}
}

// pushBody is a new subscription of user: a fresh endpoint and keys.
func pushBody(t testing.TB, user string) map[string]any {
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	return map[string]any{
		"user":     user,
		"endpoint": "https://fcm.googleapis.com/fcm/send/" + unique("authz-"),
		"p256dh":   base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()),
		"auth":     base64.RawURLEncoding.EncodeToString(secret),
		"device":   "Authz: een telefoon",
	}
}
