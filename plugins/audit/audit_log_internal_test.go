package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// TestHashAsEncodingJSON checks that the hash is that of the entry's
// content as encoding/json writes it, for text it writes as it is and
// text it escapes, so that the fast encoder never forks the chain.
func TestHashAsEncodingJSON(t *testing.T) {
	texts := []string{
		"", "plain", "Anna de Vries", `quote " and \ backslash`, "<script>&amp;",
		"één ü", "tab\tnewline\n", "\u2028\u2029", "bad \xff utf-8", "\x00\x1f\x7f",
	}
	for i, text := range texts {
		r := Row{
			Id: "abc" + text, Seq: int64(i*1000 + 1), PrevHash: text, Action: "read",
			Created: "2026-12-01 10:00:00.000Z", User: text, UserName: text, Role: "member",
			Team: text, OnBehalfOf: text, Client: text, ClientCode: text, Record: text,
			IP: text, UserAgent: text, Details: text,
		}
		content, err := json.Marshal([]any{
			r.Id, r.Seq, r.PrevHash, r.Action, r.Created, r.User, r.UserName,
			r.Role, r.Team, r.OnBehalfOf, r.Client, r.ClientCode, r.Record,
			r.IP, r.UserAgent, r.Details,
		})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(content)
		if got, want := r.computeHash(), hex.EncodeToString(sum[:]); got != want {
			t.Errorf("hash of an entry with %q = %s, encoding/json gives %s", text, got, want)
		}
	}
}

// TestTruncate checks that a field cut to its length keeps whole
// characters, and keeps what comes before a broken byte.
func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 5, "abc"},
		{"ab€", 3, "ab"},
		{"ab€", 4, "ab"},
		{"ab€d", 5, "ab€"},
		{"a\xffbcdef", 4, "a\xffbc"},
	} {
		if got := truncate(c.in, c.max); got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
