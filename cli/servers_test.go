package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// A revocation signed by the user's long-lived API key goes to the API the
// session was logged in with, or, for one that records none, to Turnkey's
// own, never to one the environment names: another gets it only when
// --other-api with --api-url says so, or, for a session that records
// none, when the user says yes on a terminal. Two servers log what they
// receive.
func TestRevocationGoesOnlyWhereTheUserSaid(t *testing.T) {
	own, keyFile := withAPI(t) // TURNKEY_API_BASE_URL names own
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	c.add("added", token(t, c.keyPair(), time.Hour)) // records no API
	other := turnkeytest.New()
	t.Cleanup(other.Close)
	t.Setenv(APIEnv, other.URL) // a project's .envrc, say
	before := len(own.Requests())
	received := func(what string, wantOwn, wantOther bool) {
		t.Helper()
		gotOwn, gotOther := len(own.Requests()) > before, len(other.Requests()) > 0
		if gotOwn != wantOwn || gotOther != wantOther {
			t.Errorf("%s: the session's own API received %v (want %v), the other %v (want %v): %q", what, gotOwn, wantOwn, gotOther, wantOther, other.Requests())
		}
		before = len(own.Requests())
	}

	// The environment names another API: refused, whatever --force says.
	for _, force := range []bool{false, true} {
		args := []string{"logout", "a", "--revoke", "--yes", "--api-key-file", keyFile}
		if force {
			args = append(args, "--force")
		}
		r := c.run("", false, args...)
		if !strings.Contains(r.errOut, "was logged in with "+own.URL+", not "+other.URL) {
			t.Errorf("--force %v: exit %d %q", force, r.code, r.errOut)
		}
		received("named by the environment", false, false)
		if !force && c.state().Sessions["a"] == nil {
			t.Error("a was logged out though it was not revoked")
		}
	}
	// --other-api names the API of the flag, never the environment's.
	c.ok("login", "--org", "o", "--session-key", "a", "--api-url", own.URL)
	before = len(own.Requests())
	if r := c.run("", false, "logout", "a", "--revoke", "--yes", "--api-key-file", keyFile, "--other-api"); r.code != ExitUsage || !strings.Contains(r.errOut, "give --api-url too") {
		t.Errorf("--other-api without --api-url: exit %d %q", r.code, r.errOut)
	}
	received("--other-api without --api-url", false, false)
	r := c.run("", false, "logout", "a", "--revoke", "--yes", "--api-key-file", keyFile, "--other-api", "--api-url", other.URL)
	received("--other-api --api-url other", false, true)
	if r.code == 0 {
		t.Errorf("the other API does not know the key, yet: %q", r.out)
	}

	// A session that records no API: not to the one the environment
	// names without a terminal; on one, only if the user says yes.
	other = turnkeytest.New()
	t.Cleanup(other.Close)
	t.Setenv(APIEnv, other.URL)
	r = c.run("", false, "logout", "added", "--revoke", "--yes", "--api-key-file", keyFile)
	if !strings.Contains(r.errOut, "records no Turnkey API") || c.state().Sessions["added"] == nil {
		t.Errorf("an added session, no terminal: exit %d %q", r.code, r.errOut)
	}
	received("an added session, no terminal", false, false)
	r = c.run("n\n", true, "logout", "added", "--revoke", "--yes", "--api-key-file", keyFile)
	if !strings.Contains(r.errOut, "Send them to "+other.URL+" instead? [y/N]") || !strings.Contains(r.errOut, "records no Turnkey API") {
		t.Errorf("an added session, answered no: exit %d %q", r.code, r.errOut)
	}
	received("an added session, answered no", false, false)
	c.run("y\n", true, "logout", "added", "--revoke", "--yes", "--api-key-file", keyFile)
	received("an added session, answered yes", false, true)
}

// list --check asks about every session at once: the question for each
// that records no API comes one at a time, once.
func TestTheAPIQuestionComesOneAtATime(t *testing.T) {
	withAPI(t)
	c := newCLI(t)
	for _, k := range []string{"a", "b", "c", "d"} {
		c.add(k, token(t, c.keyPair(), time.Hour))
	}
	other := turnkeytest.New()
	t.Cleanup(other.Close)
	t.Setenv(APIEnv, other.URL)
	r := c.run("n\nn\nn\nn\n", true, "list", "--check")
	if n := strings.Count(r.errOut, "instead? [y/N]"); n != 4 {
		t.Errorf("%d questions for 4 sessions: %q", n, r.errOut)
	}
	if len(other.Requests()) != 0 {
		t.Errorf("answered no, yet: %q", other.Requests())
	}
}
