package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// execLogin runs `tkauth exec --login` on c's store, the command run for
// real (sh), with extra flags before --.
func (c *harness) execLogin(flags []string, command ...string) result {
	c.t.Helper()
	args := append([]string{"exec", "--login", "o"}, flags...)
	return c.run("", false, append(append(args, "--"), command...)...)
}

// exec --login makes a session for the command alone: the command gets
// its key pair and never the long-lived key, and by the time tkauth exits
// Turnkey has no such key, whatever the command's exit; nothing is stored.
func TestExecLogin(t *testing.T) {
	srv, file := withAPI(t)
	c := newCLI(t)
	before := c.snapshot()
	_, longPriv := loadFile(t, file)

	r := c.execLogin(nil, "sh", "-c", `echo "$API_PUBLIC_KEY"; env`)
	lines := strings.SplitN(r.out, "\n", 2)
	pub := lines[0]
	if r.code != 0 || len(lines) < 2 {
		t.Fatalf("exit %d, %q %q", r.code, r.out, r.errOut)
	}
	if _, err := session.ParsePublicKey(pub); err != nil {
		t.Fatalf("API_PUBLIC_KEY %q: %v", pub, err)
	}
	if srv.HasKey(pub) {
		t.Error("Turnkey still has the command's session")
	}
	if strings.Contains(r.out, longPriv) || !strings.Contains(r.out, "ORGANIZATION_ID=o\n") || !strings.Contains(r.out, "TURNKEY_USER_ID=u\n") {
		t.Errorf("the command's environment:\n%s", r.out)
	}
	if c.snapshot() != before {
		t.Error("the store changed")
	}

	r = c.execLogin([]string{"--expires", "10m"}, "sh", "-c", `echo "$API_PUBLIC_KEY"; exit 7`)
	pub = strings.TrimSpace(r.out)
	if r.code != 7 || strings.Contains(r.errOut, "exited with") || srv.HasKey(pub) || pub == "" {
		t.Errorf("a failing command: exit %d, %q %q, still on Turnkey %v", r.code, r.out, r.errOut, srv.HasKey(pub))
	}

	r = c.execLogin(nil, "sh", "-c", `kill -TERM $$`)
	if r.code != 128+15 {
		t.Errorf("a command killed by SIGTERM: exit %d, %q", r.code, r.errOut)
	}

	if r := c.execLogin(nil, "no-such-program-here"); r.code != 127 {
		t.Errorf("no such program: exit %d, %q", r.code, r.errOut)
	}
	if r := c.run("", false, "exec", "--expires", "10m", "--", "true"); r.code != ExitUsage || !strings.Contains(r.errOut, "go with --login") {
		t.Errorf("--expires without --login: exit %d, %q", r.code, r.errOut)
	}
	c.noSecrets()
}

// A session Turnkey cannot end at the end is reported, and tkauth fails
// even though the command succeeded.
func TestExecLoginLeftOnTurnkey(t *testing.T) {
	srv, _ := withAPI(t)
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	f := &Factory{IO: ios, Home: t.TempDir(), Keyring: "file"}
	opts := &ExecOptions{IO: ios, Open: f.Open, Environ: os.Environ, Login: "o", Expires: session.DefaultLifetime,
		LoadAPIKey: f.loadAPIKey, Client: func() (*turnkey.Client, error) { return srv.Client(), nil }, Command: []string{"true"},
		Run: func(string, []string, []string) (int, error) {
			srv.FailNext(500, 500, 500, 500, 500, 500, 500, 500)
			return 0, nil
		}}
	err := execLoginRun(context.Background(), opts)
	if exitCode(err) != ExitFailure || !strings.Contains(errOut.String(), "could not be ended on Turnkey") || !strings.Contains(errOut.String(), "it lives until") {
		t.Errorf("%v; stderr %q", err, errOut.String())
	}
}

// A command run by exec --login has a session of its own, which is not
// stored: tkauth commands inside it refuse, in words, to act as the active
// session (or the outer shell's) in its place, and the outer shell's
// TKAUTH_SESSION is not silently replaced.
func TestExecLoginNeverActsAsAnotherSession(t *testing.T) {
	withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o") // a stored session of its own, active
	active := c.state().Active
	t.Setenv(sessionEnv, active) // as `tkauth shell` sets it

	r := c.execLogin(nil, "sh", "-c", "env")
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.errOut)
	}
	if !strings.Contains(r.errOut, "this shell uses session "+active) {
		t.Errorf("the outer TKAUTH_SESSION was replaced without a word: %q", r.errOut)
	}
	var pub string
	for line := range strings.SplitSeq(r.out, "\n") {
		name, value, _ := strings.Cut(line, "=")
		switch name {
		case sessionEnv:
			t.Errorf("the command has %s", line)
		case oneShotEnv:
			pub = value
		}
	}
	if pub == "" || !strings.Contains(r.out, "API_PUBLIC_KEY="+pub+"\n") {
		t.Fatalf("the command's %s is %q:\n%s", oneShotEnv, pub, r.out)
	}

	// tkauth inside the command, with the command's environment.
	t.Setenv(sessionEnv, "")
	t.Setenv(oneShotEnv, pub)
	for _, args := range [][]string{
		{"current"}, {"show"}, {"status"}, {"refresh"}, {"api", "query/whoami"}, {"stamp"},
		{"env", "--format", "json"}, {"remote"}, {"logout", "--yes"}, {"exec", "--", "true"},
	} {
		r := c.run("{}", false, args...)
		if r.code != ExitUsage || !strings.Contains(r.errOut, "inside `tkauth exec --login`") || r.out != "" {
			t.Errorf("tkauth %s inside exec --login: exit %d, %q %q", strings.Join(args, " "), r.code, r.out, r.errOut)
		}
	}
	if c.state().Sessions[active] == nil {
		t.Error("the active session was logged out")
	}
	// A session named is used: the command chose it.
	if r := c.run("", false, "show", active); r.code != 0 {
		t.Errorf("show %s: exit %d %s", active, r.code, r.errOut)
	}
	// So is the one a shell started inside selects.
	t.Setenv(sessionEnv, active)
	if got := strings.TrimSpace(c.ok("current")); got != active {
		t.Errorf("current in a shell of %s: %q", active, got)
	}
}
