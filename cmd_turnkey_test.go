package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// withAPI points the commands at a fake Turnkey where user u of org o
// holds an API key, written in tkcli's format to the returned file (and
// as the tkcli key named "default").
func withAPI(t *testing.T) (*turnkeytest.Server, string) {
	t.Helper()
	srv := turnkeytest.New()
	t.Cleanup(srv.Close)
	t.Setenv("TURNKEY_API_BASE_URL", srv.URL)
	priv, pub, _ := session.NewPrivateKey()
	srv.AddAPIKey("o", "u", pub)
	hex, _ := session.EncodePrivateKey(priv)
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	dir := filepath.Join(cfg, "turnkey", "keys")
	os.MkdirAll(dir, 0o700)
	file := filepath.Join(dir, "default.private")
	os.WriteFile(file, []byte(hex+":p256\n"), 0o600)
	return srv, file
}

func TestLoginCommand(t *testing.T) {
	srv, keyFile := withAPI(t)
	c := newCLI(t)
	for _, args := range [][]string{
		{"login", "--org", "o", "--session-key", "work", "--expires", "600"},
		{"login", "--org", "o", "--session-key", "ci", "--api-key-file", keyFile},
	} {
		out := c.ok(args...)
		key := args[4]
		if !strings.HasPrefix(out, "Logged in to organization o as user u: session "+key+" (now active), read-write, expires in ") {
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
		{[]string{"login", "--org", "elsewhere"}, exitFailure, "check the organization ID"},
		{[]string{"login"}, exitUsage, "--org is required"},
		{[]string{"login", "--org", "o", "--api-key", "nope"}, exitFailure, "no API key at"},
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

func TestRefreshCommand(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	old := c.state().Sessions["work"]
	if out := c.ok("refresh", "--expires", "1200"); !strings.HasPrefix(out, "Refreshed work (now active): expires in 19m") && !strings.HasPrefix(out, "Refreshed work (now active): expires in 20m") {
		t.Errorf("refresh: %q", out)
	}
	s := c.state().Sessions["work"]
	if s.PublicKey == old.PublicKey || s.Token == old.Token {
		t.Error("refresh kept the old key pair or token")
	}
	if has, _ := c.keysHave(old.PublicKey); has {
		t.Error("the old key pair is still in the key store")
	}

	before := c.snapshot()
	srv.FailNext(400)
	r := c.run("", false, "refresh", "work")
	if r.code != exitFailure || !strings.Contains(r.errOut, "the session is as it was") || c.snapshot() != before {
		t.Errorf("failed refresh: exit %d %q, store changed %v", r.code, r.errOut, c.snapshot() != before)
	}
	c.ok("logout")
	if r := c.run("", false, "refresh"); r.code != exitNotFound {
		t.Errorf("refresh with none active: exit %d", r.code)
	}
}

func TestLogoutRevoke(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	c.ok("login", "--org", "o", "--session-key", "b")
	a, b := c.state().Sessions["a"].PublicKey, c.state().Sessions["b"].PublicKey

	out := c.ok("logout", "a", "--revoke")
	if !strings.Contains(out, "Revoked a's key on Turnkey") || !strings.Contains(out, "Logged out a") || srv.HasKey(a) {
		t.Errorf("logout --revoke: %q; Turnkey still has the key: %v", out, srv.HasKey(a))
	}

	// Revocation fails: nothing happens here either, unless --force.
	srv.FailNext(400)
	r := c.run("", false, "logout", "--revoke")
	if r.code != exitFailure || !strings.Contains(r.errOut, "was not logged out here either") || c.state().Sessions["b"] == nil {
		t.Errorf("failed revoke: exit %d %q", r.code, r.errOut)
	}
	srv.FailNext(400)
	r = c.run("", false, "logout", "--revoke", "--force")
	if r.code != 0 || !strings.Contains(r.errOut, "logging out here anyway") || c.state().Sessions["b"] != nil || !srv.HasKey(b) {
		t.Errorf("--force: exit %d %q", r.code, r.errOut)
	}
	for _, args := range [][]string{{"logout", "--all", "--revoke"}, {"logout", "a", "--force"}} {
		if r := c.run("", false, args...); r.code != exitUsage {
			t.Errorf("%v: exit %d", args, r.code)
		}
	}
	c.noSecrets()
}
