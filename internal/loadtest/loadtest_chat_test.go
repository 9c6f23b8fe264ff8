package loadtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/drill"
)

// TestChatSmoke runs the chat load tiny against our server: 3 teams, an
// organisation channel of 30 with 30 subscribers and 5 outsiders, 5
// writers for 3 s, a fifth of the messages to the organisation channel.
// Every message must have been answered and have reached each member
// subscribed exactly once, and no one else; the figures are not checked.
func TestChatSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := drill.ModuleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	drill.TrackSources(root)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "buurtplein")
	if err := drill.Build(root, bin); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	res, err := RunChat(context.Background(), ChatConfig{
		Org:       Org{Teams: 3, Users: 40, ChannelMembers: 30},
		Outsiders: 5,
		Writers:   5,
		Rate:      10,
		OrgShare:  0.2,
		Duration:  3 * time.Second,
		Warmup:    time.Second,
		Settle:    2 * time.Second,
		Binary:    bin,
		WorkDir:   filepath.Join(tmp, "work"),
		Seed:      1,
		Out:       &out,
	})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}

	s := res.Servers[0]
	if s.Connected != 35 || s.Lost > 0 {
		t.Errorf("%d of 35 subscribers connected, %d lost", s.Connected, s.Lost)
	}
	if s.Writes.OK == 0 || s.Writes.ErrorCount() > 0 || s.Writes.Limited > 0 {
		t.Errorf("writes: %d answered, errors %v, %d rate-limited", s.Writes.OK, s.Writes.Errors, s.Writes.Limited)
	}
	if s.Missing+s.Duplicates+s.Leaked+s.Unanswered > 0 {
		t.Errorf("%d missing, %d twice, %d to non-members, %d unanswered", s.Missing, s.Duplicates, s.Leaked, s.Unanswered)
	}
	for _, d := range s.Delivery {
		if d.Messages == 0 || d.Arrivals != d.Expected {
			t.Errorf("%s: %d messages, %d of %d events arrived", d.Kind, d.Messages, d.Arrivals, d.Expected)
		}
	}
	if !strings.Contains(out.String(), "targets (ours)") {
		t.Error("the report lacks its targets")
	}
}
