package cli

import (
	"strings"
	"testing"
)

// A session whose scope forbids STAMP_LOGIN (and the queries) cannot
// refresh, check or revoke itself: each says Turnkey refused it by a
// policy or the session's scope, never bad credentials, and offers the
// long-lived key, with which each works and the profile is kept.
func TestScopedSessionSignsWithTheAPIKey(t *testing.T) {
	srv, keyFile := withAPI(t)
	srv.AddScopedProfile("prof-sign", "signer", "activity.action == 'SIGN'")
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "s", "--session-profile", "prof-sign")
	old := c.state().Sessions["s"]
	if old.Scope != "activity.action == 'SIGN'" || old.SessionProfileID != "prof-sign" {
		t.Fatalf("stored scope %q profile %q", old.Scope, old.SessionProfileID)
	}
	if out := c.ok("show", "s"); !strings.Contains(out, "activity.action == 'SIGN'") {
		t.Errorf("show does not say the scope:\n%s", out)
	}
	if j := c.listJSON(); len(j) != 1 || j[0].Scope != "activity.action == 'SIGN'" {
		t.Errorf("list --json: %+v", j)
	}

	before := c.snapshot()
	r := c.run("", false, "refresh", "s")
	if r.code == ExitOK || !strings.Contains(r.errOut, "Turnkey refused stamp_login") || !strings.Contains(r.errOut, "scope") ||
		!strings.Contains(r.errOut, "--api-key") || strings.Contains(r.errOut, "registered") || strings.Contains(r.errOut, "did not accept the key") {
		t.Fatalf("refresh by the scoped session: exit %d\n%s", r.code, r.errOut)
	}
	if c.snapshot() != before {
		t.Error("the failed refresh changed the store")
	}
	r = c.run("", false, "status", "s", "--check")
	if !strings.Contains(r.out, "cannot be checked here") || !strings.Contains(r.out, "Turnkey refused whoami") {
		t.Errorf("status --check by the scoped session: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	if out := c.ok("status", "s", "--check", "--api-key-file", keyFile); !strings.Contains(out, "accepts s") {
		t.Errorf("status --check --api-key-file:\n%s", out)
	}

	c.ok("refresh", "s", "--api-key-file", keyFile)
	s := c.state().Sessions["s"]
	if s.Token == old.Token || s.SessionProfileID != "prof-sign" || s.Type != old.Type || s.Scope != old.Scope {
		t.Errorf("refreshed: profile %q type %q scope %q", s.SessionProfileID, s.Type, s.Scope)
	}
	if srv.HasKey(old.PublicKey) || !srv.HasKey(s.PublicKey) {
		t.Error("the old key is still live on Turnkey, or the new one is not")
	}

	r = c.run("", false, "remote", "s")
	if r.code == ExitOK || !strings.Contains(r.errOut, "Turnkey refused get_api_keys") || !strings.Contains(r.errOut, "--api-key") {
		t.Errorf("remote by the scoped session: exit %d\n%s", r.code, r.errOut)
	}
	c.ok("remote", "s", "--api-key-file", keyFile)
	c.ok("logout", "s", "--revoke", "--yes", "--api-key-file", keyFile)
	if srv.HasKey(s.PublicKey) {
		t.Error("logout --revoke left the session's key live")
	}
}

// A policy that denies the long-lived key is said as a refusal, not as
// bad credentials, and offers no other key.
func TestPolicyDenialInWords(t *testing.T) {
	srv, _ := withAPI(t)
	srv.Deny("u", "ACTIVITY_TYPE_STAMP_LOGIN")
	c := newCLI(t)
	r := c.run("", false, "login", "--org", "o", "--session-key", "s")
	if r.code == ExitOK || !strings.Contains(r.errOut, "Turnkey refused stamp_login: a policy of the organization") ||
		strings.Contains(r.errOut, "registered") || strings.Contains(r.errOut, "--api-key NAME or") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if len(c.state().Sessions) != 0 {
		t.Error("a session was stored")
	}
}
