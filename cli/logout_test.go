package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

func TestLogout(t *testing.T) {
	c := newCLI(t)
	shared, own, old := c.keyPair(), c.keyPair(), c.keyPair()
	c.add("s1", token(t, shared, time.Hour))
	c.add("s2", token(t, shared, time.Hour))
	c.add("old", token(t, old, -time.Hour))
	c.add("own", token(t, own, time.Hour))

	// A terminal asks first, in the TUI's words (text.LogoutQuestion);
	// no keeps everything.
	r := c.run("n\n", true, "logout", "s1")
	if r.code != ExitFailure || len(c.state().Sessions) != 4 {
		t.Errorf("declined: %d %q", r.code, r.errOut)
	}
	for _, want := range []string{"Removes the session s1 (expires in ", "Key pair kept: used by s2.",
		"Logging out is not revoking: Turnkey accepts its token until it expires in ", "Log out s1? [y/N]"} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("the question does not say %q:\n%s", want, r.errOut)
		}
	}
	r = c.run("y\n", true, "logout", "s1")
	if r.code != 0 || r.out != "Logged out s1; 0 key pairs deleted; key pair kept: used by s2.\n" {
		t.Errorf("confirmed: %d %q %q", r.code, r.out, r.errOut)
	}
	// Without a key, the active session; then there is none.
	if out := c.ok("logout"); out != "Logged out own; 1 key pair deleted; no session is active now.\n" {
		t.Errorf("logout: %q", out)
	}
	r = c.run("", false, "logout")
	if r.code != ExitNotFound || r.errOut != "tkauth: no active session: name one (`tkauth logout KEY`), or choose one with `tkauth switch KEY`\n" {
		t.Errorf("no active: %d %q", r.code, r.errOut)
	}
	if r := c.run("", false, "logout", "zz"); r.code != ExitNotFound {
		t.Errorf("unknown key: %d", r.code)
	}
	for _, args := range [][]string{{"logout", "s2", "--all"}, {"logout", "--all", "--expired"}, {"logout", "a", "b"}} {
		if r := c.run("", false, args...); r.code != ExitUsage {
			t.Errorf("%v: %d", args, r.code)
		}
	}
	if out := c.ok("logout", "--expired"); out != "Logged out old; 1 key pair deleted.\n" {
		t.Errorf("--expired: %q", out)
	}
	if out := c.ok("logout", "--expired"); out != "No expired sessions.\n" {
		t.Errorf("--expired again: %q", out)
	}
	// --all needs --yes without a terminal.
	r = c.run("", false, "logout", "--all")
	if r.code != ExitUsage || !strings.Contains(r.errOut, "--yes") || len(c.state().Sessions) != 1 {
		t.Errorf("--all without --yes: %d %q", r.code, r.errOut)
	}
	if out := c.ok("logout", "--all", "--yes"); out != "Logged out s2; 1 key pair deleted.\n" {
		t.Errorf("--all --yes: %q", out)
	}
	st := c.state()
	if len(st.Sessions) != 0 || len(st.KeyPairs) != 0 {
		t.Errorf("left %d sessions, %d key pairs", len(st.Sessions), len(st.KeyPairs))
	}
	c.noSecrets()
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
	if r.code != ExitFailure || !strings.Contains(r.errOut, "was not logged out here either") || c.state().Sessions["b"] == nil {
		t.Errorf("failed revoke: exit %d %q", r.code, r.errOut)
	}
	srv.FailNext(400)
	r = c.run("", false, "logout", "--revoke", "--force")
	if r.code != 0 || !strings.Contains(r.errOut, "logging out here anyway") || c.state().Sessions["b"] != nil || !srv.HasKey(b) {
		t.Errorf("--force: exit %d %q", r.code, r.errOut)
	}
	for _, args := range [][]string{{"logout", "a", "--force"}, {"logout", "a", "--api-key", "x"}} {
		if r := c.run("", false, args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d", args, r.code)
		}
	}
	c.noSecrets()
}

// What logout prints is what is on disk when its last step cannot be
// written: logged out and deleted, with a warning; or, when a session
// could not be put back, logged out, its key pair left for a prune.
func TestLogoutSaysWhatIsOnDisk(t *testing.T) {
	run := func(c *harness, n int, keys session.KeyStore) result {
		var out, errOut bytes.Buffer
		file := store.NewFile(c.home)
		ro := &fixture.ReadOnlyAfter{Store: file, N: n}
		opts := &LogoutOptions{IO: &IOStreams{Out: &out, ErrOut: &errOut}, Key: "a", Yes: true,
			Open: func(context.Context) (*Env, error) {
				return &Env{Manager: session.NewManager(ro, keys), Store: file, KeyStore: keys.Name()}, nil
			}}
		err := logoutRun(context.Background(), opts)
		code := ExitOK
		if err != nil {
			fmt.Fprintf(&errOut, "tkauth: %v\n", err)
			code = exitCode(err)
		}
		return result{code, out.String(), errOut.String()}
	}

	c := newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour))
	r := run(c, 1, store.NewFileKeys(c.home))
	if r.code != ExitOK || r.out != "Logged out a; 1 key pair deleted; no session is active now.\n" || !strings.Contains(r.errOut, "warning: the store could not record the last step") {
		t.Errorf("last step unrecorded: exit %d, %q, %q", r.code, r.out, r.errOut)
	}

	c = newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour))
	r = run(c, 1, lockedKeys{store.NewFileKeys(c.home)})
	if r.code != ExitFailure || !strings.Contains(r.out, "Logged out a; 0 key pairs deleted; 1 key pair not yet deleted") ||
		!strings.Contains(r.errOut, "they stay logged out") || strings.Contains(r.errOut, "was not logged out") {
		t.Errorf("session not put back: exit %d, %q, %q", r.code, r.out, r.errOut)
	}
	if _, ok := c.state().Sessions["a"]; ok {
		t.Error("a is stored, but logout said it was logged out")
	}
}

// lockedKeys is a file key store whose deletes a locked keyring refuses.
type lockedKeys struct{ *store.FileKeys }

func (lockedKeys) Delete(context.Context, string) error { return store.ErrKeyringLocked }

// A cleanup script's `logout --all --yes` with nothing stored has nothing
// to do, and exits 0.
func TestLogoutAllOfNothing(t *testing.T) {
	c := newCLI(t)
	if r := c.run("", false, "logout", "--all", "--yes"); r.code != 0 || r.out != "No sessions to log out.\n" {
		t.Errorf("exit %d %q %q", r.code, r.out, r.errOut)
	}
}

// With no key and no active session, logout on a terminal lets the user
// pick the session (as switch does), then asks as for any other; without a
// terminal it says how to name one.
func TestLogoutPicks(t *testing.T) {
	c := newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour))
	c.add("b", token(t, c.keyPair(), time.Hour))
	c.ok("switch", "--unset")
	if r := c.run("", false, "logout"); r.code != ExitNotFound || !strings.Contains(r.errOut, "`tkauth logout KEY`") {
		t.Errorf("logout with none active, no terminal: exit %d %q", r.code, r.errOut)
	}
	for _, pick := range []string{"", "a"} {
		var out bytes.Buffer
		var offered []string
		ios := &IOStreams{In: strings.NewReader("y\n"), Out: &out, ErrOut: &out, IsTerminal: true, StdinTerminal: true}
		f := &Factory{IO: ios, Home: c.home, Keyring: "file"}
		opts := &LogoutOptions{IO: ios, Open: f.Open, Servers: f.dialer(nil).Servers,
			Pick: func(_ context.Context, st *session.State, _ time.Time, action string) (string, error) {
				offered = append(st.Keys(), action)
				return pick, nil
			}}
		err := logoutRun(context.Background(), opts)
		if strings.Join(offered, ",") != "a,b,log out" {
			t.Errorf("the picker was offered %q", offered)
		}
		_, stored := c.state().Sessions["a"]
		switch {
		case pick == "" && (err != errDeclined || !stored):
			t.Errorf("cancelled the picker: %v, a stored %v\n%s", err, stored, out.String())
		case pick == "a" && (err != nil || stored || !strings.Contains(out.String(), "Log out a?") || !strings.Contains(out.String(), "Logged out a")):
			t.Errorf("picked a: %v, a stored %v\n%s", err, stored, out.String())
		}
	}
	if _, ok := c.state().Sessions["b"]; !ok {
		t.Error("b was logged out")
	}
}
