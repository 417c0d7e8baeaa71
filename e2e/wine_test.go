package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
)

// The Wine smoke set: tkauth built for Windows, run under Wine
// (scripts/with-wine sets TKAUTH_WINE; .ci/run requires it with
// TKAUTH_REQUIRE_WINE=1). Wine checks the Windows code paths: LockFileEx,
// the Credential Manager's calls, access lists as far as Wine keeps them,
// the classic rename's retry. It is not Windows: see the README's
// platforms table for what only a Windows machine checks.

// wineEnv is how to run Windows programs here: the wine binary, and a
// directory to build them into.
func wineEnv(t *testing.T) (wine, dir string) {
	t.Helper()
	wine = os.Getenv("TKAUTH_WINE")
	if wine == "" {
		why := "no Wine: run the smoke set under scripts/with-wine"
		if os.Getenv("TKAUTH_REQUIRE_WINE") == "1" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	return wine, winTempDir(t)
}

// winTempDir is a temporary directory, removed from the Linux side (what
// Windows programs leave in it included).
func winTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tkauth-wine-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// winPath is path as a Windows program under Wine sees it (drive Z: is /).
func winPath(path string) string { return `Z:` + strings.ReplaceAll(path, "/", `\`) }

// buildWindows builds pkg for windows/amd64 into dir: the binary, or with
// test, its test binary.
func buildWindows(t *testing.T, dir, pkg string, test bool) string {
	t.Helper()
	out := filepath.Join(dir, filepath.Base(pkg)+".exe")
	args := []string{"build", "-o", out, pkg}
	if test {
		out = filepath.Join(dir, filepath.Base(pkg)+".test.exe")
		args = []string{"test", "-c", "-o", out, pkg}
	}
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return out
}

// The Windows tests of store and cli (the access lists, the lock, the
// replacement, the Credential Manager, exec and shell), run under Wine.
func TestWineWindowsTests(t *testing.T) {
	wine, dir := wineEnv(t)
	for _, pkg := range []string{"github.com/tkauth/tkauth/store", "github.com/tkauth/tkauth/cli"} {
		bin := buildWindows(t, dir, pkg, true)
		r := runBin(t, wine, os.Environ(), "", bin, "-test.run", "^TestWindows", "-test.count=1", "-test.v")
		if r.code != 0 || !strings.Contains(r.out, "\nPASS") || !strings.Contains(r.out, "--- PASS: TestWindows") {
			t.Errorf("%s's Windows tests under Wine: exit %d\n%s%s", pkg, r.code, r.out, r.errOut)
		}
	}
}

// wineTkauth runs tkauth.exe under Wine on one store and one Credential
// Manager service of its own.
type wineTkauth struct {
	t               *testing.T
	wine, bin, home string
	service         string
	env             []string
}

// wineBin is tkauth.exe, built once for all the tests of a run.
var wineBin struct {
	once sync.Once
	dir  string
	bin  string
}

func newWineTkauth(t *testing.T) *wineTkauth {
	wine, dir := wineEnv(t)
	wineBin.once.Do(func() {
		// Kept for the run: TestMain's clean-up is for the Linux binary.
		wineBin.dir, _ = os.MkdirTemp("", "tkauth-wine-bin-")
		wineBin.bin = buildWindows(t, wineBin.dir, "github.com/tkauth/tkauth", false)
	})
	if wineBin.bin == "" {
		t.Fatal("tkauth.exe did not build")
	}
	b := make([]byte, 6)
	rand.Read(b)
	w := &wineTkauth{t: t, wine: wine, bin: wineBin.bin, home: filepath.Join(dir, "store"), service: "tkauth-wine-" + hex.EncodeToString(b)}
	w.env = append(os.Environ(), "TKAUTH_HOME="+winPath(w.home), "TKAUTH_KEYRING_SERVICE="+w.service, "TKAUTH_SESSION=", "TKAUTH_KEYRING=")
	return w
}

func (w *wineTkauth) run(stdin string, args ...string) binRun {
	w.t.Helper()
	return runBin(w.t, w.wine, w.env, stdin, append([]string{w.bin}, args...)...)
}

func (w *wineTkauth) ok(stdin string, args ...string) string {
	w.t.Helper()
	r := w.run(stdin, args...)
	if r.code != 0 {
		w.t.Fatalf("tkauth.exe %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.out, r.errOut)
	}
	return r.out
}

// credItems lists the Credential Manager's items under the service, from
// outside tkauth: Wine keeps them in the registry.
func (w *wineTkauth) credItems() []string {
	w.t.Helper()
	r := runBin(w.t, w.wine, os.Environ(), "", "reg", "query", `HKCU\Software\Wine\Credential Manager`)
	var items []string
	for _, line := range strings.Split(r.out, "\n") {
		if _, item, ok := strings.Cut(strings.TrimSpace(line), `Credential Manager\Generic: `+w.service+":"); ok {
			items = append(items, item)
		}
	}
	return items
}

// The demo, off a terminal, prints its sample sessions.
func TestWineDemo(t *testing.T) {
	w := newWineTkauth(t)
	r := w.run("", "demo")
	for _, key := range []string{"acme/admin", "acme/viewer", "globex/ci", "globex/ops", "initech/dev"} {
		if !strings.Contains(r.out, key) {
			t.Errorf("the demo did not print %s:\n%s", key, r.out)
		}
	}
	// Wine fails Go's os.RemoveAll of a file in a subdirectory ("Invalid
	// function"): the demo then says it could not remove its store, and
	// only that.
	if r.code != 0 && !(strings.Contains(r.errOut, "removing the demo store") && strings.Contains(r.errOut, "Invalid function")) {
		t.Errorf("demo: exit %d\n%s", r.code, r.errOut)
	}
	kept := filepath.Join(winTempDir(t), "kept")
	if out := w.ok("", "demo", "--dir", winPath(kept)); !strings.Contains(out, "globex/ops") {
		t.Errorf("demo --dir printed:\n%s", out)
	}
}

// keyListing is the part of keys list --json these tests read.
type keyListing struct {
	PublicKey string `json:"publicKey"`
	KeyStore  string `json:"keyStore"`
	KeyPair   string `json:"keyPair"`
}

// With auto, a key pair goes to the Credential Manager, is listed as
// present there, and prune removes it from there.
func TestWineKeysInTheCredentialManager(t *testing.T) {
	w := newWineTkauth(t)
	pub := strings.TrimSpace(w.ok("", "keys", "create"))
	if len(pub) != 66 {
		t.Fatalf("keys create printed %q", pub)
	}
	if items := w.credItems(); len(items) != 1 || items[0] != pub {
		t.Fatalf("the Credential Manager holds %v, want the new key %s", items, pub)
	}
	var keys []keyListing
	if err := json.Unmarshal([]byte(w.ok("", "keys", "list", "--json")), &keys); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].PublicKey != pub || keys[0].KeyStore != "system" || keys[0].KeyPair != "present" {
		t.Fatalf("keys list --json: %+v", keys)
	}
	if _, err := os.Stat(filepath.Join(w.home, "keys", pub+".private")); err == nil {
		t.Error("the private key is in a file too")
	}
	// A new key pair is kept for a login that may be about to use it.
	w.ok("", "keys", "prune", "--yes")
	if items := w.credItems(); len(items) != 1 {
		t.Fatalf("prune without --include-new: the Credential Manager holds %v", items)
	}
	w.ok("", "keys", "prune", "--yes", "--include-new")
	if items := w.credItems(); len(items) != 0 {
		t.Fatalf("after prune the Credential Manager holds %v", items)
	}
	keys = nil
	json.Unmarshal([]byte(w.ok("", "keys", "list", "--json")), &keys)
	if len(keys) != 0 {
		t.Fatalf("after prune keys list --json: %+v", keys)
	}
}

// A session added, then logged out: its key pair goes from the
// Credential Manager, and the store holds nothing of it.
func TestWineSessionAddedAndLoggedOut(t *testing.T) {
	w := newWineTkauth(t)
	pub := strings.TrimSpace(w.ok("", "keys", "create"))
	w.ok(token(t, pub, time.Hour), "add", "--session-key", "work")
	var listed []listedSession
	if err := json.Unmarshal([]byte(w.ok("", "list", "--json")), &listed); err != nil || len(listed) != 1 || listed[0].SessionKey != "work" || listed[0].KeyPair != "present" {
		t.Fatalf("list --json after add: %+v, %v", listed, err)
	}
	w.ok("", "logout", "work")
	listed = nil
	if err := json.Unmarshal([]byte(w.ok("", "list", "--json")), &listed); err != nil || len(listed) != 0 {
		t.Fatalf("list --json after logout: %+v, %v", listed, err)
	}
	if items := w.credItems(); len(items) != 0 {
		t.Fatalf("after logout the Credential Manager holds %v", items)
	}
}

// Two tkauth.exe processes at once, again and again, each making a key
// pair, adding a session on it and switching to it, while the other
// switches too: each takes the lock in turn, none fails, no change is
// lost, and the store is whole after it.
func TestWineConcurrentSwitches(t *testing.T) {
	w := newWineTkauth(t)
	const rounds = 8
	var wg sync.WaitGroup
	errs := make(chan string, 4*rounds)
	for _, who := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := func(stdin string, args ...string) string {
				cmd := exec.Command(w.wine, append([]string{w.bin}, args...)...)
				cmd.Env, cmd.Stdin = w.env, strings.NewReader(stdin)
				var errOut strings.Builder
				cmd.Stderr = &errOut
				out, err := cmd.Output()
				if err != nil {
					errs <- fmt.Sprintf("%s: %v\n%s", strings.Join(args, " "), err, errOut.String())
				}
				return string(out)
			}
			for i := range rounds {
				key := fmt.Sprintf("%s%d", who, i)
				pub := strings.TrimSpace(run("", "keys", "create"))
				if len(pub) != 66 {
					continue // said by run
				}
				tok, err := fixture.Token(pub, time.Now().Add(time.Hour))
				if err != nil {
					errs <- err.Error()
					return
				}
				run(tok, "add", "--session-key", key)
				run("", "switch", key)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var listed []listedSession
	if err := json.Unmarshal([]byte(w.ok("", "list", "--json")), &listed); err != nil || len(listed) != 2*rounds {
		t.Fatalf("list --json after it all: %d sessions, want %d: %+v, %v", len(listed), 2*rounds, listed, err)
	}
	active := 0
	for _, s := range listed {
		if s.Active {
			active++
		}
		if s.KeyPair != "present" {
			t.Errorf("%s's key pair: %s", s.SessionKey, s.KeyPair)
		}
	}
	if active != 1 {
		t.Errorf("%d active sessions: %+v", active, listed)
	}
	if left, _ := os.ReadDir(filepath.Join(w.home, ".tmp")); len(left) != 0 {
		t.Errorf("left in .tmp: %v", left)
	}
	if items := w.credItems(); len(items) != 2*rounds {
		t.Errorf("the Credential Manager holds %d items, want %d", len(items), 2*rounds)
	}
}
