package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

func TestAdd(t *testing.T) {
	c := newCLI(t)
	pub := c.keyPair()
	tok := token(t, pub, time.Hour)

	// From stdin, when stdin is not a terminal.
	r := c.run(tok+"\n", false, "add")
	if r.code != 0 || !strings.Contains(r.out, "Stored session "+session.DefaultKey+" (now active)") || !strings.Contains(r.out, "unverified") {
		t.Fatalf("add from stdin: %d %q %q", r.code, r.out, r.errOut)
	}
	// From a file, under a key; then replaced from stdin with -.
	file := filepath.Join(t.TempDir(), "tok.jwt")
	os.WriteFile(file, []byte(tok), 0o600)
	if out := c.ok("add", "--session-key", "a", "--token-file", file); !strings.Contains(out, "Stored session a") {
		t.Errorf("add --token-file: %q", out)
	}
	pub2 := c.keyPair()
	r = c.run(token(t, pub2, time.Hour), true, "add", "--session-key", session.DefaultKey, "--token-file", "-")
	if r.code != 0 || !strings.Contains(r.out, "Replaced session") || strings.Contains(r.out, "Deleted the replaced") {
		t.Errorf("replace (old key pair still used by a): %q", r.out)
	}
	st := c.state()
	if st.Active != session.DefaultKey || st.Sessions[session.DefaultKey].PublicKey != pub2 {
		t.Errorf("active %q", st.Active)
	}
	// An imported token, its key pair not tkauth's.
	imported := "02f739f8c77b32f4d5f13265861febd76e7a9c61a1140d296b8c16302508870316"
	if r := c.run(token(t, imported, time.Hour), false, "add", "--session-key", "imp"); !strings.Contains(r.out, "was not created by tkauth") {
		t.Errorf("imported: %q", r.out)
	}

	for _, tt := range []struct {
		name  string
		stdin string
		tty   bool
		args  []string
		code  int
		says  string
	}{
		{"token as an argument", "", false, []string{"add", tok}, ExitUsage, "shell history"},
		{"nothing on a terminal", "", true, []string{"add"}, ExitUsage, "give --token-file FILE"},
		{"empty stdin", "", false, []string{"add"}, ExitFailure, "input was empty"},
		{"malformed", "a.b", false, []string{"add"}, ExitFailure, "3 dot-separated parts"},
		{"missing file", "", false, []string{"add", "--token-file", "/nonexistent/t"}, ExitFailure, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := c.state()
			r := c.run(tt.stdin, tt.tty, tt.args...)
			if r.code != tt.code || !strings.Contains(r.errOut, tt.says) {
				t.Errorf("exit %d, stderr %q; want %d saying %q", r.code, r.errOut, tt.code, tt.says)
			}
			if len(c.state().Sessions) != len(before.Sessions) {
				t.Error("a failed add changed the store")
			}
		})
	}
	c.noSecrets()
}

// A 10 MB "token" is refused with a clear error, having read no more of it
// than a token can be.
func TestAddRefusesAHugeToken(t *testing.T) {
	c := newCLI(t)
	huge := strings.Repeat("A", 10<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := c.run(huge, false, "add")
	runtime.ReadMemStats(&after)
	if r.code != ExitFailure || !strings.Contains(r.errOut, "larger than the 65536 bytes a session token can be") {
		t.Fatalf("exit %d: %q", r.code, r.errOut)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 4<<20 {
		t.Errorf("refusing a 10 MB token allocated %d bytes", alloc)
	}
	t.Logf("refusing a 10 MB token through tkauth add allocated %d bytes", alloc)
	if len(c.state().Sessions) != 0 {
		t.Error("something was stored")
	}
}

// What people paste is taken, and only the bare token is stored: show
// --token prints it back exactly. Anything else is refused, saying what
// was found, and nothing is stored.
func TestAddTakesWhatPeoplePaste(t *testing.T) {
	c := newCLI(t)
	pub := c.keyPair()
	tok := token(t, pub, time.Hour)
	for i, in := range []string{
		"Bearer " + tok + "\n",
		`"` + tok + `"`,
		`{"session": "` + tok + `"}`,
		"\t" + tok + "\r\n",
		"  " + tok[:50] + "\n  " + tok[50:] + "\n", // as the TUI's t wraps it
	} {
		key := fmt.Sprintf("k%d", i)
		if r := c.run(in, false, "add", "--session-key", key); r.code != 0 {
			t.Fatalf("add %q: exit %d %s", in, r.code, r.errOut)
		}
		if got := c.ok("show", key, "--token"); got != tok+"\n" {
			t.Errorf("add %.30q stored %.40q, want the bare token", in, got)
		}
	}
	before := c.snapshot()
	for in, says := range map[string]string{
		tok[:50] + "\nthen words":        "the input has 2 lines, and not only",
		"Token: " + tok:                  "':' at byte 6 cannot be in a token",
		`{"access_token":"` + tok + `"}`: `no "token" or "session" field`,
		tok + "\x1b[2J":                  "the control character U+001B",
	} {
		r := c.run(in, false, "add", "--session-key", "bad")
		if r.code != ExitFailure || !strings.Contains(r.errOut, says) || strings.Contains(r.errOut, "\x1b") {
			t.Errorf("add %.30q: exit %d, %q; want 1 saying %q", in, r.code, r.errOut, says)
		}
	}
	if c.snapshot() != before {
		t.Error("a refused add changed the store")
	}
	if r := c.run(tok, false, "add", "--session-key", "evil\x1b[2J"); r.code != ExitFailure || !strings.Contains(r.errOut, "invalid session key") || strings.Contains(r.errOut, "\x1b") {
		t.Errorf("add under a key with escapes: exit %d, %q", r.code, r.errOut)
	}
}

// An expired token, or one whose key pair is not here, is stored (as
// Turnkey's storeSession does) but never silently: stderr says why it
// cannot be used, which session was active before, and the way back.
func TestAddWarnsOfASessionThatCannotBeUsed(t *testing.T) {
	c := newCLI(t)
	live := c.keyPair()
	c.add("acme/admin", token(t, live, time.Hour))

	r := c.run(token(t, c.keyPair(), -72*time.Hour), false, "add", "--session-key", "old")
	if r.code != 0 || !strings.Contains(r.out, "(now active, instead of acme/admin)") ||
		!strings.Contains(r.errOut, "tkauth: warning: the session expired 3d0h ago; Turnkey refuses it") ||
		!strings.Contains(r.errOut, "`tkauth switch -` makes acme/admin active again") {
		t.Errorf("expired token: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	if strings.Contains(r.errOut, "not in the") {
		t.Errorf("its key pair is here, yet:\n%s", r.errOut)
	}
	c.ok("switch", "-")

	_, elsewhere, _ := session.NewPrivateKey()
	r = c.run(token(t, elsewhere, time.Hour), false, "add", "--session-key", "browser")
	if r.code != 0 || !strings.Contains(r.errOut, "is not in the file key store: the session cannot sign requests") ||
		!strings.Contains(r.errOut, "`tkauth switch -` makes acme/admin active again") || strings.Contains(r.errOut, "expired") {
		t.Errorf("token for a key pair not here: exit %d\n%s%s", r.code, r.out, r.errOut)
	}

	// A live token for a key pair that is here: no warning.
	r = c.run(token(t, live, 2*time.Hour), false, "add", "--session-key", "acme/admin")
	if r.code != 0 || r.errOut != "" || !strings.Contains(r.out, "instead of browser") {
		t.Errorf("a usable session warned: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
}

// On a terminal, add asks for the token and reads it without showing it,
// as gh auth login --with-token does; --token-file - too.
func TestAddAsksForTheTokenOnATerminal(t *testing.T) {
	c := newCLI(t)
	tok := token(t, c.keyPair(), time.Hour)
	for _, args := range [][]string{{"add"}, {"add", "--token-file", "-", "--session-key", "b"}} {
		var out, errOut bytes.Buffer
		asked := false
		ios := &IOStreams{In: strings.NewReader("visible"), Out: &out, ErrOut: &errOut, IsTerminal: true, StdinTerminal: true,
			ReadSecret: func() (string, error) { asked = true; return tok, nil }}
		code := Run(append([]string{"--home", c.home, "--keyring", "file"}, args...), ios)
		if code != 0 || !asked || !strings.Contains(errOut.String(), "Paste the session token (it is not shown)") || strings.Contains(out.String()+errOut.String(), tok) {
			t.Errorf("%v: exit %d, asked %v, %q %q", args, code, asked, out.String(), errOut.String())
		}
	}
	if st := c.state(); len(st.Sessions) != 2 {
		t.Errorf("%d sessions stored", len(st.Sessions))
	}
}
