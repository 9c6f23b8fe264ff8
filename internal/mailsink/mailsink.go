// Package mailsink is a real SMTP server for tests: it listens on a free
// port of 127.0.0.1, accepts every message (no authentication, no TLS) and
// keeps it, so a test can configure Buurtplein's mail settings to use it and
// wait for the mail that a sign-in code or a password reset sends.
//
// It is built on github.com/emersion/go-smtp, a maintained SMTP server
// library, so mail leaves PocketBase through its real SMTP client, as in
// production, not through PocketBase's in-memory test mailer.
//
// Example usage:
//
//	sink := mailsink.Start(t)
//	// point the app's SMTP settings at sink.Host() and sink.Port()
//	m := sink.Wait(t, "bo@buurtplein.test", time.Now())
//	code := m.Find(t, `<strong>(\d+)</strong>`)
package mailsink

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// maxMessageBytes bounds one message: Buurtplein's mails are a few KB.
const maxMessageBytes = 1 << 20

// Message is one mail the sink received.
type Message struct {
	From     string   // the envelope sender (MAIL FROM)
	To       []string // the envelope recipients (RCPT TO), lower case
	Subject  string   // the decoded Subject header
	Header   mail.Header
	Text     string    // the text/plain part, decoded ("" when none)
	HTML     string    // the text/html part, decoded ("" when none)
	Received time.Time // when the sink had the whole message
}

// Find returns the first submatch of pattern in the message's HTML (or its
// text when it has no HTML) and fails the test when there is none.
func (m Message) Find(t testing.TB, pattern string) string {
	t.Helper()
	body := m.HTML
	if body == "" {
		body = m.Text
	}
	match := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if len(match) < 2 {
		t.Fatalf("the mail %q to %v has no match for %s:\n%s", m.Subject, m.To, pattern, body)
	}
	return match[1]
}

// Sink is a running SMTP server and the messages it received.
type Sink struct {
	server   *smtp.Server
	listener net.Listener

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{} // closed and replaced on every new message
}

// Start starts a sink on 127.0.0.1 and stops it when the test ends.
func Start(t testing.TB) *Sink {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatalf("starting the SMTP sink: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// New starts a sink on a free port of 127.0.0.1; Close stops it.
func New() (*Sink, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening: %w", err)
	}
	s := &Sink{listener: l, arrived: make(chan struct{})}
	s.server = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{sink: s}, nil
	}))
	s.server.Domain = "localhost"
	s.server.ReadTimeout = 10 * time.Second
	s.server.WriteTimeout = 10 * time.Second
	s.server.MaxMessageBytes = maxMessageBytes
	s.server.MaxRecipients = 50
	go func() { _ = s.server.Serve(l) }()
	return s, nil
}

// Host is the address the sink listens on: "127.0.0.1".
func (s *Sink) Host() string { return s.listener.Addr().(*net.TCPAddr).IP.String() }

// Port is the port the sink listens on.
func (s *Sink) Port() int { return s.listener.Addr().(*net.TCPAddr).Port }

// Close stops the sink; connections in progress are cut.
func (s *Sink) Close() error { return s.server.Close() }

// Messages returns a copy of every message received so far, oldest first.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits up to 20 seconds for a message to address received at or
// after since, returns the first such one and fails the test when none
// comes.
func (s *Sink) Wait(t testing.TB, address string, since time.Time) Message {
	t.Helper()
	m, err := s.WaitFor(address, since, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// WaitFor is [Sink.Wait] with an error instead of a failed test.
func (s *Sink) WaitFor(address string, since time.Time, timeout time.Duration) (Message, error) {
	address = strings.ToLower(address)
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		for _, m := range s.messages {
			if !m.Received.Before(since) && contains(m.To, address) {
				s.mu.Unlock()
				return m, nil
			}
		}
		arrived := s.arrived
		s.mu.Unlock()

		select {
		case <-arrived:
		case <-deadline:
			return Message{}, fmt.Errorf("no mail reached %s within %s (the sink has %d messages)", address, timeout, len(s.Messages()))
		}
	}
}

func (s *Sink) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// session is one SMTP conversation; every message in it is kept.
type session struct {
	sink *Sink
	from string
	to   []string
}

func (c *session) Mail(from string, _ *smtp.MailOptions) error {
	c.from = from
	return nil
}

func (c *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	c.to = append(c.to, strings.ToLower(to))
	return nil
}

func (c *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Parse(raw)
	if err != nil {
		// a message the sink cannot read is a bug in the sender: refuse it,
		// so the sender's error says so
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: err.Error()}
	}
	m.From, m.To, m.Received = c.from, c.to, time.Now()
	c.sink.add(m)
	return nil
}

func (c *session) Reset() { c.from, c.to = "", nil }

func (c *session) Logout() error { return nil }

// Parse reads a raw message (RFC 5322, MIME) into its subject and its text
// and HTML parts, decoded.
func Parse(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("reading the message: %w", err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, fmt.Errorf("decoding the subject: %w", err)
	}
	m := Message{Subject: subject, Header: msg.Header}
	err = readPart(&m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return m, err
}

// readPart fills m's Text and HTML from one MIME entity, descending into
// multipart ones (mixed, alternative, related).
func readPart(m *Message, contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("reading a part: %w", err)
			}
			// NB! multipart.Reader already decodes quoted-printable parts
			// and then drops their Content-Transfer-Encoding header
			if err := readPart(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}

	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		// the decoder skips the line breaks itself
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("decoding a %s part: %w", mediaType, err)
	}
	switch mediaType {
	case "text/plain":
		if m.Text == "" {
			m.Text = string(data)
		}
	case "text/html":
		if m.HTML == "" {
			m.HTML = string(data)
		}
	}
	return nil
}
