package e2e

import (
	"context"
	"encoding/hex"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// TestTUIEndToEnd drives the real binary in tmux: log out the selected
// session, and see it gone from the screen, the store and the keyring;
// then change the store from this process, and see the screen follow.
func TestTUIEndToEnd(t *testing.T) {
	needTmux(t)
	ctx := context.Background()
	dir, m, keys, service := demoStore(t)
	before, err := m.Get(ctx, "acme/admin")
	if err != nil {
		t.Fatal(err)
	}
	if has, err := keys.Has(ctx, before.PublicKey); !has || err != nil {
		t.Fatalf("setup: key pair not in the %s key store: %v", keys.Name(), err)
	}

	x := tuiInTmux(t, dir, keys.Name(), service, 110, 32)

	x.waitFor("initech/dev")
	x.waitFor("present")
	x.run("send-keys", "-t", "tk", "d") // the cursor starts on the active session
	x.waitFor("Log out acme/admin?")
	x.run("send-keys", "-t", "tk", "y")
	x.waitFor("Logged out acme/admin")
	// acme/admin leaves the table and the other sessions stay, on one
	// screen (a capture can catch the table half redrawn).
	x.waitScreen("acme/admin to leave the table, acme/viewer to stay", 5*time.Second, func(s string) bool {
		return !listed("acme/admin").MatchString(s) && listed("acme/viewer").MatchString(s)
	})

	st, err := store.NewFile(dir).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Sessions["acme/admin"]; ok {
		t.Error("acme/admin is still in the store file")
	}
	if _, ok := st.KeyPairs[before.PublicKey]; ok {
		t.Error("its key pair is still in tkauth's index")
	}
	if keys.Name() == store.KeyringSystem {
		out, err := exec.Command("secret-tool", "search", "--all", "service", service, "username", before.PublicKey).Output()
		if err != nil || strings.Contains(string(out), "[/") {
			t.Errorf("secret-tool still finds the key pair (%v):\n%d bytes", err, len(out))
		}
	} else if has, _ := keys.Has(ctx, before.PublicKey); has {
		t.Error("the key pair's file is still there")
	}

	// Another process changes the store: the screen follows by itself.
	if !listed("globex/ci").MatchString(x.screen()) {
		t.Fatal("setup: globex/ci not shown")
	}
	if _, err := m.Logout(ctx, "globex/ci"); err != nil {
		t.Fatal(err)
	}
	x.waitScreen("the screen to drop globex/ci after another process logged it out", 3*time.Second,
		func(s string) bool { return !listed("globex/ci").MatchString(s) && strings.Contains(s, "4 sessions") })

	x.run("send-keys", "-t", "tk", "q")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if exec.Command("tmux", "-S", x.sock, "has-session", "-t", "tk").Run() != nil {
			break // q quit tkauth, which ended the session
		}
		if time.Now().After(deadline) {
			t.Fatalf("tkauth did not quit on q; the screen shows:\n%s", x.screen())
		}
	}
}

// TestTUILogoutAllAt80x24 logs out 40 sessions in an 80x24 tmux: the
// dialog shows its question, its confirm line and its input whole, scrolls
// to the end of what it deletes, and the store and key store end empty.
func TestTUILogoutAllAt80x24(t *testing.T) {
	needTmux(t)
	ctx := context.Background()
	dir := t.TempDir()
	keys, service := e2eKeyStore(t, dir)
	if err := fixture.Store(ctx, dir, keys, 40, time.Now()); err != nil {
		t.Fatal(err)
	}
	st, err := store.NewFile(dir).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}

	x := tuiInTmux(t, dir, keys.Name(), service, 80, 24)

	x.waitFor("40 sessions")
	x.run("send-keys", "-t", "tk", "D")
	// The whole dialog, head, scrolling body and foot, on one screen (or
	// waitForAll fails, showing the last).
	x.waitForAll("Log out all 40 sessions?", "Removes from this machine:", "lines", "Type yes and press enter to log out", "│  >", "╰──", "esc cancel")
	x.run("send-keys", "-t", "tk", "End")
	// Scrolled to the end, it keeps its head and foot.
	x.waitForAll("Logging out is not revoking", "Log out all 40 sessions?", fixture.Target, "│  >")
	x.run("send-keys", "-t", "tk", "yes", "Enter")
	x.waitFor("Logged out 40 sessions")
	x.waitFor("No sessions yet.")

	after, err := store.NewFile(dir).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Sessions) != 0 {
		t.Errorf("%d sessions left in the store", len(after.Sessions))
	}
	for _, s := range st.Sessions {
		if has, _ := keys.Has(ctx, s.PublicKey); has {
			t.Errorf("the key pair of %s is still in the %s key store", s.Key, keys.Name())
		}
	}
}

// needTmux skips a test that drives the binary in tmux when tmux is not
// there (unless tests are required to run), or with -short.
func needTmux(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		skipUnlessRequired(t, "tmux is not installed; .ci/run installs it")
	}
}

// demoStore is a store of the demo's sessions, its key pairs in the key
// store the tests use (e2eKeyStore), and a manager of both.
func demoStore(t *testing.T) (dir string, m *session.Manager, keys session.KeyStore, service string) {
	t.Helper()
	dir = t.TempDir()
	keys, service = e2eKeyStore(t, dir)
	m = session.NewManager(store.NewFile(dir), keys)
	if err := fixture.SeedDemo(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return dir, m, keys, service
}

// tuiInTmux starts the TUI over the store in dir in a w x h tmux window,
// with env (NAME=value) set too.
func tuiInTmux(t *testing.T, dir, keyStore, service string, w, h int, env ...string) tmux {
	t.Helper()
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	var more string
	for _, e := range env {
		more += fmt.Sprintf(" %q", e)
	}
	cmd := fmt.Sprintf("env TKAUTH_HOME=%q TKAUTH_KEYRING=%s TKAUTH_KEYRING_SERVICE=%s%s %q",
		dir, keyStore, service, more, buildTkauth(t))
	x.run("new-session", "-d", "-s", "tk", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd)
	t.Cleanup(x.kill)
	return x
}

// TestTUITokenAskedAtOnce asks for the active session's token as soon as
// the first frame shows: the token view comes, with the whole token.
func TestTUITokenAskedAtOnce(t *testing.T) {
	needTmux(t)
	dir, m, keys, service := demoStore(t)
	active, err := m.Get(context.Background(), "acme/admin")
	if err != nil {
		t.Fatal(err)
	}
	x := tuiInTmux(t, dir, keys.Name(), service, 110, 32)
	x.waitFor("initech/dev")
	x.run("send-keys", "-t", "tk", "t")
	head := fmt.Sprintf("Token of acme/admin (%d characters)", len(active.Token))
	x.waitScreen(head+" and the token", 10*time.Second, func(s string) bool {
		return strings.Contains(s, head) && strings.Contains(strings.ReplaceAll(s, "\n", ""), active.Token[:40])
	})
}

// tkauth demo --api runs a stand-in of Turnkey's API: in the TUI, c asks
// it about a session, R refreshes one, and l logs in by the sandbox
// address's code, as against Turnkey.
func TestDemoWithAnAPI(t *testing.T) {
	needTmux(t)
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", "tk", "-x", "120", "-y", "40", fmt.Sprintf("%q demo --api", buildTkauth(t)))
	t.Cleanup(x.kill)
	x.waitForAll("acme/admin", "present", "stand-in Turnkey API at http://127.0.0.1:")
	x.run("send-keys", "-t", "tk", "c")
	x.waitFor("accepts acme/admin.")
	x.run("send-keys", "-t", "tk", "R")
	x.waitFor("Refreshed acme/admin at http://127.0.0.1:")
	x.run("send-keys", "-t", "tk", "l")
	x.waitForAll("Email address", "demo-auth-proxy")
	x.run("send-keys", "-t", "tk", "-l", "user@example.com")
	x.run("send-keys", "-t", "tk", "Enter")
	x.waitFor("Turnkey sent a 6-character code to user@example.com")
	x.run("send-keys", "-t", "tk", "-l", "000000")
	x.run("send-keys", "-t", "tk", "Enter")
	x.waitForAll("Logged in to organization Acme app user", "acme-app-user/sandbox")
	x.run("send-keys", "-t", "tk", "q")
}

// In the TUI, l logs in by an email code through the Auth Proxy of a
// stand-in: a wrong code is said, cleared, and stores nothing; after the
// last try a new code comes by itself; the right one stores
// the session, active, its key pair in the key store (the real keyring
// under scripts/with-keyring) and its token bound to that key pair.
func TestTUILoginByCodeInTmux(t *testing.T) {
	needTmux(t)
	ctx := context.Background()
	srv := turnkeytest.New()
	t.Cleanup(srv.Close)
	srv.AddSubOrg("o", "sub", "ada", turnkeytest.SandboxEmail, "")
	srv.Name("sub", "Ada's wallet", "ada", "ada")
	srv.AddAuthProxy(turnkeytest.AuthProxyConfig{ID: "cfg", OrganizationID: "o"})
	signer, _ := srv.Notarizer.PublicKey.Bytes()
	dir, m, keys, service := demoStore(t)
	x := tuiInTmux(t, dir, keys.Name(), service, 110, 32, "TKAUTH_DANGEROUSLY_OVERRIDE_SIGNER="+hex.EncodeToString(signer),
		"TURNKEY_API_BASE_URL="+srv.URL, "TURNKEY_AUTH_PROXY_URL="+srv.URL, "TURNKEY_AUTH_PROXY_CONFIG_ID=cfg")
	x.waitFor("initech/dev")
	x.run("send-keys", "-t", "tk", "l")
	x.waitForAll("Email address", "Auth Proxy config ID", "cfg")
	x.run("send-keys", "-t", "tk", "-l", turnkeytest.SandboxEmail)
	x.run("send-keys", "-t", "tk", "Enter")
	x.waitFor("Turnkey sent a 6-character code to " + turnkeytest.SandboxEmail)
	before, err := m.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Each wrong code is cleared and the tries left said; the last try's
	// refusal gets a new code, which the right code logs in with.
	for _, says := range []string{"2 tries left", "1 try left", "That was the code's last try (of 3)"} {
		x.run("send-keys", "-t", "tk", "-l", "123456")
		x.run("send-keys", "-t", "tk", "Enter")
		x.waitFor(says)
	}
	x.waitForAll("That was the code's last try (of 3)", "Turnkey sent a 6-character code to "+turnkeytest.SandboxEmail, "Code: ······")
	if after, _ := m.State(ctx); len(after.Sessions) != len(before.Sessions) || after.Active != before.Active {
		t.Errorf("a wrong code changed the store: %v, active %s", after.Keys(), after.Active)
	}
	x.run("send-keys", "-t", "tk", "-l", turnkeytest.SandboxCode)
	x.run("send-keys", "-t", "tk", "Enter")
	x.waitForAll("Logged in to organization Ada's wallet", "test-sign")
	st, err := m.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := st.Sessions[st.Active]
	if s == nil || s.OrganizationID != "sub" || s.UserID != "ada" || !s.TestSigned || !srv.HasKey(s.PublicKey) || len(st.Sessions) != len(before.Sessions)+1 {
		t.Fatalf("stored %+v (sessions %v)", s, st.Keys())
	}
	if has, err := keys.Has(ctx, s.PublicKey); !has || err != nil {
		t.Errorf("the key pair is not in the %s key store: %v", keys.Name(), err)
	}
	x.run("send-keys", "-t", "tk", "q")
}

// logout with no session named or active lets the user pick one in the
// terminal, then asks, then logs out the one picked, and only it.
func TestLogoutPickerInTmux(t *testing.T) {
	needTmux(t)
	dir, m, keys, service := demoStore(t)
	if err := m.SetActive(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	cmd := fmt.Sprintf("env TKAUTH_HOME=%q TKAUTH_KEYRING=%s TKAUTH_KEYRING_SERVICE=%s %q logout; echo exit $?; sleep 60",
		dir, keys.Name(), service, buildTkauth(t))
	x.run("new-session", "-d", "-s", "tk", "-x", "80", "-y", "24", cmd)
	t.Cleanup(x.kill)
	x.waitForAll("log out: ", "enter: log out  esc: cancel", "initech/dev")
	x.run("send-keys", "-t", "tk", "-l", "globex/o")
	x.waitFor("› ") // the cursor on the one match
	x.run("send-keys", "-t", "tk", "Enter")
	x.waitFor("Log out globex/ops?")
	x.run("send-keys", "-t", "tk", "y", "Enter")
	x.waitForAll("Logged out globex/ops", "exit 0")
	st, err := m.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Sessions["globex/ops"]; ok || len(st.Sessions) != 5 {
		t.Errorf("after the picked logout: %v", st.Keys())
	}
}

// tkauth shell starts a shell in which tkauth uses the session named, while
// the active one stays the active one everywhere else.
func TestShellInTmux(t *testing.T) {
	needTmux(t)
	dir, _, keys, service := demoStore(t)
	bin := buildTkauth(t)
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	cmd := fmt.Sprintf("env TKAUTH_HOME=%q TKAUTH_KEYRING=%s TKAUTH_KEYRING_SERVICE=%s SHELL=/bin/sh PS1='$ ' %q shell globex/ops; echo shell ended $?; sleep 60",
		dir, keys.Name(), service, bin)
	x.run("new-session", "-d", "-s", "tk", "-x", "100", "-y", "24", cmd)
	t.Cleanup(x.kill)
	x.waitFor("tkauth commands in it use globex/ops")
	x.run("send-keys", "-t", "tk", "-l", fmt.Sprintf("echo in: $(%q current --format '{{.Key}} {{.Source}}')\n", bin))
	x.waitFor("in: globex/ops TKAUTH_SESSION")
	x.run("send-keys", "-t", "tk", "-l", "exit 7\n")
	x.waitFor("shell ended 7")
	r := runBin(t, bin, []string{"TKAUTH_HOME=" + dir, "TKAUTH_KEYRING=" + keys.Name(), "TKAUTH_KEYRING_SERVICE=" + service}, "", "current")
	if r.out != "acme/admin\n" {
		t.Errorf("outside the shell, current = %q", r.out)
	}
}

// In a terminal 80 cells wide, list fits it: with ten sessions whose keys
// are 60 characters long no line is wider (tmux would wrap it), and the
// keys are cut with "…", not dropped.
func TestListFitsTheTerminal(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	bin := buildTkauth(t)
	env := []string{"TKAUTH_HOME=" + dir, "TKAUTH_KEYRING=file"}
	for i := range 10 {
		pub := strings.TrimSpace(runBin(t, bin, env, "", "keys", "create").out)
		key := fmt.Sprintf("%02d-%s", i, strings.Repeat("k", 57))
		if r := runBin(t, bin, env, token(t, pub, time.Hour), "add", "--session-key", key); r.code != 0 {
			t.Fatalf("add: exit %d %s", r.code, r.errOut)
		}
	}
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", "tk", "-x", "80", "-y", "24",
		fmt.Sprintf("env TKAUTH_HOME=%q TKAUTH_KEYRING=file %q list; echo listed; sleep 60", dir, bin))
	t.Cleanup(x.kill)
	x.waitFor("listed")
	joined := x.run("capture-pane", "-p", "-J", "-t", "tk") // wrapped lines joined
	rows := 0
	for line := range strings.SplitSeq(joined, "\n") {
		if w := len([]rune(line)); w > 80 {
			t.Errorf("a line %d cells wide: %q", w, line)
		}
		if strings.Contains(line, "-kkkk") {
			rows++
			if !strings.Contains(line, "…") {
				t.Errorf("a long key not cut: %q", line)
			}
		}
	}
	if rows != 10 {
		t.Errorf("%d sessions listed, want 10:\n%s", rows, joined)
	}
}
