package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// A session whose key Turnkey no longer accepts (it expired, was deleted
// from another machine, or a later login invalidated it) is logged out
// by logout --revoke, and said to be revoked already: the dead key cannot
// sign its own revocation, and need not.
func TestRevokeOfADeadSession(t *testing.T) {
	for name, kill := range map[string]func(srv *turnkeytest.Server, c *harness, pub string){
		"expired":           func(srv *turnkeytest.Server, _ *harness, _ string) { srv.Advance(16 * time.Minute) },
		"deleted elsewhere": func(srv *turnkeytest.Server, _ *harness, pub string) { srv.DeleteKey(pub) },
		"invalidated by a later login": func(_ *turnkeytest.Server, c *harness, _ string) {
			c.ok("login", "--org", "o", "--session-key", "b", "--invalidate-existing")
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv, _ := withAPI(t)
			c := newCLI(t)
			c.ok("login", "--org", "o", "--session-key", "a")
			pub := c.state().Sessions["a"].PublicKey
			kill(srv, c, pub)
			if srv.HasKey(pub) {
				t.Fatal("setup: Turnkey still accepts the key")
			}
			r := c.run("", false, "logout", "a", "--revoke")
			if r.code != ExitOK || !strings.Contains(r.out, ") no longer had a's key: it was revoked already, or expired.") || !strings.Contains(r.out, "Logged out a") {
				t.Errorf("exit %d\n%s%s", r.code, r.out, r.errOut)
			}
			if _, ok := c.state().Sessions["a"]; ok {
				t.Error("a is still stored")
			}
		})
	}
}

// With the user's long-lived API key, revocation works for any of the
// user's sessions, dead or alive, and for many at once.
func TestRevokeWithTheAPIKey(t *testing.T) {
	srv, keyFile := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	c.ok("login", "--org", "o", "--session-key", "b")
	c.ok("login", "--org", "o", "--session-key", "c")
	st := c.state()
	a, b, cc := st.Sessions["a"].PublicKey, st.Sessions["b"].PublicKey, st.Sessions["c"].PublicKey
	os.Remove(filepath.Join(store.NewFileKeys(c.home).Dir(), b+".private")) // b cannot sign for itself any more
	srv.DeleteKey(cc)                                                       // from another machine

	r := c.run("", false, "logout", "--all", "--revoke", "--yes", "--api-key-file", keyFile)
	if r.code != ExitOK || !strings.Contains(r.out, "Revoked a's key on Turnkey") || !strings.Contains(r.out, "Revoked b's key on Turnkey") ||
		!strings.Contains(r.out, "Turnkey ("+srv.URL+") no longer had c's key") || !strings.Contains(r.out, "Logged out 3 sessions") {
		t.Fatalf("exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	if srv.HasKey(a) || srv.HasKey(b) {
		t.Error("Turnkey still has a revoked key")
	}
	if len(c.state().Sessions) != 0 {
		t.Error("sessions are still stored")
	}
}

// Revoking a key pair ends every session on it: the confirmation names
// them, and they are logged out too, not left listed as valid.
func TestRevokingASharedKeyPair(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	a := c.state().Sessions["a"]
	tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: a.PublicKey, Type: session.ReadOnly,
		UserID: "u", OrganizationID: "o"}, srv.Notarizer)
	if err != nil {
		t.Fatal(err)
	}
	c.add("a-viewer", tok)
	c.ok("login", "--org", "o", "--session-key", "other")

	r := c.run("y\n", true, "logout", "a", "--revoke")
	if r.code != ExitOK || !strings.Contains(r.errOut, "Revoking a key pair ends every session on it: a-viewer share one, and are logged out too.") {
		t.Fatalf("the confirmation does not name a-viewer: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	st := c.state()
	if _, ok := st.Sessions["a-viewer"]; ok || srv.HasKey(a.PublicKey) || st.Sessions["other"] == nil {
		t.Errorf("a-viewer stored %v, key on Turnkey %v; other kept %v", ok, srv.HasKey(a.PublicKey), st.Sessions["other"] != nil)
	}
}

// Every curve Turnkey's CLI makes API keys on logs in.
func TestLoginWithEveryCurve(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	for _, curve := range []string{"p256", "secp256k1", "ed25519"} {
		_, private := srv.NewAPIKeyFile("o", "u", curve)
		file := filepath.Join(t.TempDir(), curve+".private")
		os.WriteFile(file, []byte(private+"\n"), 0o600)
		if r := c.run("", false, "login", "--org", "o", "--session-key", curve, "--api-key-file", file); r.code != ExitOK {
			t.Errorf("%s: exit %d %s", curve, r.code, r.errOut)
		}
	}
	if n := len(c.state().Sessions); n != 3 {
		t.Errorf("%d sessions, want 3", n)
	}
}

// A session goes back to the API it was logged in with; naming another
// is refused unless forced.
func TestASessionKeepsItsServer(t *testing.T) {
	first, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	if got := c.state().Sessions["a"].APIBaseURL; got != first.URL {
		t.Fatalf("recorded API %q, want %q", got, first.URL)
	}
	second := turnkeytest.New()
	t.Cleanup(second.Close)
	t.Setenv("TURNKEY_API_BASE_URL", "")
	c.ok("refresh", "a") // without a flag: to the first API, not to production
	if n := strings.Count(strings.Join(first.Requests(), " "), "stamp_login"); n != 2 {
		t.Errorf("the first API saw %d logins, want 2", n)
	}
	r := c.run("", false, "--api-url", second.URL, "refresh", "a")
	if r.code != ExitFailure || !strings.Contains(r.errOut, "was logged in with "+first.URL) || len(second.Requests()) != 0 {
		t.Errorf("refresh to another API: exit %d %q, %d requests there", r.code, r.errOut, len(second.Requests()))
	}
	// An insecure URL is refused before anything is sent.
	r = c.run("", false, "--api-url", "http://api.example.com", "refresh", "a")
	if r.code != ExitUsage || !strings.Contains(r.errOut, "in the clear") {
		t.Errorf("http URL: exit %d %q", r.code, r.errOut)
	}
}

// Refresh changes the token and nothing else: not the active session;
// and the replaced key is deleted on Turnkey, so one key is live.
func TestRefreshChangesTheTokenOnly(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a", "--expires", "1800")
	c.ok("login", "--org", "o", "--session-key", "b")
	old := c.state().Sessions["a"]
	out := c.ok("refresh", "a")
	st := c.state()
	s := st.Sessions["a"]
	if st.Active != "b" {
		t.Errorf("refresh made %q active", st.Active)
	}
	if !strings.HasPrefix(out, "Refreshed a at "+srv.URL+": expires in 29m") && !strings.HasPrefix(out, "Refreshed a at "+srv.URL+": expires in 30m") {
		t.Errorf("refresh did not keep the session's lifetime: %q", out)
	}
	if srv.HasKey(old.PublicKey) || !srv.HasKey(s.PublicKey) {
		t.Errorf("on Turnkey: old key %v, new key %v; want only the new one", srv.HasKey(old.PublicKey), srv.HasKey(s.PublicKey))
	}
	// A dead session is said to be dead, with the way out.
	srv.DeleteKey(s.PublicKey)
	r := c.run("", false, "refresh", "a")
	if r.code != ExitFailure || !strings.Contains(r.errOut, "expired, or was revoked there") || !strings.Contains(r.errOut, "tkauth login") {
		t.Errorf("refresh of a dead session: exit %d %q", r.code, r.errOut)
	}
}

// Activities that need approval, or were rejected, are said in words.
func TestActivityOutcomesInWords(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	for status, says := range map[string]string{
		"ACTIVITY_STATUS_CONSENSUS_NEEDED": "needs the approval of other members of the organization",
		"ACTIVITY_STATUS_REJECTED":         "was rejected by the organization's approvers",
		"ACTIVITY_STATUS_FAILED":           "failed: the activity failed in the enclave",
	} {
		srv.EndNextAs(status)
		r := c.run("", false, "login", "--org", "o")
		if r.code != ExitFailure || !strings.Contains(r.errOut, says) || strings.Contains(r.errOut, status) {
			t.Errorf("%s: exit %d %q", status, r.code, r.errOut)
		}
	}
	if len(c.state().KeyPairs) != 0 {
		t.Error("a failed login left a key pair")
	}
}

// status says whether a session is usable, and --check asks Turnkey.
func TestStatus(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	if r := c.run("", false, "status"); r.code != ExitNotFound || !strings.Contains(r.errOut, "no active session") {
		t.Errorf("no session: exit %d %q", r.code, r.errOut)
	}
	c.ok("login", "--org", "o", "--session-key", "a")
	c.ok("login", "--org", "o", "--session-key", "b")
	if out := c.ok("status"); !strings.HasPrefix(out, "b (active): usable\n") || !strings.Contains(out, "Turnkey: not asked") {
		t.Errorf("status: %q", out)
	}
	if out := c.ok("status", "a", "--check"); !strings.HasPrefix(out, "a: usable\n") || !strings.Contains(out, "Turnkey ("+os.Getenv(APIEnv)+") accepts a.") {
		t.Errorf("status --check: %q", out)
	}
	srv.DeleteKey(c.state().Sessions["a"].PublicKey)
	r := c.run("", false, "status", "a", "--check", "--json")
	var j jsonSession
	if err := json.Unmarshal([]byte(r.out), &j); err != nil {
		t.Fatal(err)
	}
	if r.code != ExitFailure || j.Server != "rejected" || j.Usable == nil || *j.Usable || !strings.Contains(j.ServerReason, "could not find public key") {
		t.Errorf("a revoked session: exit %d, %+v", r.code, j)
	}
	r = c.run("", false, "status", "a", "--check")
	if n := strings.Count(r.out, "could not find public key"); n != 1 || !strings.Contains(r.out, "rejected (why: above)") || !strings.Contains(r.out, "  next: `tkauth login` makes a new session") {
		t.Errorf("a revoked session says why %d times, or no next step:\n%s", n, r.out)
	}
	srv.Close() // unreachable: says nothing of the session
	if r := c.run("", false, "status", "b", "--check"); r.code != ExitOK || !strings.Contains(r.out, "Turnkey could not be asked about b: ") {
		t.Errorf("unreachable: exit %d %q", r.code, r.out)
	}

	// list --check asks about every session.
	srv2, _ := withAPI(t)
	c2 := newCLI(t)
	c2.ok("login", "--org", "o", "--session-key", "x")
	c2.ok("login", "--org", "o", "--session-key", "y")
	srv2.ExpireKey(c2.state().Sessions["y"].PublicKey)
	var list []jsonSession
	json.Unmarshal([]byte(c2.ok("list", "--check", "--json")), &list)
	if len(list) != 2 || list[0].Server != "valid" || list[1].Server != "rejected" {
		t.Errorf("list --check: %+v", list)
	}
	if out := c2.ok("list", "--check"); !strings.Contains(out, "turnkey rejected") {
		t.Errorf("plain list --check: %q", out)
	}
}
