package push_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/notify"
	"buurtplein/plugins/push"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// fixture is a served test app whose push plugin posts to a local push
// service.
type fixture struct {
	app     *tests.TestApp
	url     string
	service *pushService
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	app := testapp.New(t)
	service := newPushService(t)
	push.Configure(app, func(c *push.Config) {
		c.AllowEndpoint = service.allows
		c.HTTPClient = service.server.Client()
	})
	return &fixture{app: app, url: testapp.Serve(t, app).URL, service: service}
}

// subscribe subscribes email's account with b through the API and
// returns the status and body of the answer.
func (f *fixture) subscribe(t *testing.T, email string, body map[string]any) (int, []byte) {
	t.Helper()
	return testapp.Do(t, http.MethodPost, f.url+"/api/collections/push_subscriptions/records",
		testapp.Token(t, f.app, email), body)
}

// mustSubscribe subscribes email's account with a new browser.
func (f *fixture) mustSubscribe(t *testing.T, email string) *browser {
	t.Helper()
	b := newBrowser(t, f.service)
	if code, body := f.subscribe(t, email, b.subscription(f.id(t, email))); code != http.StatusOK {
		t.Fatalf("subscribing %s: %d %s", email, code, body)
	}
	return b
}

func (f *fixture) id(t *testing.T, email string) string {
	t.Helper()
	return testapp.Id(t, f.app, hooks.UsersCollection, "email", email)
}

// notify tells email's account n, as a plugin does, in a transaction,
// and waits for its pushes; it returns the notification's id.
func (f *fixture) notify(t *testing.T, email string, n notify.Notification) string {
	t.Helper()
	n.User = f.id(t, email)
	err := f.app.RunInTransaction(func(txApp core.App) error { return notify.Notify(txApp, n) })
	if err != nil {
		t.Fatalf("notifying %s: %v", email, err)
	}
	push.Wait(f.app)
	record, err := f.app.FindFirstRecordByFilter(notify.Collection, "user = {:u} && kind = {:k} && subject = {:s}",
		dbx.Params{"u": n.User, "k": string(n.Kind), "s": n.Subject.Id})
	if err != nil {
		t.Fatalf("the notification: %v", err)
	}
	return record.Id
}

func (f *fixture) subscriptions(t *testing.T, where dbx.Expression) int {
	t.Helper()
	n, err := f.app.CountRecords(push.Collection, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func offer(title string) notify.Notification {
	return notify.Notification{
		Kind:    notify.KindHandoverOffered,
		Subject: notify.Subject{Collection: "tasks", Id: "t" + strings.Repeat("0", 13) + title[:1]},
		Params:  map[string]any{"actor": "Anna de Vries", "title": title},
	}
}

// errorCode returns the code of PocketBase's JSON error body about the
// request as a whole.
func errorCode(body []byte) string {
	var e struct {
		Data map[string]struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	json.Unmarshal(body, &e)
	return e.Data[hooks.RequestKey].Code
}

func TestKeyRoute(t *testing.T) {
	t.Parallel()

	t.Run("made on first start, kept in the data dir", func(t *testing.T) {
		t.Parallel()
		app := testapp.New(t)
		url := testapp.Serve(t, app).URL + "/api/buurtplein/push/key"

		for _, method := range []string{http.MethodGet, http.MethodHead} {
			if code, _ := testapp.Do(t, method, url, "", nil); code != http.StatusUnauthorized {
				t.Errorf("anonymous %s: %d, want 401", method, code)
			}
		}
		code, body := testapp.Do(t, http.MethodGet, url, testapp.Token(t, app, "bram@buurtplein.test"), nil)
		if code != http.StatusOK {
			t.Fatalf("bram: %d %s", code, body)
		}
		var got struct{ PublicKey string }
		json.Unmarshal(body, &got)

		path := filepath.Join(app.DataDir(), push.KeyFile)
		info, err := os.Stat(path)
		if err != nil {
			t.Fatalf("the key file: %v", err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("the key file's mode is %v, want 0600", info.Mode().Perm())
		}
		var stored struct{ PublicKey, PrivateKey string }
		raw, _ := os.ReadFile(path)
		json.Unmarshal(raw, &stored)
		if got.PublicKey == "" || got.PublicKey != stored.PublicKey || stored.PrivateKey == "" {
			t.Errorf("the route answers %q, the file keeps %q", got.PublicKey, stored.PublicKey)
		}
		if strings.Contains(string(body), stored.PrivateKey) {
			t.Error("the route gives the private key away")
		}
	})

	t.Run("reused", func(t *testing.T) {
		t.Parallel()
		app := testapp.New(t)
		private, public, err := webpush.GenerateVAPIDKeys()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(map[string]string{"publicKey": public, "privateKey": private})
		if err := os.WriteFile(filepath.Join(app.DataDir(), push.KeyFile), raw, 0o600); err != nil {
			t.Fatal(err)
		}
		url := testapp.Serve(t, app).URL + "/api/buurtplein/push/key"
		code, body := testapp.Do(t, http.MethodGet, url, testapp.Token(t, app, "anna@buurtplein.test"), nil)
		if code != http.StatusOK || !strings.Contains(string(body), `"publicKey":"`+public+`"`) {
			t.Errorf("%d %s, want the kept key %s", code, body, public)
		}
	})
}

func TestSubscribeEndpoint(t *testing.T) {
	t.Parallel()
	// the default allow list: the push services' own hosts
	app := testapp.New(t)
	url := testapp.Serve(t, app).URL + "/api/collections/push_subscriptions/records"
	bram := testapp.Id(t, app, hooks.UsersCollection, "email", "bram@buurtplein.test")
	token := testapp.Token(t, app, "bram@buurtplein.test")
	body := func(endpoint string) map[string]any {
		return map[string]any{"user": bram, "endpoint": endpoint, "p256dh": "BAAA", "auth": "AAAA", "device": "Pixel"}
	}

	for _, endpoint := range []string{
		"http://fcm.googleapis.com/fcm/send/abc",
		"https://intranet.buurtplein.local/admin",
		"https://127.0.0.1/push",
		"https://fcm.googleapis.com:8443/fcm/send/abc",
		"https://user:pw@fcm.googleapis.com/fcm/send/abc",
		"https://fcm.googleapis.com.example.nl/fcm/send/abc",
		"https://evilfcm.googleapis.com.nl/x",
		"https://fcm.googleapis.com/" + strings.Repeat("a", 1000),
	} {
		code, answer := testapp.Do(t, http.MethodPost, url, token, body(endpoint))
		if code != http.StatusBadRequest || errorCode(answer) != "push_endpoint_invalid" {
			t.Errorf("%.60s: %d %s, want 400 push_endpoint_invalid", endpoint, code, answer)
		}
	}
	if n, _ := app.CountRecords(push.Collection); n != 0 {
		t.Errorf("%d subscriptions stored from refused endpoints", n)
	}

	for _, endpoint := range []string{
		"https://fcm.googleapis.com/fcm/send/abc",
		"https://updates.push.services.mozilla.com/wpush/v2/abc",
		"https://web.push.apple.com/abc",
		"https://wns2-am3p.notify.windows.com/w/?token=abc",
	} {
		if code, answer := testapp.Do(t, http.MethodPost, url, token, body(endpoint)); code != http.StatusOK {
			t.Errorf("%s: %d %s, want 200", endpoint, code, answer)
		}
	}

	// nobody subscribes someone else
	anna := testapp.Id(t, app, hooks.UsersCollection, "email", "anna@buurtplein.test")
	other := body("https://fcm.googleapis.com/fcm/send/other")
	other["user"] = anna
	if code, _ := testapp.Do(t, http.MethodPost, url, token, other); code == http.StatusOK {
		t.Error("bram subscribed anna")
	}
	if code, _ := testapp.Do(t, http.MethodPost, url, "", body("https://fcm.googleapis.com/fcm/send/anon")); code == http.StatusOK {
		t.Error("an anonymous caller subscribed")
	}
}

func TestSubscribeTakesOver(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := newBrowser(t, f.service)
	endpoint := dbx.HashExp{"endpoint": b.endpoint}

	for _, email := range []string{"anna@buurtplein.test", "anna@buurtplein.test", "bram@buurtplein.test"} {
		if code, body := f.subscribe(t, email, b.subscription(f.id(t, email))); code != http.StatusOK {
			t.Fatalf("%s subscribing: %d %s", email, code, body)
		}
		if n := f.subscriptions(t, endpoint); n != 1 {
			t.Fatalf("after %s subscribed: %d rows of the endpoint, want 1", email, n)
		}
	}
	if n := f.subscriptions(t, dbx.HashExp{"endpoint": b.endpoint, "user": f.id(t, "bram@buurtplein.test")}); n != 1 {
		t.Error("the endpoint is not bram's after he subscribed on anna's phone")
	}

	// the previous person is not told on the phone any more
	f.notify(t, "anna@buurtplein.test", offer("Wondzorg"))
	if got := f.service.received(); len(got) != 0 {
		t.Errorf("anna's notification went to the phone bram took over: %d pushes", len(got))
	}
}

func TestPushSent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	phone := f.mustSubscribe(t, "bram@buurtplein.test")
	laptop := f.mustSubscribe(t, "bram@buurtplein.test")
	f.mustSubscribe(t, "anna@buurtplein.test")

	_, keyBody := testapp.Do(t, http.MethodGet, f.url+"/api/buurtplein/push/key", testapp.Token(t, f.app, "bram@buurtplein.test"), nil)
	var key struct{ PublicKey string }
	json.Unmarshal(keyBody, &key)

	n := offer("Medicatie uitzetten")
	id := f.notify(t, "bram@buurtplein.test", n)

	got := f.service.received()
	if len(got) != 2 {
		t.Fatalf("%d pushes, want one to each of bram's 2 subscriptions", len(got))
	}
	want := map[string]any{
		"id": id, "kind": "handover_offered", "subject_collection": "tasks", "subject": n.Subject.Id,
		"params": map[string]any{"actor": "Anna de Vries", "title": "Medicatie uitzetten"},
	}
	for _, b := range []*browser{phone, laptop} {
		var p *post
		for i := range got {
			if f.service.server.URL+got[i].path == b.endpoint {
				p = &got[i]
			}
		}
		if p == nil {
			t.Errorf("no push to %s", b.endpoint)
			continue
		}
		if p.header.Get("Content-Encoding") != "aes128gcm" || p.header.Get("TTL") == "" || p.header.Get("TTL") == "0" {
			t.Errorf("headers %v", p.header)
		}
		if err := checkVAPID(p.header.Get("Authorization"), key.PublicKey, f.service.server.URL); err != nil {
			t.Errorf("VAPID: %v", err)
		}
		plain, err := b.decrypt(p.body)
		if err != nil {
			t.Errorf("decrypting the push: %v", err)
			continue
		}
		var payload map[string]any
		if err := json.Unmarshal(plain, &payload); err != nil || !reflect.DeepEqual(payload, want) {
			t.Errorf("payload %s (%v), want %v", plain, err, want)
		}
		// the other browser's keys cannot read it
		other := phone
		if b == phone {
			other = laptop
		}
		if _, err := other.decrypt(p.body); err == nil {
			t.Error("a push decrypts with another subscription's keys")
		}
	}
}

func TestPushOnlyKinds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustSubscribe(t, "bram@buurtplein.test")

	f.notify(t, "bram@buurtplein.test", notify.Notification{
		Kind:    notify.KindOrderShipped,
		Subject: notify.Subject{Collection: "orders", Id: "o00000000000001"},
		Params:  map[string]any{"title": "Folders"},
	})
	if got := f.service.received(); len(got) != 0 {
		t.Errorf("an order's shipment woke the phone: %d pushes", len(got))
	}
	f.notify(t, "bram@buurtplein.test", notify.Notification{
		Kind:    notify.KindTaskAssigned,
		Subject: notify.Subject{Collection: "tasks", Id: "t00000000000009"},
		Params:  map[string]any{"title": "Bellen"},
	})
	if got := f.service.received(); len(got) != 1 {
		t.Errorf("a new task: %d pushes, want 1", len(got))
	}
}

func TestPushQuietHours(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.mustSubscribe(t, "bram@buurtplein.test")
	bram, err := f.app.FindRecordById(hooks.UsersCollection, f.id(t, "bram@buurtplein.test"))
	if err != nil {
		t.Fatal(err)
	}
	bram.Set("quiet_from", "22:00")
	bram.Set("quiet_until", "07:00")
	if err := f.app.Save(bram); err != nil {
		t.Fatal(err)
	}

	night := time.Date(2026, 12, 1, 23, 30, 0, 0, hooks.QuietZone)
	push.SetNow(f.app, night)
	f.notify(t, "bram@buurtplein.test", offer("Avondronde"))
	if got := f.service.received(); len(got) != 0 {
		t.Fatalf("at 23:30, inside 22:00-07:00: %d pushes", len(got))
	}

	push.SetNow(f.app, night.Add(9*time.Hour)) // 08:30
	id := f.notify(t, "bram@buurtplein.test", offer("Ochtendronde"))
	got := f.service.received()
	if len(got) != 1 {
		t.Fatalf("at 08:30: %d pushes, want 1", len(got))
	}
	plain, err := b.decrypt(got[0].body)
	if err != nil || !strings.Contains(string(plain), id) {
		t.Errorf("the morning's push %s (%v) is not notification %s", plain, err, id)
	}
}

func TestPushGoneRemoves(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status int
		kept   int
	}{{http.StatusGone, 0}, {http.StatusNotFound, 0}, {http.StatusInternalServerError, 1}, {http.StatusTooManyRequests, 1}} {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.mustSubscribe(t, "bram@buurtplein.test")
			f.mustSubscribe(t, "anna@buurtplein.test")
			f.service.status.Store(int32(c.status))

			f.notify(t, "bram@buurtplein.test", offer("Douchen"))
			if len(f.service.received()) != 1 {
				t.Fatalf("%d pushes, want 1", len(f.service.received()))
			}
			if n := f.subscriptions(t, dbx.HashExp{"user": f.id(t, "bram@buurtplein.test")}); n != c.kept {
				t.Errorf("after %d: bram has %d subscriptions, want %d", c.status, n, c.kept)
			}
			if n := f.subscriptions(t, dbx.HashExp{"user": f.id(t, "anna@buurtplein.test")}); n != 1 {
				t.Errorf("anna's subscription went with bram's: %d", n)
			}
		})
	}
}

func TestBlockedLosesSubscriptions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustSubscribe(t, "bram@buurtplein.test")
	f.mustSubscribe(t, "bram@buurtplein.test")
	f.mustSubscribe(t, "anna@buurtplein.test")

	bram, err := f.app.FindRecordById(hooks.UsersCollection, f.id(t, "bram@buurtplein.test"))
	if err != nil {
		t.Fatal(err)
	}
	bram.Set("disabled", true)
	if err := f.app.Save(bram); err != nil {
		t.Fatalf("blocking bram: %v", err)
	}
	if n := f.subscriptions(t, dbx.HashExp{"user": bram.Id}); n != 0 {
		t.Errorf("blocked, bram keeps %d subscriptions", n)
	}
	if n := f.subscriptions(t, dbx.HashExp{"user": f.id(t, "anna@buurtplein.test")}); n != 1 {
		t.Errorf("anna has %d subscriptions, want 1", n)
	}
}

func TestPushMany(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.mustSubscribe(t, "bram@buurtplein.test")
	users := []string{f.id(t, "bram@buurtplein.test"), f.id(t, "anna@buurtplein.test"), f.id(t, "carla@buurtplein.test")}

	n := notify.Notification{
		Kind:    notify.KindMustreadNew,
		Subject: notify.Subject{Collection: "posts", Id: "p00000000000001"},
		Params:  map[string]any{"actor": "Bo Meijer", "title": "Nieuw valprotocol"},
	}
	err := f.app.RunInTransaction(func(txApp core.App) error { return notify.NotifyMany(txApp, users, n) })
	if err != nil {
		t.Fatal(err)
	}
	push.Wait(f.app)

	got := f.service.received()
	if len(got) != 1 {
		t.Fatalf("%d pushes, want 1 (only bram subscribed)", len(got))
	}
	plain, err := b.decrypt(got[0].body)
	if err != nil {
		t.Fatal(err)
	}
	var payload push.Payload
	json.Unmarshal(plain, &payload)
	stored, err := f.app.FindRecordById(notify.Collection, payload.Id)
	if err != nil || stored.GetString("user") != users[0] || payload.Kind != "mustread_new" || payload.Params["title"] != "Nieuw valprotocol" {
		t.Errorf("payload %s is not bram's must-read (%v)", plain, err)
	}

	// a transaction that fails pushes nothing
	err = f.app.RunInTransaction(func(txApp core.App) error {
		n.Subject.Id = "p00000000000002"
		if err := notify.NotifyMany(txApp, users, n); err != nil {
			return err
		}
		return os.ErrInvalid
	})
	push.Wait(f.app)
	if err == nil || len(f.service.received()) != 1 {
		t.Errorf("a rolled back must-read was pushed: %d pushes", len(f.service.received()))
	}
}

func TestSignOutLosesSubscriptions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustSubscribe(t, "bram@buurtplein.test")
	f.mustSubscribe(t, "anna@buurtplein.test")

	// signing out ends the session on every device: none keeps pushing
	code, body := testapp.Do(t, http.MethodPost, f.url+"/api/buurtplein/auth/signout", testapp.Token(t, f.app, "bram@buurtplein.test"), nil)
	if code != http.StatusNoContent {
		t.Fatalf("signing out: %d %s", code, body)
	}
	if n := f.subscriptions(t, dbx.HashExp{"user": f.id(t, "bram@buurtplein.test")}); n != 0 {
		t.Errorf("signed out, bram keeps %d subscriptions", n)
	}
	if n := f.subscriptions(t, dbx.HashExp{"user": f.id(t, "anna@buurtplein.test")}); n != 1 {
		t.Errorf("anna has %d subscriptions, want 1", n)
	}

	// an ordinary change keeps them
	f.mustSubscribe(t, "bram@buurtplein.test")
	bram, _ := f.app.FindRecordById(hooks.UsersCollection, f.id(t, "bram@buurtplein.test"))
	bram.Set("discipline", "wijkverpleegkundige")
	if err := f.app.Save(bram); err != nil {
		t.Fatal(err)
	}
	if n := f.subscriptions(t, dbx.HashExp{"user": bram.Id}); n != 1 {
		t.Errorf("a new discipline took bram's subscription: %d left", n)
	}
}
