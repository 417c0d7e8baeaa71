package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// flagErrors are errors from below cli that a flag gets out of: each
// says the fact without the flag, and the command line adds it.
func flagErrors(t *testing.T) []struct {
	name string
	err  error
	flag string
} {
	sv := session.Servers{Dial: func(string) session.TurnkeyAPI { return nil }, Named: "https://other", Default: "https://api.turnkey.com"}
	_, other := sv.For(session.Session{Key: "a", Claims: session.Claims{}, APIBaseURL: "https://own"})
	_, unrecorded := sv.For(session.Session{Key: "b"})
	_, home := store.ResolveDir("~/x")
	_, noKey := turnkey.LoadKeyFile(t.TempDir() + "/absent.private")
	_, badName := turnkey.LoadCLIKey("a/b")
	return []struct {
		name string
		err  error
		flag string
	}{
		{"keyring timeout", fmt.Errorf("logging out: %w", store.ErrKeyringTimeout), "--keyring file"},
		{"keyring locked", store.ErrKeyringLocked, "--keyring file"},
		{"key store not in use", fmt.Errorf("deleting: %w", &session.KeyStoreUnavailableError{Name: "system"}), "--keyring system"},
		{"another API", other, "--other-api with --api-url"},
		{"no API recorded", unrecorded, "--other-api with --api-url"},
		{"~ in the store directory", home, "--home ~/x, not --home=~/x"},
		{"no API key file", noKey, "--api-key or --api-key-file"},
		{"API key name a path", badName, "--api-key-file"},
		{"keyring API key name a path", store.CheckName("a/b"), "--file"},
		{"no sub-organization", &turnkey.SubOrgError{Parent: "p", Contact: "c"}, "--sub-org"},
		{"sub-organizations", &turnkey.SubOrgError{Parent: "p", Contact: "c", IDs: []string{"s1", "s2"}}, "--sub-org"},
		{"MFA not waited for", &turnkey.MFAError{MFANeeded: turnkey.MFANeeded{ActivityID: "x"}}, "--wait"},
		{"API redirect", &turnkey.RedirectError{Status: 302, Location: "https://x"}, "--api-url"},
		{"Auth Proxy redirect", &turnkey.RedirectError{Status: 302, Location: "https://x", AuthProxy: true}, "--auth-proxy-url"},
		{"captcha", &turnkey.ProxyError{Status: 400, Message: "captcha required"}, "--org"},
		{"unknown configuration", &turnkey.ProxyError{Status: 404, Message: "auth proxy config not found"}, "--auth-proxy"},
	}
}

// namesFlag reports a flag in msg, other programs' aside
// (gnome-keyring-daemon --unlock).
func namesFlag(msg string) bool {
	return flagRE.MatchString(strings.ReplaceAll(msg, "gnome-keyring-daemon --unlock", ""))
}

var flagRE = regexp.MustCompile(`(^|[^-\w])--[a-z]`)

// Errors below cli name no flag; the command line says the flag that gets
// out of each.
func TestExplainAddsTheFlag(t *testing.T) {
	for _, tt := range flagErrors(t) {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if msg := tt.err.Error(); namesFlag(msg) {
			t.Errorf("%s: the error names a flag: %q", tt.name, msg)
		}
		if got := explain(tt.err); !strings.HasPrefix(got, tt.err.Error()) || !strings.Contains(got, tt.flag) {
			t.Errorf("%s: explain = %q, want the message, then %q", tt.name, got, tt.flag)
		}
	}
	if got := explain(errors.New("plain")); got != "plain" {
		t.Errorf("an error with no way out: %q", got)
	}
}

// What the command line prints for such an error still names the flag.
func TestPrintedErrorsNameTheFlag(t *testing.T) {
	t.Setenv("TKAUTH_HOME", "")
	code, _, errOut := tkauth(t, "--keyring", "file", "--home", "~/x", "list")
	if code != ExitUsage || !strings.Contains(errOut, `the store directory given is "~/x"`) || !strings.Contains(errOut, "(--home ~/x, not --home=~/x)") {
		t.Errorf("--home ~/x: exit %d, %q", code, errOut)
	}
	code, _, errOut = tkauth(t, "--keyring", "file", "--home", t.TempDir(), "login", "--org", "o", "--api-key", "a/b")
	if code == ExitOK || !strings.Contains(errOut, `API key name "a/b" is not a name: use --api-key-file for a path`) {
		t.Errorf("--api-key a/b: exit %d, %q", code, errOut)
	}
}

// A session of another API: the command line names the flags that send
// its requests there.
func TestOtherServerNamesTheFlags(t *testing.T) {
	withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	r := c.run("", false, "refresh", "a", "--api-url", "https://other.example")
	if r.code == ExitOK || !strings.Contains(r.errOut, "was logged in with") || !strings.Contains(r.errOut, "give --other-api with --api-url to send it there") {
		t.Errorf("exit %d, %q", r.code, r.errOut)
	}
}
