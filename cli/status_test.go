package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// When its key store cannot say whether a session's key pair is there (no
// keyring answers, or it is locked), status says so, and what the key
// store answered, instead of calling the session usable: exec would fail.
func TestStatusSaysWhatTheKeyStoreAnswered(t *testing.T) {
	c := newCLI(t)
	_, pub, _ := session.NewPrivateKey() // a key pair tkauth did not make: the key store in use holds it
	c.add("imported", token(t, pub, time.Hour))
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	var out, errOut bytes.Buffer
	code := Run([]string{"--home", c.home, "--keyring", "system", "status"}, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != ExitFailure || !strings.Contains(out.String(), "not usable: its key store could not say whether its key pair is there: the system key store: ") ||
		!strings.Contains(out.String(), "key pair unknown") || strings.Contains(out.String(), ": usable") {
		t.Errorf("exit %d, %q, %q", code, out.String(), errOut.String())
	}
}
