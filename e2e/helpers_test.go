package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/internal/testenv"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// skipUnlessRequired skips the test, unless CI requires the real parts
// (TKAUTH_REQUIRE_KEYRING=1): then a missing part fails it.
func skipUnlessRequired(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
		t.Fatal(why)
	}
	t.Skip(why)
}

var built struct {
	once sync.Once
	bin  string
	err  error
}

// buildTkauth builds the binary under test, once for all the tests in
// this run; TestMain removes it.
func buildTkauth(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "tkauth-e2e-")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "tkauth")
		if out, err := exec.Command("go", "build", "-o", built.bin, "github.com/tkauth/tkauth").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// TestMain runs the tests in an environment of their own (testenv): the
// binary under test gets the variables a test gives it, and no other of
// the user's.
func TestMain(m *testing.M) {
	cleanup := testenv.Isolate()
	code := m.Run()
	cleanup()
	if built.bin != "" {
		os.RemoveAll(filepath.Dir(built.bin))
	}
	if wineBin.dir != "" {
		os.RemoveAll(wineBin.dir)
	}
	os.Exit(code)
}

// withKeyring is scripts/with-keyring, which starts a private Secret
// Service for the command it runs.
var withKeyring = filepath.Join("..", "scripts", "with-keyring")

// token mints a session token bound to pub, expiring in d (fixture.Token).
func token(t *testing.T, pub string, d time.Duration) string {
	t.Helper()
	tok, err := fixture.Token(pub, time.Now().Add(d))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// listedSession is the part of a session in list --json that these tests
// read (the schema is in the README).
type listedSession struct {
	SessionKey     string `json:"sessionKey"`
	Active         bool   `json:"active"`
	UserID         string `json:"userId"`
	OrganizationID string `json:"organizationId"`
	KeyPair        string `json:"keyPair"`
}

// binRun is one run of the built binary.
type binRun struct {
	code        int
	out, errOut string
	took        time.Duration
}

// runBin runs bin with env and stdin.
func runBin(t *testing.T, bin string, env []string, stdin string, args ...string) binRun {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := binRun{out: out.String(), errOut: errOut.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// e2eKeyStore is the real keyring under a service of the test's own when
// one answers (always under CI), else files.
func e2eKeyStore(t *testing.T, dir string) (session.KeyStore, string) {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	service := "tkauth-e2e-" + hex.EncodeToString(b)
	sys := store.NewSystemKeys(service, 5*time.Second)
	if err := sys.Probe(context.Background()); err != nil {
		if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
			t.Fatalf("no Secret Service: %v", err)
		}
		t.Logf("no Secret Service (%v): using the file key store", err)
		return store.NewFileKeys(dir), service
	}
	t.Cleanup(func() { exec.Command("secret-tool", "clear", "service", service).Run() })
	return sys, service
}

type tmux struct {
	t    *testing.T
	sock string
}

func (x tmux) run(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", x.sock}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (x tmux) screen() string { return x.run("capture-pane", "-p", "-t", "tk") }

// kill ends the tmux server and what runs in it.
func (x tmux) kill() { exec.Command("tmux", "-S", x.sock, "kill-server").Run() }

// waitScreen waits until ok(screen) holds, for up to d.
func (x tmux) waitScreen(what string, d time.Duration, ok func(string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := x.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("waited %s for %s; the screen shows:\n%s", d, what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (x tmux) waitFor(want string) string {
	x.t.Helper()
	return x.waitForAll(want)
}

// waitForAll waits for a screen that shows every one of wants at once: a
// capture can catch a frame half drawn, the first of wants there and the
// rest still the frame before.
func (x tmux) waitForAll(wants ...string) string {
	x.t.Helper()
	return x.waitScreen(fmt.Sprintf("%q", wants), 10*time.Second, func(s string) bool {
		for _, w := range wants {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
}

// listed matches a table row of the session key.
func listed(key string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(key) + `\s+(expires|expired)`)
}
