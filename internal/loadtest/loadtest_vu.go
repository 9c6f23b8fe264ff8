package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"time"
)

// requestTimeout bounds one request; a request that takes longer counts
// as an error without response.
const requestTimeout = 60 * time.Second

// vu is a virtual user: one employee working in the app, an action at a
// time, with a pause to think between actions.
type vu struct {
	base   string
	client *http.Client
	rec    *recorder
	think  time.Duration // mean of the exponential pause
	cover  bool          // each action once first, in the mix's order
	rng    *rand.Rand

	acc    *account
	bare   bool          // the server is bare PocketBase: no Buurtplein routes
	chat   *chatChannels // the organisation's channels
	tasks  []activeTask  // the tasks this employee moves on
	seen   []string      // the posts of the last feed page read
	people []string      // the employees of the last directory page read

	// freshIP, when set, gives each request an address of its own, so the
	// per-address rate limits do not answer the cost phase's bursts
	freshIP func() string
}

// body is a request body and its content type.
type body struct {
	data        []byte
	contentType string
}

func jsonBody(v any) *body {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of strings reach here
	}
	return &body{data, "application/json"}
}

// multipartBody is a form as the PWA's composer sends it (FormData).
func multipartBody(fields map[string]string) *body {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return &body{buf.Bytes(), w.FormDataContentType()}
}

// run works until ctx ends; the action under way when it does finishes.
// With cover, it first does every action of the mix once, whether ctx
// ends or not.
func (v *vu) run(ctx context.Context) {
	var total float64
	for _, a := range mix {
		total += a.weight
		if v.cover {
			time.Sleep(time.Duration(v.rng.ExpFloat64() * float64(v.think)))
			a.run(v)
		}
	}
	for {
		pause := time.NewTimer(time.Duration(v.rng.ExpFloat64() * float64(v.think)))
		select {
		case <-ctx.Done():
			pause.Stop()
			return
		case <-pause.C:
		}

		r := v.rng.Float64() * total
		for _, a := range mix {
			if r -= a.weight; r < 0 {
				a.run(v)
				break
			}
		}
	}
}

// team is the team the employee works in now: mostly their own, now and
// then their second one.
func (v *vu) team() string {
	if len(v.acc.teams) > 1 && v.rng.IntN(4) == 0 {
		return v.acc.teams[1]
	}
	return v.acc.teams[0]
}

// get sends a GET and, when out is not nil, decodes a successful response
// into it. It reports whether the request succeeded.
func (v *vu) get(kind, path string, out any) bool {
	data, ok := v.do(kind, http.MethodGet, path, nil)
	if ok && out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return false
		}
	}
	return ok
}

// send sends a request with a body and reports whether it succeeded.
func (v *vu) send(kind, method, path string, b *body) bool {
	_, ok := v.do(kind, method, path, b)
	return ok
}

// do sends one request as the employee, from their own address, and
// records its status and time until the last byte of the response.
func (v *vu) do(kind, method, path string, b *body) ([]byte, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()

	var reader io.Reader
	if b != nil {
		reader = bytes.NewReader(b.data)
	}
	req, err := http.NewRequestWithContext(ctx, method, v.base+path, reader)
	if err != nil {
		panic(err) // the paths are ours
	}
	if b != nil {
		req.Header.Set("Content-Type", b.contentType)
	}
	req.Header.Set("Authorization", v.acc.token)
	ip := v.acc.ip
	if v.freshIP != nil {
		ip = v.freshIP()
	}
	req.Header.Set("X-Forwarded-For", ip)

	start := time.Now()
	res, err := v.client.Do(req)
	if err != nil {
		v.rec.record(kind, start, statusTransport, time.Since(start), err)
		return nil, false
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		v.rec.record(kind, start, statusTransport, elapsed, err)
		return nil, false
	}
	v.rec.record(kind, start, res.StatusCode, elapsed, nil)
	return data, res.StatusCode >= 200 && res.StatusCode < 300
}
