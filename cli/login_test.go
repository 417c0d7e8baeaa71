package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

func TestLoginCommand(t *testing.T) {
	srv, keyFile := withAPI(t)
	c := newCLI(t)
	for _, args := range [][]string{
		{"login", "--org", "o", "--session-key", "work", "--expires", "600"},
		{"login", "--org", "o", "--session-key", "ci", "--api-key-file", keyFile},
	} {
		out := c.ok(args...)
		key := args[4]
		if !strings.HasPrefix(out, "Logged in to organization org o (o) at "+os.Getenv(APIEnv)+" as user user u (u): session "+key+" (now active), read-write, expires in ") {
			t.Errorf("%v: %q", args, out)
		}
		st := c.state()
		s := st.Sessions[key]
		if s == nil || st.Active != key || !srv.HasKey(s.PublicKey) {
			t.Fatalf("%v: not stored, active and known to Turnkey", args)
		}
		if has, _ := c.keysHave(s.PublicKey); !has {
			t.Errorf("%v: key pair not in the key store", args)
		}
	}

	before := c.snapshot()
	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"login", "--org", "elsewhere"}, ExitFailure, "check the organization ID"},
		{[]string{"login"}, ExitUsage, "login needs, when no one is at a terminal to be asked: --org ORG"},
		{[]string{"login", "--org", "o", "--api-key", "nope"}, ExitFailure, "no API key at"},
	} {
		r := c.run("", false, tt.args...)
		if r.code != tt.code || !strings.Contains(r.errOut, tt.says) {
			t.Errorf("%v: exit %d, %q; want %d saying %q", tt.args, r.code, r.errOut, tt.code, tt.says)
		}
		if c.snapshot() != before {
			t.Errorf("%v: a failed login changed the store", tt.args)
		}
	}
	c.noSecrets()
}

// Two logins to two organizations without --session-key leave two
// sessions, named for their organization and user, which every view
// shows; a login that would replace a live session of another
// organization or user asks on a terminal and refuses without one.
func TestLoginsToTwoOrganizations(t *testing.T) {
	srv, keyFile := withAPI(t) // organization o, user u
	priv, pub, _ := session.NewPrivateKey()
	srv.AddAPIKey("p", "v", pub)
	hex, _ := session.EncodePrivateKey(priv)
	otherKey := filepath.Join(t.TempDir(), "p.private")
	os.WriteFile(otherKey, []byte(hex), 0o600)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--api-key-file", keyFile)
	c.ok("login", "--org", "p", "--api-key-file", otherKey)
	st := c.state()
	if len(st.Sessions) != 2 || st.Sessions["org-o/user-u"] == nil || st.Sessions["org-p/user-v"] == nil || st.Active != "org-p/user-v" {
		t.Fatalf("sessions %q, active %q", st.Keys(), st.Active)
	}
	if s := st.Sessions["org-o/user-u"]; s.OrganizationName != "org o" || s.Username != "user u" {
		t.Errorf("names not kept: %+v", s)
	}
	if out := c.ok("list"); !strings.Contains(out, "user user u  org org o") || !strings.Contains(out, "user user v  org org p") {
		t.Errorf("list:\n%s", out)
	}
	if out := c.ok("status", "org-o/user-u"); !strings.Contains(out, "user user u (u), organization org o (o)") {
		t.Errorf("status:\n%s", out)
	}
	if list := c.listJSON(); list[0].OrganizationName != "org o" || list[0].Username != "user u" || list[0].OrganizationID != "o" {
		t.Errorf("--json: %+v", list[0])
	}
	if out := c.ok("current", "--format", "{{.OrganizationName}} / {{.Username}}"); out != "org p / user v\n" {
		t.Errorf("current --format: %q", out)
	}

	// Under a key holding a live session of another organization: asked
	// on a terminal, refused without one; nothing changes unless yes.
	r := c.run("", false, "login", "--org", "p", "--api-key-file", otherKey, "--session-key", "org-o/user-u")
	if r.code == 0 || !strings.Contains(r.errOut, "holds a live session of user \"user u\" in organization \"org o\"") {
		t.Errorf("replacing without a terminal: exit %d %q", r.code, r.errOut)
	}
	r = c.run("n\n", true, "login", "--org", "p", "--api-key-file", otherKey, "--session-key", "org-o/user-u")
	if r.code == 0 || !strings.Contains(r.errOut, "Replace it all the same? [y/N]") || c.state().Sessions["org-o/user-u"].OrganizationID != "o" {
		t.Errorf("replacing, answered no: exit %d %q", r.code, r.errOut)
	}
	r = c.run("y\n", true, "login", "--org", "p", "--api-key-file", otherKey, "--session-key", "org-o/user-u")
	if r.code != 0 || c.state().Sessions["org-o/user-u"].OrganizationID != "p" {
		t.Errorf("replacing, answered yes: exit %d %q", r.code, r.errOut)
	}
}

// --invalidate-existing says which stored sessions it ended on Turnkey:
// here they still look live.
func TestInvalidateExistingSaysWhatItEnded(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "first")
	first := c.state().Sessions["first"].PublicKey
	r := c.run("", false, "login", "--org", "o", "--session-key", "second", "--invalidate-existing")
	if r.code != 0 || !strings.Contains(r.errOut, "--invalidate-existing ended on Turnkey your other sessions stored here: first;") {
		t.Errorf("exit %d %q", r.code, r.errOut)
	}
	if srv.HasKey(first) {
		t.Error("setup: Turnkey still has the first session's key")
	}
}

// A login that replaces a live session of the same user ends the replaced
// session's key on Turnkey, as refresh ends its old key; where it cannot,
// it says which key stays live there, and until when.
func TestLoginEndsTheSessionItReplaces(t *testing.T) {
	srv, keyFile := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o")
	key := c.state().Active
	old := c.state().Sessions[key].PublicKey

	out := c.ok("login", "--org", "o")
	if c.state().Active != key || c.state().Sessions[key].PublicKey == old {
		t.Fatalf("the second login did not replace %s", key)
	}
	if srv.HasKey(old) || !strings.Contains(out, "Ended on Turnkey the replaced session's key "+session.Short(old)) {
		t.Errorf("the replaced key is live on Turnkey %v; login said %q", srv.HasKey(old), out)
	}

	// Replaced from another API, the key cannot be ended: said, with when
	// it dies on its own.
	other := turnkeytest.New()
	t.Cleanup(other.Close)
	longPub, _ := loadFile(t, keyFile)
	live := c.state().Sessions[key].PublicKey
	other.AddAPIKey("o", "u", longPub)
	r := c.run("", false, "login", "--org", "o", "--api-url", other.URL)
	if r.code != 0 || c.state().Sessions[key].PublicKey == live {
		t.Fatalf("login at another API: exit %d %s", r.code, r.errOut)
	}
	if !srv.HasKey(live) || !strings.Contains(r.errOut, "the replaced session's key "+session.Short(live)+" stays live on Turnkey until ") ||
		!strings.Contains(r.errOut, "(expires in ") || !strings.Contains(r.errOut, "another Turnkey API") {
		t.Errorf("a key left live on Turnkey: %q (live there: %v)", r.errOut, srv.HasKey(live))
	}
}

// login with no flags on a terminal asks what it needs: the method, then
// the organization (offering those stored) or the address and Auth Proxy
// configuration, then the code; off a terminal it says which flags.
func TestLoginAsksOnATerminal(t *testing.T) {
	srv := withCodeLogin(t) // organization o's API key; its Auth Proxy "cfg"
	c := newCLI(t)
	r := c.run("4\no\n", true, "login")
	if r.code != 0 || !strings.Contains(r.errOut, "How do you log in?") || !strings.Contains(r.errOut, "Organization ID: ") || c.state().Active != "org-o/user-u" {
		t.Fatalf("login by API key, asked: exit %d %q %q", r.code, r.out, r.errOut)
	}
	// The organization stored is offered.
	r = c.run("4\n1\n", true, "login")
	if r.code != 0 || !strings.Contains(r.errOut, "1) org o (o)") || !strings.Contains(r.errOut, "2) another organization") {
		t.Errorf("login offering the organizations stored: exit %d %q", r.code, r.errOut)
	}
	r = c.run("1\n"+turnkeytest.SandboxEmail+"\ncfg\n"+turnkeytest.SandboxCode+"\n", true, "login", "--auth-proxy-url", srv.URL)
	if r.code != 0 || !strings.Contains(r.errOut, "Email address: ") || !strings.Contains(r.errOut, "Auth Proxy configuration ID") || c.state().Sessions["ada-s-wallet/ada"] == nil {
		t.Errorf("login by email, asked: exit %d %q %q %v", r.code, r.out, r.errOut, c.state().Keys())
	}
	if r := c.run("", false, "login"); r.code != ExitUsage || !strings.Contains(r.errOut, "--org ORG") || !strings.Contains(r.errOut, "--email ADDRESS, --sms NUMBER or --whatsapp NUMBER with --auth-proxy ID") {
		t.Errorf("login with no flags off a terminal: exit %d %q", r.code, r.errOut)
	}
}

// A code login that stores a session remembers its Auth Proxy
// configuration and URL; login with no flags on a terminal offers them,
// most recently used first, escaped, beside "another configuration".
func TestLoginOffersAuthProxiesUsedBefore(t *testing.T) {
	srv := withCodeLogin(t)
	c := newCLI(t)
	ask := func(stdin string) result { return c.run(stdin, true, "login") }
	// Nothing remembered: the ID is asked as a line.
	if r := c.run(turnkeytest.SandboxCode+"\n", true, "login", "--email", turnkeytest.SandboxEmail, "--auth-proxy", "cfg", "--auth-proxy-url", srv.URL); r.code != 0 {
		t.Fatalf("code login: exit %d %q", r.code, r.errOut)
	}
	if got := c.state().AuthProxies; len(got) != 1 || got[0].ID != "cfg" || got[0].URL != srv.URL || got[0].UsedAt.IsZero() {
		t.Fatalf("remembered %+v", got)
	}
	// Offered: chosen by number, the URL comes with it (no flag given).
	r := ask("1\n" + turnkeytest.SandboxEmail + "\n1\n" + turnkeytest.SandboxCode + "\n")
	if r.code != 0 || !strings.Contains(r.errOut, "Which Auth Proxy configuration?") || !strings.Contains(r.errOut, "1) cfg at "+srv.URL) ||
		!strings.Contains(r.errOut, "2) another configuration") || strings.Contains(r.errOut, "Auth Proxy configuration ID") {
		t.Fatalf("login offering the configuration used: exit %d %q", r.code, r.errOut)
	}
	// A failed login remembers nothing; a parent organization's key goes
	// around the Auth Proxy, and remembers nothing either.
	before := c.state().AuthProxies
	c.run("999999\n", false, "login", "--email", turnkeytest.SandboxEmail, "--auth-proxy", "other", "--auth-proxy-url", srv.URL)
	if r := c.run(turnkeytest.SandboxCode+"\n", false, "login", "--email", turnkeytest.SandboxEmail, "--org", "o"); r.code != 0 {
		t.Fatalf("login from the parent's key: exit %d %q", r.code, r.errOut)
	}
	if got := c.state().AuthProxies; len(got) != 1 || got[0] != before[0] {
		t.Errorf("after a failed login and a parent's: %+v", got)
	}
	// Untrusted text is escaped; "another configuration" asks for an ID.
	if err := store.NewFile(c.home).Update(context.Background(), func(st *session.State, commit session.Commit) error {
		st.AuthProxies = append([]session.AuthProxyConfig{{ID: "evil\x1b]0;owned\a\u202e", URL: "https://x.example\x1b[2J", UsedAt: t0}}, st.AuthProxies...)
		return commit()
	}); err != nil {
		t.Fatal(err)
	}
	r = ask("1\n" + turnkeytest.SandboxEmail + "\n3\ncfg\n" + turnkeytest.SandboxCode + "\n")
	if strings.ContainsAny(r.errOut, "\x1b\a\u202e") || !strings.Contains(r.errOut, "3) another configuration") || !strings.Contains(r.errOut, "Auth Proxy configuration ID") {
		t.Errorf("escaping, or another configuration: exit %d %q", r.code, r.errOut)
	}
}

// Where the new session cannot end the replaced key (its scope allows
// only signing: Turnkey refuses it delete_api_keys, code 7), the login
// ends it with the long-lived API key it used.
func TestLoginEndsTheReplacedKeyWithTheLongLivedKey(t *testing.T) {
	srv, _ := withAPI(t)
	srv.AddScopedProfile("prof-sign", "signer", "activity.action == 'SIGN'")
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "s")
	old := c.state().Sessions["s"].PublicKey
	out := c.ok("login", "--org", "o", "--session-key", "s", "--session-profile", "prof-sign")
	s := c.state().Sessions["s"]
	if s.PublicKey == old || s.SessionProfileID != "prof-sign" {
		t.Fatalf("the scoped login did not replace s: %+v", s)
	}
	if srv.HasKey(old) || !strings.Contains(out, "Ended on Turnkey the replaced session's key "+session.Short(old)) {
		t.Errorf("the replaced key is live on Turnkey %v; login said %q", srv.HasKey(old), out)
	}
	if !srv.HasKey(s.PublicKey) {
		t.Error("the new session's key is gone from Turnkey")
	}
}
