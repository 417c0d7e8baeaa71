package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

func TestErrorsAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(store.NewFile(dir).Path(), []byte(`{"version": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"unknown command", []string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{"unknown flag", []string{"list", "--frob"}, ExitUsage, "unknown flag: --frob"},
		{"extra argument", []string{"list", "x"}, ExitUsage, "takes no arguments"},
		{"unknown key store", []string{"--home", t.TempDir(), "--keyring", "vault", "list"}, ExitUsage, `unknown key store "vault"`},
		{"newer store file", []string{"--home", dir, "--keyring", "file", "list"}, ExitFailure, "written by a newer tkauth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := tkauth(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.says) || !strings.HasPrefix(errOut, "tkauth: ") {
				t.Errorf("code %d, stderr %q; want %d saying %q", code, errOut, tt.code, tt.says)
			}
		})
	}
}

func TestExitCodeForNotFound(t *testing.T) {
	for _, err := range []error{session.ErrNotFound, session.ErrNoActiveSession} {
		if got := exitCode(err); got != ExitNotFound {
			t.Errorf("exitCode(%v) = %d, want %d", err, got, ExitNotFound)
		}
	}
}

// With no active session, every command that would act on it gives the
// one error, with the way out for that command.
func TestNoActiveSessionIsOneError(t *testing.T) {
	c := newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour))
	c.ok("logout", "a")
	c.add("b", token(t, c.keyPair(), time.Hour))
	c.ok("logout") // b was active: now none is
	for _, command := range []string{"logout", "show", "refresh"} {
		r := c.run("", false, command)
		want := "tkauth: no active session: name one (`tkauth " + command + " KEY`), or choose one with `tkauth switch KEY`\n"
		if r.code != ExitNotFound || r.errOut != want {
			t.Errorf("%s: exit %d, stderr %q; want %d, %q", command, r.code, r.errOut, ExitNotFound, want)
		}
	}
}

// A store directory that is not an absolute path is refused before
// anything is written: TKAUTH_HOME='~/x' would put the store, private
// keys included, in a directory named ~ under the current one.
func TestRelativeStoreDirectoryIsRefused(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	for _, tt := range []struct {
		env  string
		args []string
	}{
		{"~/x", []string{"keys", "create"}},
		{"", []string{"--home", "~/x", "keys", "create"}},
		{"rel", []string{"list"}},
	} {
		t.Setenv("TKAUTH_HOME", tt.env)
		code, _, errOut := tkauth(t, append([]string{"--keyring", "file"}, tt.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, "not a store directory") {
			t.Errorf("TKAUTH_HOME=%q tkauth %q: exit %d, %q", tt.env, tt.args, code, errOut)
		}
	}
	if entries, _ := os.ReadDir(cwd); len(entries) > 0 {
		t.Errorf("something was written in the current directory: %s", entries[0].Name())
	}
}

// fullWriter fails as /dev/full does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// A command whose output was not delivered fails, whatever it did; keys
// create does not leave behind a key pair whose public key nobody saw.
func TestOutputThatCannotBeWrittenFails(t *testing.T) {
	c := newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour))
	c.ok("keys", "prune", "--include-new")
	for _, args := range [][]string{
		{"list"}, {"list", "--json"}, {"show"}, {"show", "--token"}, {"show", "--json"},
		{"keys", "list"}, {"keys", "list", "--json"}, {"switch", "a"}, {"version"}, {"keys", "create"},
	} {
		var errOut bytes.Buffer
		code := Run(append([]string{"--home", c.home, "--keyring", "file"}, args...), &IOStreams{In: strings.NewReader(""), Out: fullWriter{}, ErrOut: &errOut})
		if code != ExitFailure || !strings.Contains(errOut.String(), "no space left on device") {
			t.Errorf("tkauth %s > /dev/full: exit %d, %q", strings.Join(args, " "), code, errOut.String())
		}
	}
	if n := len(c.state().KeyPairs); n != 1 {
		t.Errorf("%d key pairs after keys create could not print, want the session's 1", n)
	}
}

// Where the terminal cannot draw a full screen (TERM=dumb), tkauth with no
// command lists the sessions, as off a terminal.
func TestADumbTerminalGetsTheList(t *testing.T) {
	t.Setenv("TERM", "dumb")
	dir := t.TempDir()
	var out bytes.Buffer
	code := Run([]string{"--home", dir, "--keyring", "file"}, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: io.Discard, IsTerminal: true, StdinTerminal: true})
	if code != 0 || !strings.Contains(out.String(), "No sessions in "+dir) {
		t.Errorf("exit %d %q", code, out.String())
	}
}

// Every global flag has its variable: TKAUTH_KEYRING_TIMEOUT too, refused
// with a usage error unless a duration; `tkauth help environment` lists
// them all.
func TestTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(append([]string{"--home", dir, "--keyring", "file"}, args...), &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
		return code, out.String(), errOut.String()
	}
	t.Setenv("TKAUTH_KEYRING_TIMEOUT", "soon")
	if code, _, errOut := run("list"); code != ExitUsage || !strings.Contains(errOut, `TKAUTH_KEYRING_TIMEOUT is "soon"`) {
		t.Errorf("a bad TKAUTH_KEYRING_TIMEOUT: exit %d %q", code, errOut)
	}
	if code, _, errOut := run("--keyring-timeout", "2s", "list"); code != 0 {
		t.Errorf("the flag given: exit %d %q", code, errOut)
	}
	t.Setenv("TKAUTH_KEYRING_TIMEOUT", "750ms")
	if d, err := keyringTimeoutEnv(); err != nil || d != 750*time.Millisecond {
		t.Errorf("TKAUTH_KEYRING_TIMEOUT=750ms: %v, %v", d, err)
	}
	_, out, _ := run("help", "environment")
	for _, v := range []string{"TKAUTH_HOME", "TKAUTH_KEYRING", "TKAUTH_KEYRING_TIMEOUT", "TKAUTH_SESSION", "TURNKEY_API_BASE_URL", "NO_COLOR"} {
		if !strings.Contains(out, v) {
			t.Errorf("help environment does not name %s:\n%s", v, out)
		}
	}
}

// Shell completion completes what a person types: api's short paths, and
// flags' values (--format, --keyring, --api-key), never file names there.
func TestCompletion(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	os.MkdirAll(filepath.Join(cfg, "turnkey", "keys"), 0o700)
	os.WriteFile(filepath.Join(cfg, "turnkey", "keys", "ci.private"), []byte("x"), 0o600)
	complete := func(args ...string) string {
		var out bytes.Buffer
		Run(append([]string{"--home", t.TempDir(), "--keyring", "file", "__complete"}, args...), &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: io.Discard})
		return out.String()
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"api", "query/who"}, "query/whoami\n"},
		{[]string{"api", "/public/v1/query/who"}, "/public/v1/query/whoami\n"},
		{[]string{"env", "--format", ""}, "dotenv\n"},
		{[]string{"list", "--keyring", ""}, "system\n"},
		{[]string{"login", "--api-key", ""}, "ci\n"},
	} {
		out := complete(tt.args...)
		if !strings.Contains(out, tt.want) || !strings.Contains(out, ":4\n") { // 4: no file completion
			t.Errorf("%q completes %q", tt.args, out)
		}
	}
}

// A mistyped flag gets the nearest ones; a --format naming a field there
// is not gets the fields there are.
func TestMistakesGetSuggestions(t *testing.T) {
	c := newCLI(t)
	if r := c.run("", false, "list", "--jsn"); r.code != ExitUsage || !strings.Contains(r.errOut, "unknown flag: --jsn; did you mean --json?") {
		t.Errorf("--jsn: exit %d %q", r.code, r.errOut)
	}
	c.add("a", token(t, c.keyPair(), time.Hour))
	if r := c.run("", false, "current", "--format", "{{.Nope}}"); r.code != ExitUsage || !strings.Contains(r.errOut, "the fields are {{.Key}}, {{.Organization}}") || !strings.Contains(r.errOut, "{{.Source}}") {
		t.Errorf("--format {{.Nope}}: exit %d %q", r.code, r.errOut)
	}
}
