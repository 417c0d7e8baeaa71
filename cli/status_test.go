package cli

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// When its key store cannot say whether a session's key pair is there (no
// keyring answers, or it is locked), status says so, and what the key
// store answered, instead of calling the session usable: exec would fail.
//
// No session bus is a property of the process (its connection, once made,
// is shared), so the test runs in a process of its own that never had one.
func TestStatusSaysWhatTheKeyStoreAnswered(t *testing.T) {
	if os.Getenv("TKAUTH_TEST_NO_BUS") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStatusSaysWhatTheKeyStoreAnswered$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "TKAUTH_TEST_NO_BUS=1", "DBUS_SESSION_BUS_ADDRESS=")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestStatusSaysWhatTheKeyStoreAnswered") {
			t.Fatalf("in a process with no session bus: %v\n%s", err, out)
		}
		return
	}
	c := newCLI(t)
	_, pub, _ := session.NewPrivateKey() // a key pair tkauth did not make: the key store in use holds it
	c.add("imported", token(t, pub, time.Hour))
	var out, errOut bytes.Buffer
	code := Run([]string{"--home", c.home, "--keyring", "system", "status"}, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != ExitFailure || !strings.Contains(out.String(), "not usable: its key store could not say whether its key pair is there: the system key store: ") ||
		!strings.Contains(out.String(), "key pair unknown") || strings.Contains(out.String(), ": usable") {
		t.Errorf("exit %d, %q, %q", code, out.String(), errOut.String())
	}
}
