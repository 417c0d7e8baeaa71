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
	var pubs []string
	for _, key := range []string{"a", "b", "c"} {
		r := tk("keys", "create")
		if r.code != 0 {
			t.Fatalf("setup: %s", r.errOut)
		}
		pub := strings.TrimSpace(r.out)
		pubs = append(pubs, pub)
		if r := runBin(t, bin, env, token(t, pub, time.Hour), "add", "--session-key", key); r.code != 0 {
			t.Fatalf("setup: %s", r.errOut)
		}
	}
	// nothingLost: all three sessions stored, their key pairs indexed,
	// none marked for deletion.
	nothingLost := func(when string) {
		t.Helper()
		st, err := store.NewFile(dir).Load(ctx)
		if err != nil {
			t.Fatalf("%s: the store does not load: %v", when, err)
		}
		for i, key := range []string{"a", "b", "c"} {
			s, ok := st.Sessions[key]
			kp, indexed := st.KeyPairs[pubs[i]]
			if !ok || s.PublicKey != pubs[i] || !indexed || kp.Deleting {
				t.Errorf("%s: session %s or its key pair was touched", when, key)
			}
		}
	}
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
		lines := strings.Split(strings.TrimSpace(r.out), "\n")
		ok := r.code == 0 && len(lines) == 3
		for _, line := range lines {
			said := false
			for _, l := range labels {
				said = said || (l == "" && !strings.Contains(line, "key pair")) || (l != "" && strings.Contains(line, l))
			}
			ok = ok && said
		}
		if !ok {
			t.Errorf("%s: list: exit %d, want each key pair %q\n%s%s", outage, r.code, labels, r.out, r.errOut)
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
		nothingLost(outage)
	}

	// Frozen: the daemon stops answering (kill -STOP), as it does on an
	// unlock prompt nobody sees.
	syscall.Kill(pid, syscall.SIGSTOP)
	scenario("frozen", []string{"did not answer in time"}, "key pair unknown")
	tuiUnderFrozenKeyring(t, bin, env)
	syscall.Kill(pid, syscall.SIGCONT)
	nothingLost("thawed")
	// keys create timed out, but the item may have landed on waking; its
	// index entry is marked for deletion, so prune leaves nothing behind.
	if r := tk("keys", "prune", "--yes"); r.code != 0 {
		t.Errorf("prune after thawing: %s", r.errOut)
	}
	if n := keyringItems(t, service); n != 3 {
		t.Errorf("after thawing and pruning, the keyring holds %d items of tkauth's, want 3", n)
	}

	// Locked: the collection is locked, and no prompt can be shown here.
	if out, err := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
		"org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login").CombinedOutput(); err != nil {
		t.Fatalf("locking: %v %s", err, out)
	}
	// Searching needs no unlock: list still sees the key pairs.
	scenario("locked", []string{"locked and could not be unlocked"}, "")

	// Stopped: the daemon dies. D-Bus starts a new one on demand, with no
	// unlocked collection: it refuses as a locked one does, or, while it
	// looks for the daemon it replaces, does not answer.
	syscall.Kill(pid, syscall.SIGKILL)
	scenario("stopped", []string{"locked and could not be unlocked", "did not answer in time"}, "key pair missing", "key pair unknown")
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
// TUI responsive (the cursor still moves), then says what happened, and
// the session stays listed.
func tuiUnderFrozenKeyring(t *testing.T, bin string, env []string) {
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	var cmd strings.Builder
	cmd.WriteString("env")
	for _, kv := range env {
		if strings.HasPrefix(kv, "TKAUTH_") || strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			cmd.WriteString(" " + strconvQuote(kv))
		}
	}
	cmd.WriteString(" " + strconvQuote(bin) + " --keyring-timeout 2s")
	x.run("new-session", "-d", "-s", "tk", "-x", "110", "-y", "32", cmd.String())
	defer exec.Command("tmux", "-S", x.sock, "kill-server").Run()
	x.waitFor("unknown") // presence gave up on the frozen keyring
	x.run("send-keys", "-t", "tk", "d")
	x.waitFor("Log out a?")
	start := time.Now()
	x.run("send-keys", "-t", "tk", "y")
	x.waitFor("Logging out a")
	x.run("send-keys", "-t", "tk", "j")
	x.waitScreen("the cursor to move while the logout waits", 2*time.Second, func(s string) bool {
		return strings.Contains(s, "Logging out a") && listed("b").MatchString(s) && strings.Contains(s, "›  b")
	})
	s := x.waitFor("did not answer in time")
	fmt.Printf("outage: frozen: the TUI reported the failed logout after %s, responsive meanwhile\n", time.Since(start).Round(time.Millisecond))
	if !listed("a").MatchString(s) {
		t.Errorf("after the failed logout, a is not listed:\n%s", s)
	}
}

func strconvQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
