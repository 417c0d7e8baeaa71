package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// remoteJSON runs remote --json and decodes it.
func remoteJSON(t *testing.T, c *harness, args ...string) []jsonRemote {
	t.Helper()
	var out []jsonRemote
	if err := json.Unmarshal([]byte(c.ok(append([]string{"remote", "--json"}, args...)...)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A user with a session here, two made elsewhere and a long-lived key:
// remote lists the three sessions, this machine's marked, the key apart;
// --others ends the two; ending this machine's own logs it out here.
func TestRemoteSessions(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	work := c.state().Sessions["work"]
	phone := srv.SessionElsewhere("o", "u", time.Hour)
	laptop := srv.SessionElsewhere("o", "u", 2*time.Hour)
	srv.SessionElsewhere("o", "someone-else", time.Hour)

	got := remoteJSON(t, c)
	here := 0
	for _, r := range got {
		if r.Here != nil {
			here++
			if *r.Here != "work" || r.PublicKey != work.PublicKey {
				t.Errorf("here: %+v", r)
			}
		}
		if r.Expiry <= r.CreatedAt || r.CreatedAt == 0 {
			t.Errorf("times: %+v", r)
		}
	}
	if len(got) != 3 || here != 1 {
		t.Fatalf("remote --json: %+v", got)
	}
	out := c.ok("remote")
	if !strings.Contains(out, "3 live sessions of user") || !strings.Contains(out, "work (this machine)") || !strings.Contains(out, "1 long-lived API key") {
		t.Errorf("remote:\n%s", out)
	}
	longLived := fieldOf(out, "CREDENTIAL_TYPE_API_KEY_P256")

	before := c.snapshot()
	for _, tt := range []struct {
		name string
		args []string
		says string
	}{
		{"a long-lived key", []string{longLived, "--yes"}, "is the long-lived API key \"cli\", not a session"},
		{"an unknown ID", []string{"apikey-nope", "--yes"}, "no live session with API key ID apikey-nope"},
		{"no --yes off a terminal", []string{"--others"}, "needs --yes"},
		{"IDs and --others", []string{longLived, "--others", "--yes"}, "not both"},
	} {
		r := c.run("", false, append([]string{"remote", "revoke"}, tt.args...)...)
		if r.code == 0 || !strings.Contains(r.errOut, tt.says) || c.snapshot() != before || len(remoteJSON(t, c)) != 3 {
			t.Errorf("%s: exit %d, %q", tt.name, r.code, r.errOut)
		}
	}

	r := c.run("", false, "remote", "revoke", "--session", "work", "--others", "--yes")
	if r.code != 0 || !strings.Contains(r.out, "Ended 2 sessions on Turnkey") || !strings.Contains(r.out, "Left on Turnkey: 1 live session of the user (1 stored here), and every long-lived API key.") {
		t.Errorf("--others: exit %d, %q %q", r.code, r.out, r.errOut)
	}
	if srv.HasKey(phone) || srv.HasKey(laptop) || !srv.HasKey(work.PublicKey) || c.snapshot() != before {
		t.Error("--others did not leave exactly this machine's session")
	}
	if out := c.ok("remote"); !strings.Contains(out, longLived) {
		t.Errorf("the long-lived key is gone:\n%s", out)
	}

	own := remoteJSON(t, c)[0].APIKeyID
	r = c.run("", false, "remote", "revoke", own, "--yes")
	if r.code != 0 || !strings.Contains(r.out, "no longer works. Logged out work") || c.state().Sessions["work"] != nil || srv.HasKey(work.PublicKey) {
		t.Errorf("this machine's own: exit %d, %q %q", r.code, r.out, r.errOut)
	}
	if has, _ := c.keysHave(work.PublicKey); has {
		t.Error("its key pair is still here")
	}
	c.noSecrets()
}

// A dead session's own key cannot list; the user's long-lived key can.
func TestRemoteWithTheLongLivedKey(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	srv.SessionElsewhere("o", "u", time.Hour)
	srv.DeleteKey(c.state().Sessions["work"].PublicKey)
	if r := c.run("", false, "remote"); r.code == 0 || !strings.Contains(r.errOut, "--api-key NAME") {
		t.Errorf("a dead session: exit %d, %q", r.code, r.errOut)
	}
	if got := remoteJSON(t, c, "--api-key", "default"); len(got) != 1 || got[0].Here != nil {
		t.Errorf("with the long-lived key: %+v", got)
	}
}

// A parent organization's key lists a sub-organization user's sessions
// and is refused, in words, when it tries to end them.
func TestRemoteFromAParent(t *testing.T) {
	srv := withCodeLogin(t)
	c := newCLI(t)
	if r := c.run(turnkeytest.SandboxCode+"\n", false, "login", "--email", turnkeytest.SandboxEmail, "--auth-proxy", "cfg", "--auth-proxy-url", srv.URL, "--session-key", "ada"); r.code != 0 {
		t.Fatalf("login: %q", r.errOut)
	}
	srv.SessionElsewhere("sub", "ada", time.Hour)
	if got := remoteJSON(t, c, "--api-key", "default"); len(got) != 2 {
		t.Fatalf("from the parent: %+v", got)
	}
	before := c.snapshot()
	r := c.run("", false, "remote", "revoke", "--others", "--yes", "--api-key", "default")
	if r.code == 0 || !strings.Contains(r.errOut, "nothing was ended on Turnkey, and nothing changed here") || !strings.Contains(r.errOut, "parent organization") || c.snapshot() != before {
		t.Errorf("revoke from the parent: exit %d, %q", r.code, r.errOut)
	}
	if got := remoteJSON(t, c); len(got) != 2 {
		t.Errorf("after: %+v", got)
	}
}

// fieldOf is the first field of the line of out holding s.
func fieldOf(out, s string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return strings.Fields(l)[0]
		}
	}
	return ""
}
