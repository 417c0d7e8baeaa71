package e2e

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/store"
)

// The built binary, its stdout on /dev/full: every command exits 1 saying
// so, and keys create leaves no key pair nobody learnt of.
func TestOutputToAFullDevice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	bin, home := buildTkauth(t), t.TempDir()
	env := append(os.Environ(), "TKAUTH_HOME="+home, "TKAUTH_KEYRING=file")
	pub := strings.TrimSpace(runBin(t, bin, env, "", "keys", "create").out)
	if r := runBin(t, bin, env, token(t, pub, time.Hour), "add", "--session-key", "a"); r.code != 0 {
		t.Fatalf("setup: %s", r.errOut)
	}
	for _, args := range [][]string{{"list"}, {"list", "--json"}, {"show", "--token"}, {"keys", "list"}, {"keys", "create"}, {"version"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Stdout = env, full
		var errOut strings.Builder
		cmd.Stderr = &errOut
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(errOut.String(), "no space left on device") {
			t.Errorf("tkauth %s > /dev/full: %v, %q; want exit 1 saying no space", strings.Join(args, " "), err, errOut.String())
		}
	}
	st, err := store.NewFile(home).Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.KeyPairs) != 1 {
		t.Errorf("%d key pairs indexed, want only the session's", len(st.KeyPairs))
	}
}
