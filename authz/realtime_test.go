package authz_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
)

// realtimeGrace is how long the realtime cases wait, after the last event
// that should arrive, for events that should not. PocketBase decides who
// gets an event before the change's Save returns and then sends each from
// its own goroutine, so once the expected events are in, the unexpected
// ones would have been on their way as well.
const realtimeGrace = 300 * time.Millisecond

// subscription is one realtime case: a connection of its own, subscribed
// to one topic.
type subscription struct {
	r      row
	role   string
	status int
	client *testapp.RealtimeClient
	events []testapp.Event
}

// realtime runs the realtime cases. Each gets a connection subscribed to
// the target's collection ("realtime"), to the target itself
// ("realtime-record"), with the line's query as the subscription's
// options, or to a scoped topic ("topic"). Then each target changes once, on the server: every
// collection, those only the server writes too, broadcasts the same way.
// The cases that should get an event wait for it; the others must have
// none.
func (f *fixture) realtime(t *testing.T, rows []row) {
	var subs []*subscription
	for _, r := range rows {
		topic := f.topic(r)
		for _, role := range roles {
			client, status := testapp.ConnectRealtime(t, f.url, f.tokens[role], topic)
			subs = append(subs, &subscription{r: r, role: role, status: status, client: client})
		}
	}

	changed := map[string]bool{}
	for _, r := range rows {
		if changed[r.target] {
			continue
		}
		changed[r.target] = true
		target := f.shared[r.target]
		if k, _ := kindByName(r.target); k.change != nil {
			f.shared[r.target] = k.change(t, f, target)
			continue
		}
		fresh, err := f.app.FindRecordById(target.Collection(), target.Id)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.app.Save(fresh); err != nil {
			t.Fatalf("changing %s: %v", r.target, err)
		}
	}

	deadline := time.Now().Add(10 * time.Second)
	for _, s := range subs {
		if s.r.want[s.role] == "event" && s.status == http.StatusNoContent {
			s.waitFor(f.shared[s.r.target].Id, deadline)
		}
	}
	time.Sleep(realtimeGrace)
	for _, s := range subs {
		s.drain()
	}

	for _, s := range subs {
		t.Run(caseName(s.r, s.role), func(t *testing.T) { f.checkRealtime(t, s) })
	}
}

// topic returns the subscription topic of a realtime line: a scoped topic
// for "topic organisation", "topic team <slug>" and "topic user <name>".
func (f *fixture) topic(r row) string {
	if r.op == "topic" {
		kind, name, _ := strings.Cut(r.base, " ")
		switch kind {
		case "team":
			return hooks.TeamTopic(f.team[name])
		case "user":
			return hooks.UserTopic(f.user[name])
		}
		return hooks.OrganisationTopic
	}
	target := f.shared[r.target]
	topic := target.Collection().Name
	if r.op == "realtime-record" {
		topic += "/" + target.Id
	}
	if len(r.query) > 0 {
		query := map[string]string{}
		for k := range r.query {
			query[k] = r.query.Get(k)
		}
		options, _ := json.Marshal(map[string]any{"query": query})
		topic += "?options=" + url.QueryEscape(string(options))
	}
	return topic
}

func (f *fixture) checkRealtime(t *testing.T, s *subscription) {
	want := s.r.want[s.role]
	if want != "event" && want != "no-event" {
		if strconv.Itoa(s.status) != want {
			t.Errorf("%s: subscribing answered %d, want %s", where(s.r, s.role), s.status, want)
		}
		return
	}
	if s.status != http.StatusNoContent {
		t.Errorf("%s: subscribing answered %d, want 204 and %s", where(s.r, s.role), s.status, want)
		return
	}

	target := f.shared[s.r.target].Id
	got := false
	for _, ev := range s.events {
		if eventAbout(ev, target) {
			got = true
		}
		for _, leak := range f.oracle.leaks(s.role, []byte(ev.Data)) {
			t.Errorf("%s: an event shows %s\n%s", where(s.r, s.role), leak, snippet([]byte(ev.Data)))
		}
	}
	switch {
	case want == "event" && !got:
		t.Errorf("%s: no event about %s arrived (%s)", where(s.r, s.role), target, describe(s.events))
	case want == "no-event" && got:
		t.Errorf("%s: an event about %s arrived (%s)", where(s.r, s.role), target, describe(s.events))
	}
}

// waitFor keeps the events that arrive until one is about id, or until
// deadline.
func (s *subscription) waitFor(id string, deadline time.Time) {
	timeout := time.After(time.Until(deadline))
	for {
		select {
		case ev, ok := <-s.client.Events:
			if !ok {
				return
			}
			s.events = append(s.events, ev)
			if eventAbout(ev, id) {
				return
			}
		case <-timeout:
			return
		}
	}
}

// drain keeps the events that have arrived.
func (s *subscription) drain() {
	for {
		select {
		case ev, ok := <-s.client.Events:
			if !ok {
				return
			}
			s.events = append(s.events, ev)
		default:
			return
		}
	}
}

// eventAbout reports whether a record event is about the record with id.
func eventAbout(ev testapp.Event, id string) bool {
	var data struct {
		Record struct{ Id string }
	}
	return json.Unmarshal([]byte(ev.Data), &data) == nil && data.Record.Id == id
}

func describe(events []testapp.Event) string {
	if len(events) == 0 {
		return "no events"
	}
	s := ""
	for _, ev := range events {
		s += fmt.Sprintf("%s: %.200s; ", ev.Name, ev.Data)
	}
	return s
}
