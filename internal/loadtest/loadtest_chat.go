package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"buurtplein/internal/drill"
)

// ChatConfig defines a chat run: realtime subscribers, as many as the
// organisation channel has members plus some outsiders, follow their
// topics while writers send messages into the team channels and, now and
// then, the organisation channel; the run times each message from the
// writer's answer to each subscriber's event, and checks that each member
// got each message once and nobody else any. Zero fields take the
// defaults of [DefaultChatConfig] where it has one.
type ChatConfig struct {
	// Org is the generated organisation; its ChannelMembers are the
	// organisation channel's members, the first employees, all of them
	// subscribed.
	Org Org

	// Outsiders is the number of subscribers beyond the organisation
	// channel's members: the next employees, who follow the same topics
	// and must get none of its messages.
	Outsiders int

	// Writers is the number of writers, each sending its share of Rate at
	// an even pace, each message as a member of the channel it goes to.
	Writers int

	// Rate is the messages a second of all writers together.
	Rate float64

	// OrgShare is the share of messages written into the organisation
	// channel; the rest go to team channels picked at random.
	OrgShare float64

	// Duration is how long the writers write, measured, after Warmup.
	Duration, Warmup time.Duration

	// Settle is how long the subscribers listen after the last write.
	Settle time.Duration

	// Servers, Binary, BareBinary, WorkDir, Keep and Seed are as in
	// [Config]; the default is our server alone.
	Servers            []string
	Binary, BareBinary string
	WorkDir            string
	Keep               bool
	Seed               uint64

	// Out receives the progress and the report; default: io.Discard.
	Out io.Writer
}

// DefaultChatConfig is the run the chat issue asks for: 2,000 subscribers
// (the organisation channel's members) across 150 team channels, 50
// writers sending 20 messages a second, one in twenty of them to the
// organisation channel, for a minute.
func DefaultChatConfig() ChatConfig {
	return ChatConfig{
		Org:       Org{Teams: 150, Users: 3000, ChannelMembers: 2000},
		Outsiders: 50,
		Writers:   50,
		Rate:      20,
		OrgShare:  0.05,
		Duration:  time.Minute,
		Warmup:    5 * time.Second,
		Settle:    3 * time.Second,
		Servers:   []string{Ours},
		Seed:      20261123,
	}
}

// ChatResult is what a chat run measured.
type ChatResult struct {
	Config  ChatConfig
	Servers []ChatServerResult
}

// ChatServerResult is what a chat run measured against one server.
type ChatServerResult struct {
	Name        string
	Subscribers int // asked for
	Connected   int // connected and subscribed
	Lost        int // streams that ended during the run
	Elapsed     time.Duration
	Writes      KindResult // the writers' messages, measured after the warm-up
	Delivery    []Delivery // to the organisation channel's members, to team channels' members
	// over every message answered, warm-up included: subscribers that
	// should have had it and did not, got it more than once, or got it
	// without being a member
	Missing, Duplicates, Leaked int
	Unanswered                  int           // messages without a 2xx answer, not checked
	CPU                         time.Duration // the server's, from the first write until the subscribers stopped
	ClientCPU                   time.Duration // this process's meanwhile: writers and subscribers, on the same machine
	PeakRSS                     uint64
	Load                        [2]float64 // the machine's 1-minute load average at the start and the end
}

// Delivery is how long the measured messages of a kind of channel took
// from the write's answer to each member's event.
type Delivery struct {
	Kind      string // "organisation" or "team"
	Messages  int    // answered and measured
	Expected  int    // member subscribers over those messages
	Arrivals  int    // events received by them
	Early     int    // events that came before the answer, counted as 0
	P50, P95  time.Duration
	P99, Max  time.Duration
	PerSecond float64 // events a second to subscribers, this kind
}

func (c ChatConfig) withDefaults() (ChatConfig, error) {
	d := DefaultChatConfig()
	if c.Org.Teams == 0 {
		c.Org.Teams = d.Org.Teams
	}
	if c.Org.Users == 0 {
		c.Org.Users = d.Org.Users
	}
	if c.Writers < 1 || c.Rate <= 0 {
		return c, errors.New("a chat run needs writers and a rate")
	}
	if c.Duration <= 0 {
		c.Duration = d.Duration
	}
	if len(c.Servers) == 0 {
		c.Servers = d.Servers
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	o := c.Org.withDefaults()
	if need := o.ChannelMembers + c.Outsiders; need > o.Users {
		return c, fmt.Errorf("%d subscribers need as many employees; the organisation has %d", need, o.Users)
	}
	return c, nil
}

// loadConfig is the load test's config for the parts a chat run shares
// with it: the organisation, the binaries and the work dir.
func (c ChatConfig) loadConfig() Config {
	return Config{Org: c.Org, Servers: c.Servers, Binary: c.Binary, BareBinary: c.BareBinary,
		WorkDir: c.WorkDir, Keep: c.Keep, Seed: c.Seed, Out: c.Out}
}

// RunChat generates the organisation (or takes the one in the work dir),
// runs the chat load against each server on a fresh copy of it, prints
// the report to c.Out and returns the figures.
func RunChat(ctx context.Context, c ChatConfig) (*ChatResult, error) {
	c, err := c.withDefaults()
	if err != nil {
		return nil, err
	}
	res := &ChatResult{Config: c}
	subscribers := c.Org.withDefaults().ChannelMembers + c.Outsiders
	if limit, err := raiseOpenFiles(); err != nil {
		return nil, err
	} else if need := uint64(subscribers+c.Writers) + 200; limit != 0 && limit < need {
		fmt.Fprintf(c.Out, "warning: the open-file limit is %d; %d connections need some %d (raise the hard limit: ulimit -Hn)\n", limit, subscribers+c.Writers, need)
	}

	work := c.WorkDir
	if work == "" {
		if work, err = os.MkdirTemp("", "buurtplein-chat-"); err != nil {
			return nil, err
		}
	}
	if c.WorkDir == "" && !c.Keep {
		defer os.RemoveAll(work)
	} else {
		fmt.Fprintf(c.Out, "work dir: %s\n", work)
	}
	lc, err := c.loadConfig().withBinaries(work)
	if err != nil {
		return nil, err
	}
	c.Binary, c.BareBinary = lc.Binary, lc.BareBinary
	res.Config = c

	orgDir := filepath.Join(work, "org")
	if err := (&Result{Org: c.Org.withDefaults()}).prepareOrg(lc, orgDir); err != nil {
		return nil, err
	}
	p, err := newPlan(orgDir, 0, subscribers)
	if err != nil {
		return nil, fmt.Errorf("planning the subscribers: %w", err)
	}

	for _, name := range c.Servers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := runChatServer(ctx, c, p, name, orgDir, work)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		res.Servers = append(res.Servers, s)
	}
	reportChat(c.Out, res)
	return res, nil
}

// runChatServer runs the chat load against one server on a fresh copy of
// the organisation.
func runChatServer(ctx context.Context, c ChatConfig, p *plan, name, orgDir, work string) (ChatServerResult, error) {
	res := ChatServerResult{Name: name, Subscribers: len(p.idle)}
	dataDir := filepath.Join(work, name)
	if err := os.RemoveAll(dataDir); err != nil {
		return res, err
	}
	if err := os.CopyFS(dataDir, os.DirFS(orgDir)); err != nil {
		return res, fmt.Errorf("copying the organisation: %w", err)
	}
	if c.WorkDir == "" && !c.Keep {
		defer os.RemoveAll(dataDir)
	}

	fmt.Fprintf(c.Out, "%s: starting the server...\n", name)
	logFile := filepath.Join(work, name+".log")
	srv, err := drill.Start(drill.ServerOptions{
		Bin:          c.loadConfig().binary(name),
		DataDir:      dataDir,
		LogFile:      logFile,
		StartTimeout: 2 * time.Minute,
	})
	if err != nil {
		return res, fmt.Errorf("starting the %s server (see %s): %w", name, logFile, err)
	}
	defer srv.Stop()

	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	fmt.Fprintf(c.Out, "%s: connecting %d subscribers...\n", name, len(p.idle))
	dial := &idlers{base: srv.URL, client: &http.Client{Transport: newTransport(connectParallel * 2)}}
	listeners := connectListeners(listenCtx, dial, p.idle, name == Ours)
	for _, l := range listeners {
		if l.connected {
			res.Connected++
		}
	}
	if res.Connected < len(listeners) {
		return res, fmt.Errorf("%d of %d subscribers could not connect", len(listeners)-res.Connected, len(listeners))
	}

	fmt.Fprintf(c.Out, "%s: %d writers, %.0f messages a second, %s warm-up, then %s measured...\n", name, c.Writers, c.Rate, c.Warmup, c.Duration)
	res.Load[0] = loadAverage()
	rec := newRecorder()
	cpuBefore, clientBefore := cpuTime(srv.Pid()), cpuTime(os.Getpid())
	sent, measured := runWriters(ctx, c, p, name, srv.URL, rec)
	time.Sleep(c.Settle)
	res.CPU = cpuTime(srv.Pid()) - cpuBefore
	res.ClientCPU = cpuTime(os.Getpid()) - clientBefore
	res.PeakRSS = peakRSS(srv.Pid())
	res.Load[1] = loadAverage()
	stopListening()
	for _, l := range listeners {
		<-l.done
		if l.lost {
			res.Lost++
		}
	}

	res.Elapsed = c.Duration
	if w, ok := kindOf(rec.results(c.Duration), "chat_send"); ok {
		res.Writes = w
	}
	res.check(p, sent, measured, listeners, c.Duration)
	return res, nil
}

func kindOf(results []KindResult, name string) (KindResult, bool) {
	for _, k := range results {
		if k.Kind == name {
			return k, true
		}
	}
	return KindResult{}, false
}

// listener is a subscriber: one employee's realtime connection, noting
// when each message the load test wrote arrives. Only its own goroutine
// touches arrivals until done is closed.
type listener struct {
	acc       *account
	connected bool
	lost      bool // the stream ended before the run did
	arrivals  []arrival
	done      chan struct{}
}

type arrival struct {
	id string
	at time.Time
}

// chatTopics are a subscriber's subscriptions: on our server the scoped
// topics, as the PWA makes them; on bare PocketBase, which has none, the
// messages collection, its author expanded, each event checked against
// the list rule per subscriber.
func chatTopics(acc *account, scoped bool) []string {
	if scoped {
		return scopedTopics(acc)
	}
	return []string{topic("messages", map[string]any{"expand": "author"})}
}

// connectListeners connects and subscribes a listener per account, a few
// at a time; each listens until ctx ends.
func connectListeners(ctx context.Context, dial *idlers, accounts []*account, scoped bool) []*listener {
	listeners := make([]*listener, len(accounts))
	sem := make(chan struct{}, connectParallel)
	var ready sync.WaitGroup
	for i, acc := range accounts {
		l := &listener{acc: acc, done: make(chan struct{})}
		listeners[i] = l
		sem <- struct{}{}
		ready.Add(1)
		go func() {
			defer close(l.done)
			st, err := dial.open(ctx, acc, chatTopics(acc, scoped))
			l.connected = err == nil
			<-sem
			ready.Done()
			if err != nil {
				return
			}
			defer st.Close()
			l.listen(ctx, st)
		}()
	}
	ready.Wait()
	return listeners
}

// createEvent marks the event of a created record.
var createEvent = []byte(`"action":"create"`)

// listen notes the load test's messages as they arrive, by the id that
// follows chatMarker in their body, until the stream ends.
func (l *listener) listen(ctx context.Context, st *stream) {
	marker := []byte(chatMarker)
	for {
		_, data, err := st.next()
		at := time.Now()
		if err != nil {
			l.lost = ctx.Err() == nil
			return
		}
		i := bytes.Index(data, marker)
		if i < 0 || !bytes.Contains(data, createEvent) || len(data) < i+len(marker)+15 {
			continue
		}
		l.arrivals = append(l.arrivals, arrival{string(data[i+len(marker) : i+len(marker)+15]), at})
	}
}

// sentMessage is a message a writer sent.
type sentMessage struct {
	id, channel string
	org         bool
	answered    time.Time // zero: no 2xx answer
}

// runWriters lets the writers write for the warm-up and the duration, and
// returns every message sent and when measuring started.
func runWriters(ctx context.Context, c ChatConfig, p *plan, server, base string, rec *recorder) ([]sentMessage, time.Time) {
	// who may write where: the subscribed members of each team channel and
	// of the organisation channel
	var orgMembers []*account
	teamMembers := map[string][]*account{}
	for _, acc := range p.idle {
		if p.chat.orgMembers[acc.id] {
			orgMembers = append(orgMembers, acc)
		}
		for _, t := range acc.teams {
			teamMembers[t] = append(teamMembers[t], acc)
		}
	}
	teams := make([]string, 0, len(teamMembers))
	for t := range teamMembers {
		teams = append(teams, t)
	}
	slices.Sort(teams)

	client := &http.Client{Transport: newTransport(c.Writers)}
	ctx, cancel := context.WithTimeout(ctx, c.Warmup+c.Duration)
	defer cancel()
	measureAt := time.Now().Add(c.Warmup)
	time.AfterFunc(c.Warmup, rec.measure)

	interval := time.Duration(float64(c.Writers) / c.Rate * float64(time.Second))
	var mu sync.Mutex
	var sent []sentMessage
	var wg sync.WaitGroup
	for w := range c.Writers {
		v := &vu{base: base, client: client, rec: rec, bare: server == Bare, chat: &p.chat,
			rng: rand.New(rand.NewPCG(c.Seed, uint64(w)))}
		wg.Go(func() {
			next := time.Now().Add(interval * time.Duration(w) / time.Duration(c.Writers))
			for {
				wait := time.NewTimer(time.Until(next))
				select {
				case <-ctx.Done():
					wait.Stop()
					return
				case <-wait.C:
				}
				if ctx.Err() != nil {
					return // a late writer's timer and the end can be ready at once
				}
				next = next.Add(interval)
				m := sentMessage{id: v.messageId(), org: v.rng.Float64() < c.OrgShare}
				if m.org && len(orgMembers) > 0 {
					m.channel, v.acc = p.chat.org, orgMembers[v.rng.IntN(len(orgMembers))]
				} else {
					m.org = false
					t := teams[v.rng.IntN(len(teams))]
					m.channel, v.acc = p.chat.team[t], teamMembers[t][v.rng.IntN(len(teamMembers[t]))]
				}
				if v.sendMessage(m.channel, m.id) {
					m.answered = time.Now()
				}
				mu.Lock()
				sent = append(sent, m)
				mu.Unlock()
				// a writer that fell behind does not catch up in a burst
				if now := time.Now(); next.Before(now) {
					next = now
				}
			}
		})
	}
	wg.Wait()
	return sent, measureAt
}

// check compares what each subscriber got with who should have: every
// member of a message's channel once, nobody else; and times the
// measured messages' deliveries by kind of channel.
func (res *ChatServerResult) check(p *plan, sent []sentMessage, measured time.Time, listeners []*listener, elapsed time.Duration) {
	byId := make(map[string]*sentMessage, len(sent))
	for i := range sent {
		byId[sent[i].id] = &sent[i]
	}
	teamOf := make(map[string]string, len(p.chat.team))
	for team, channel := range p.chat.team {
		teamOf[channel] = team
	}
	member := func(acc *account, m *sentMessage) bool {
		if m.org {
			return p.chat.orgMembers[acc.id]
		}
		return slices.Contains(acc.teams, teamOf[m.channel])
	}

	lat := map[bool][]time.Duration{}
	delivery := map[bool]*Delivery{true: {Kind: "organisation"}, false: {Kind: "team"}}
	for _, m := range sent {
		if m.answered.IsZero() {
			res.Unanswered++
		} else if !m.answered.Before(measured) {
			delivery[m.org].Messages++
		}
	}
	for _, l := range listeners {
		got := map[string]int{}
		for _, a := range l.arrivals {
			m := byId[a.id]
			if m == nil || m.answered.IsZero() {
				continue
			}
			got[a.id]++
			if got[a.id] > 1 {
				res.Duplicates++
				continue
			}
			if !member(l.acc, m) {
				res.Leaked++
				continue
			}
			if m.answered.Before(measured) {
				continue
			}
			d := delivery[m.org]
			d.Arrivals++
			if a.at.Before(m.answered) {
				d.Early++
			}
			lat[m.org] = append(lat[m.org], max(a.at.Sub(m.answered), 0))
		}
		for _, m := range sent {
			if m.answered.IsZero() || !member(l.acc, &m) {
				continue
			}
			if got[m.id] == 0 {
				res.Missing++
			}
			if !m.answered.Before(measured) {
				delivery[m.org].Expected++
			}
		}
	}
	for _, org := range []bool{true, false} {
		d, l := delivery[org], lat[org]
		slices.Sort(l)
		d.P50, d.P95, d.P99 = percentile(l, 50), percentile(l, 95), percentile(l, 99)
		if len(l) > 0 {
			d.Max = l[len(l)-1]
		}
		d.PerSecond = float64(d.Arrivals) / elapsed.Seconds()
		res.Delivery = append(res.Delivery, *d)
	}
}

// loadAverage is the machine's 1-minute load average, or 0 when unknown.
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var load float64
	fmt.Sscan(string(data), &load)
	return load
}

// Chat targets of the issue.
const (
	targetOrgDelivery  = 500 * time.Millisecond
	targetTeamDelivery = 100 * time.Millisecond
	targetChatWrite    = 50 * time.Millisecond
)

// Targets checks the chat issue's targets against the first server of the
// run.
func (r *ChatResult) Targets() []Target {
	if len(r.Servers) == 0 {
		return nil
	}
	s := r.Servers[0]
	out := []Target{{"writers' p95 < " + ms(targetChatWrite), verdict(s.Writes.OK > 0 && s.Writes.P95 < targetChatWrite),
		fmt.Sprintf("p95 %s of %d answered (%d errors, %d rate-limited)", ms(s.Writes.P95), s.Writes.OK, s.Writes.ErrorCount(), s.Writes.Limited)}}
	for _, d := range s.Delivery {
		limit := targetTeamDelivery
		if d.Kind == "organisation" {
			limit = targetOrgDelivery
		}
		out = append(out, Target{fmt.Sprintf("%s message to its members, p99 < %s", d.Kind, ms(limit)),
			verdict(d.Arrivals > 0 && d.Arrivals == d.Expected && d.P99 < limit),
			fmt.Sprintf("p99 %s, %d of %d events arrived", ms(d.P99), d.Arrivals, d.Expected)})
	}
	out = append(out, Target{"each member once, nobody else", verdict(s.Missing+s.Duplicates+s.Leaked == 0 && s.Unanswered == 0),
		fmt.Sprintf("%d missing, %d twice or more, %d to non-members, %d messages unanswered", s.Missing, s.Duplicates, s.Leaked, s.Unanswered)})
	return out
}

// reportChat prints a chat run's figures and targets.
func reportChat(w io.Writer, res *ChatResult) {
	c := res.Config
	o := c.Org.withDefaults()
	fmt.Fprintf(w, "\nchat: %d teams, %d employees, organisation channel of %d; %d subscribers (%d outside it); %d writers, %.0f messages a second (%.0f%% to the organisation channel), %s measured\n",
		o.Teams, o.Users, o.ChannelMembers, o.ChannelMembers+c.Outsiders, c.Outsiders, c.Writers, c.Rate, c.OrgShare*100, c.Duration)
	for _, s := range res.Servers {
		fmt.Fprintf(w, "\n%s: %d of %d subscribers connected, %d lost; load average %.1f at the start, %.1f at the end\n",
			s.Name, s.Connected, s.Subscribers, s.Lost, s.Load[0], s.Load[1])
		wr := s.Writes
		fmt.Fprintf(w, "  writes: %d (%.1f a second), p50 %s, p95 %s, p99 %s, errors %s, %d rate-limited\n",
			wr.Requests, wr.PerSec, ms(wr.P50), ms(wr.P95), ms(wr.P99), errorText(wr.Errors), wr.Limited)
		if wr.Failure != "" {
			fmt.Fprintf(w, "  first write without answer: %s\n", wr.Failure)
		}
		for _, d := range s.Delivery {
			fmt.Fprintf(w, "  %-12s messages: %d, %d of %d events arrived (%.0f a second, %d before the answer), p50 %s, p95 %s, p99 %s, max %s\n",
				d.Kind, d.Messages, d.Arrivals, d.Expected, d.PerSecond, d.Early, ms(d.P50), ms(d.P95), ms(d.P99), ms(d.Max))
		}
		fmt.Fprintf(w, "  exactly once: %d missing, %d twice or more, %d to non-members, %d messages unanswered\n",
			s.Missing, s.Duplicates, s.Leaked, s.Unanswered)
		span := (s.Elapsed + c.Warmup + c.Settle).Seconds()
		fmt.Fprintf(w, "  server: %.2f cores, peak memory %s; this process (writers and subscribers): %.2f cores\n",
			s.CPU.Seconds()/span, mib(s.PeakRSS), s.ClientCPU.Seconds()/span)
	}
	fmt.Fprintln(w, "\ntargets ("+res.Servers[0].Name+"):")
	var lines []string
	for _, t := range res.Targets() {
		lines = append(lines, fmt.Sprintf("  %-4s  %s: %s", t.Verdict, t.Name, t.Detail))
	}
	fmt.Fprintln(w, strings.Join(lines, "\n"))
}
