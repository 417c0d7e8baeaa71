//go:build unix

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tkauth/tkauth/cli"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// TestKeyringOutages freezes, locks and kills a real Secret Service under
// tkauth: every command fails within its timeout with a clear message or
// carries on without the keyring, the TUI stays responsive and says what
// happened, and no session is lost or half removed. It does this to a
// Secret Service of its own (scripts/with-keyring, run again), with its
// own HOME: it must not disturb other tests, nor wake a developer's
// keyring when D-Bus restarts the killed daemon.
func TestKeyringOutages(t *testing.T) {
	if os.Getenv("TKAUTH_OUTAGE_CHILD") == "1" {
		outages(t)
		return
	}
	if testing.Short() {
		t.Skip("starts its own Secret Service")
	}
	if where, err := store.NewSystemKeys("tkauth-test", 5*time.Second).Check(context.Background()); err == nil && !strings.Contains(where, "(gnome-keyring") {
		// It would run the same against its own gnome-keyring, whatever
		// serves the tests: the run under gnome-keyring covers it.
		t.Skip("drives a gnome-keyring of its own (freezes, locks and kills it); the tests run under " + where)
	}
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon", "secret-tool", "tmux"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipUnlessRequired(t, tool+" is not installed; .ci/run installs it")
		}
	}
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TKAUTH_KEYRING_SESSION=") && !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "TKAUTH_OUTAGE_CHILD=1", "TKAUTH_OUTAGE_BIN="+buildTkauth(t), "HOME="+home,
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	cmd := exec.Command(withKeyring, os.Args[0], "-test.run=^TestKeyringOutages$", "-test.v", "-test.count=1")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "outage:") {
			t.Log(strings.TrimSpace(line[strings.Index(line, "outage:"):]))
		}
	}
	if err != nil {
		t.Fatalf("in its own Secret Service: %v\n%s", err, out)
	}
}

// secretServicePID asks the bus which process owns the Secret Service.
func secretServicePID(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus.GetConnectionUnixProcessID", "string:org.freedesktop.secrets").Output()
	if err != nil {
		t.Fatalf("finding the Secret Service: %v", err)
	}
	f := strings.Fields(string(out))
	pid, err := strconv.Atoi(f[len(f)-1])
	if err != nil {
		t.Fatalf("finding the Secret Service: %q", out)
	}
	return pid
}

func outages(t *testing.T) {
	ctx := context.Background()
	bin, dir, service := os.Getenv("TKAUTH_OUTAGE_BIN"), t.TempDir(), "tkauth-outage"
	env := append(os.Environ(), "TKAUTH_HOME="+dir, "TKAUTH_KEYRING=system", "TKAUTH_KEYRING_SERVICE="+service)
	const timeout = time.Second
	tk := func(args ...string) binRun {
		return runBin(t, bin, env, "", append([]string{"--keyring-timeout", timeout.String()}, args...)...)
	}
	keys := []string{"a", "b", "c"}
	// ensure stores, with the keyring answering, whichever of a, b and c
	// an earlier outage logged out, each on a key pair of its own.
	ensure := func() {
		t.Helper()
		st, err := store.NewFile(dir).Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range keys {
			if _, ok := st.Sessions[key]; ok {
				continue
			}
			r := tk("keys", "create")
			if r.code != 0 {
				t.Fatalf("setup: %s", r.errOut)
			}
			if r := runBin(t, bin, env, token(t, strings.TrimSpace(r.out), time.Hour), "add", "--session-key", key); r.code != 0 {
				t.Fatalf("setup: %s", r.errOut)
			}
		}
	}
	// consistent: what the store says is what is so. A stored session's
	// key pair is indexed and not being deleted; a session that is gone
	// has left its key pair, if at all, listed as being deleted (its key
	// store did not answer: the delete may still happen); a new key pair
	// whose key did not reach the keyring is listed as being deleted too.
	consistent := func(when string) *session.State {
		t.Helper()
		st, err := store.NewFile(dir).Load(ctx)
		if err != nil {
			t.Fatalf("%s: the store does not load: %v", when, err)
		}
		users := st.UsersByKeyPair()
		for pub, kp := range st.KeyPairs {
			if used := len(users[pub]) > 0; used == kp.Deleting {
				t.Errorf("%s: key pair %s: used by %q, being deleted %v", when, session.Short(pub), users[pub], kp.Deleting)
			}
		}
		for k, s := range st.Sessions {
			if _, ok := st.KeyPairs[s.PublicKey]; !ok {
				t.Errorf("%s: session %s has lost its key pair's index entry", when, k)
			}
		}
		return st
	}
	// settled: once the keyring answers again and a prune has run, the
	// keyring holds tkauth's items for the stored sessions and no others,
	// whatever the frozen calls did when the daemon woke.
	settled := func(when string) {
		t.Helper()
		if r := tk("keys", "prune", "--yes", "--include-new"); r.code != 0 {
			t.Errorf("%s: prune: %s", when, r.errOut)
		}
		st := consistent(when)
		if n, want := keyringItems(t, service), len(st.KeyPairs); n != want || len(st.KeyPairs) != len(st.Sessions) {
			t.Errorf("%s: the keyring holds %d items of tkauth's, the store lists %d key pairs for %d sessions", when, n, want, len(st.Sessions))
		}
	}
	ensure()
	pid := secretServicePID(t)

	// fails checks that a command failed, in time, saying one of says.
	fails := func(outage string, says []string, args ...string) {
		t.Helper()
		r := tk(args...)
		said := false
		for _, s := range says {
			said = said || strings.Contains(r.errOut, s)
		}
		if r.code != cli.ExitFailure || !said {
			t.Errorf("%s: tkauth %s: exit %d, %q; want exit 1 saying one of %q", outage, strings.Join(args, " "), r.code, r.errOut, says)
		}
		if r.took > timeout+2*time.Second {
			t.Errorf("%s: tkauth %s took %s, with a %s timeout", outage, strings.Join(args, " "), r.took, timeout)
		}
		fmt.Printf("outage: %s: tkauth %s failed in %s\n", outage, strings.Join(args, " "), r.took.Round(time.Millisecond))
	}
	// lists checks that list carries on, with one timeout at most, and
	// says of each key pair what it can: one of labels ("" for present).
	lists := func(outage string, labels ...string) {
		t.Helper()
		r := tk("list")
		st := consistent(outage)
		lines := strings.Split(strings.TrimSpace(r.out), "\n")
		ok := r.code == 0 && len(lines) == len(st.Sessions)
		for _, line := range lines {
			said := false
			for _, l := range labels {
				said = said || (l == "" && !strings.Contains(line, "key pair")) || (l != "" && strings.Contains(line, l))
			}
			ok = ok && said
		}
		if !ok {
			t.Errorf("%s: list: exit %d, want %d lines, each key pair %q\n%s%s", outage, r.code, len(st.Sessions), labels, r.out, r.errOut)
		}
		if r.took > timeout+2*time.Second {
			t.Errorf("%s: list took %s: the keyring was asked more than once", outage, r.took)
		}
		fmt.Printf("outage: %s: tkauth list answered in %s\n", outage, r.took.Round(time.Millisecond))
	}
	scenario := func(outage string, says []string, listSays ...string) {
		fails(outage, says, "logout", "a")
		fails(outage, says, "logout", "--all", "--yes")
		fails(outage, says, "keys", "create")
		lists(outage, listSays...)
		consistent(outage)
	}

	// Frozen: the daemon stops answering (kill -STOP), as it does on an
	// unlock prompt nobody sees. A delete sent to it may be carried out
	// when it wakes, so a session whose key it did not delete in time is
	// logged out all the same, its key pair listed as being deleted until
	// a prune: nothing is reported failed that then happens.
	syscall.Kill(pid, syscall.SIGSTOP)
	tuiUnderFrozenKeyring(t, bin, env)
	autoUnderFrozenKeyring(t, bin, env)
	syscall.Kill(pid, syscall.SIGCONT)
	settled("after the TUI's logout, thawed")
	ensure()
	syscall.Kill(pid, syscall.SIGSTOP)
	scenario("frozen", []string{"did not answer in time"}, "key pair unknown")
	syscall.Kill(pid, syscall.SIGCONT)
	settled("thawed")
	ensure()

	// Locked: the collection is locked, and no prompt can be shown here:
	// a definite refusal, so every session stays as it was.
	if out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
		"org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login").CombinedOutput(); err != nil {
		t.Fatalf("locking: %v %s", err, out)
	}
	// Searching needs no unlock: list still sees the key pairs.
	scenario("locked", []string{"locked and could not be unlocked"}, "")
	if st := consistent("locked"); len(st.Sessions) != 3 {
		t.Errorf("locked: %d sessions stored, want all 3: a refused delete logs nothing out", len(st.Sessions))
	}

	// Stopped: the daemon dies. D-Bus starts a new one on demand, with no
	// unlocked collection, or none that the default alias names: it
	// refuses as a locked one does, or says it has no collection, or,
	// while it looks for the daemon it replaces, does not answer.
	syscall.Kill(pid, syscall.SIGKILL)
	scenario("stopped", []string{"locked and could not be unlocked", "has no default collection", "did not answer in time"}, "key pair missing", "key pair unknown")
}

// keyringItems counts the keyring's items under service, from outside.
func keyringItems(t *testing.T, service string) int {
	t.Helper()
	out, err := exec.Command("secret-tool", "search", "--all", "service", service).Output()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "[/") {
			n++
		}
	}
	return n
}

// tuiUnderFrozenKeyring: a logout that waits on a frozen keyring leaves the
// TUI responsive (the cursor still moves) and the row in place until the
// outcome is known; then it says what happened: a is logged out, its key
// pair not yet deleted.
func tuiUnderFrozenKeyring(t *testing.T, bin string, env []string) {
	x := binInTmux(t, bin, env, "", "--keyring-timeout 2s")
	defer x.kill()
	x.waitFor("unknown") // presence gave up on the frozen keyring
	// g: the first row, a; the cursor starts on the active session, c.
	x.run("send-keys", "-t", "tk", "g", "d")
	x.waitFor("Log out a?")
	start := time.Now()
	x.run("send-keys", "-t", "tk", "y")
	x.waitFor("Logging out a")
	x.run("send-keys", "-t", "tk", "j")
	x.waitScreen("the cursor to move while the logout waits, the row still there", 2*time.Second, func(s string) bool {
		return strings.Contains(s, "Logging out a") && listed("a").MatchString(s) && strings.Contains(s, "›  b")
	})
	// The store already holds the logout's first step; the row stays until
	// the outcome is known.
	time.Sleep(500 * time.Millisecond)
	if s := x.screen(); strings.Contains(s, "Logging out a") && !listed("a").MatchString(s) {
		t.Errorf("a's row went before the outcome was known:\n%s", s)
	}
	// The status says what happened, all of it on one screen.
	x.waitForAll("not yet deleted", "did not answer in time", "Logged out a")
	fmt.Printf("outage: frozen: the TUI reported the logout after %s, responsive meanwhile\n", time.Since(start).Round(time.Millisecond))
	x.waitScreen("a to leave the table", 3*time.Second, func(s string) bool { return !listed("a").MatchString(s) })
}

// autoUnderFrozenKeyring: with auto, the key store is chosen after the
// first frame, so a frozen keyring does not keep the sessions off the
// screen: they show while the header still says it is choosing, and the
// choice (files, with the reason) follows when the probe gives up.
func autoUnderFrozenKeyring(t *testing.T, bin string, env []string) {
	x := binInTmux(t, bin, env, "TKAUTH_KEYRING=auto", "--keyring-timeout 3s")
	defer x.kill()
	x.waitScreen("the sessions while the key store is being chosen", 10*time.Second, func(s string) bool {
		return listed("b").MatchString(s) && strings.Contains(s, "key store: choosing…")
	})
	// The fallback to files says why.
	x.waitForAll("key store: file", "no system keyring")
	x.run("send-keys", "-t", "tk", "q")
}

// binInTmux runs bin in a 110x32 tmux window with the TKAUTH_ and D-Bus
// variables of env, then set (a VAR=value, or ""), and flags. The caller
// kills it when done, before the next outage.
func binInTmux(t *testing.T, bin string, env []string, set, flags string) tmux {
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	var cmd strings.Builder
	cmd.WriteString("env")
	for _, kv := range env {
		if strings.HasPrefix(kv, "TKAUTH_") || strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			cmd.WriteString(" " + strconvQuote(kv))
		}
	}
	if set != "" {
		cmd.WriteString(" " + strconvQuote(set))
	}
	cmd.WriteString(" " + strconvQuote(bin) + " " + flags)
	x.run("new-session", "-d", "-s", "tk", "-x", "110", "-y", "32", cmd.String())
	t.Cleanup(x.kill) // also when the test stops short of its own kill
	return x
}

func strconvQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
