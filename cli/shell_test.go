package cli

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// shell starts $SHELL with TKAUTH_SESSION set to the session, and nothing
// else of it: no private key in an interactive shell's environment.
func TestShell(t *testing.T) {
	c := newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour))
	c.add("b", token(t, c.keyPair(), -time.Minute))
	if r := c.run("", false, "shell"); r.code != ExitUsage || !strings.Contains(r.errOut, "`tkauth shell KEY`") {
		t.Errorf("shell with no key, no terminal: exit %d %q", r.code, r.errOut)
	}
	if r := c.run("", false, "shell", "nope"); r.code != ExitNotFound || !strings.Contains(r.errOut, "tkauth list") {
		t.Errorf("shell of an unknown key: exit %d %q", r.code, r.errOut)
	}

	run := func(key, pick string, environ ...string) (path string, argv, env []string, errOut string, err error) {
		var out bytes.Buffer
		ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out, IsTerminal: true, StdinTerminal: true}
		f := &Factory{IO: ios, Home: c.home, Keyring: "file"}
		opts := &ShellOptions{IO: ios, Open: f.Open, Key: key,
			Pick:    func(context.Context, *session.State, time.Time, string) (string, error) { return pick, nil },
			Environ: func() []string { return environ },
			Exec: func(p string, a, e []string) error {
				path, argv, env = p, a, e
				return nil
			}}
		err = shellRun(context.Background(), opts)
		return path, argv, env, out.String(), err
	}
	path, argv, env, errOut, err := run("a", "", "SHELL=/bin/sh", "PATH=/usr/bin:/bin", "TKAUTH_SESSION=b", "HOME=/h")
	if err != nil || path != "/bin/sh" || !slices.Equal(argv, []string{"/bin/sh"}) {
		t.Fatalf("shell a: %v, ran %q %q", err, path, argv)
	}
	slices.Sort(env)
	if !slices.Equal(env, []string{"HOME=/h", "PATH=/usr/bin:/bin", "SHELL=/bin/sh", "TKAUTH_SESSION=a"}) {
		t.Errorf("the shell's environment: %q", env)
	}
	if !strings.Contains(errOut, "TKAUTH_SESSION=a") || strings.Contains(errOut, "warning") {
		t.Errorf("shell a said %q", errOut)
	}
	// An expired session is the shell's all the same, with a warning; with
	// no SHELL, /bin/sh; with no key, the one picked.
	if path, _, env, errOut, err = run("", "b", "PATH=/usr/bin:/bin"); err != nil || path != "/bin/sh" || !slices.Contains(env, "TKAUTH_SESSION=b") ||
		!strings.Contains(errOut, "warning: session b is the shell's, but it expired") {
		t.Errorf("shell, b picked: %v, %q, %q\n%s", err, path, env, errOut)
	}
	if _, _, _, _, err = run("", ""); err != errDeclined {
		t.Errorf("the picker cancelled: %v", err)
	}
}
