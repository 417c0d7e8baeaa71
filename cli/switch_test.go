package cli

import (
	"strings"
	"testing"
	"time"
)

func TestSwitch(t *testing.T) {
	c := newCLI(t)
	a, b := c.keyPair(), c.keyPair()
	c.add("a", token(t, a, time.Hour))
	c.add("b", token(t, b, time.Hour))
	if out := c.ok("switch", "a"); out != "Active session: a\n" || c.state().Active != "a" {
		t.Errorf("switch a: %q, active %q", out, c.state().Active)
	}
	r := c.run("", false, "switch", "zz")
	if r.code != ExitNotFound || !strings.Contains(r.errOut, "tkauth list") || c.state().Active != "a" {
		t.Errorf("switch zz: %d %q", r.code, r.errOut)
	}
	if r := c.run("", false, "switch"); r.code != ExitUsage {
		t.Errorf("switch with no key: %d", r.code)
	}
}

// A command that changes the active session says when this shell keeps
// using another one (TKAUTH_SESSION), which "Active session: X" alone
// would hide.
func TestChangingTheActiveSessionSaysWhatThisShellUses(t *testing.T) {
	c := newCLI(t)
	a, b := c.keyPair(), c.keyPair()
	c.add("a", token(t, a, time.Hour))
	c.add("b", token(t, b, time.Hour))

	t.Setenv(sessionEnv, "b")
	for _, args := range [][]string{{"switch", "a"}, {"switch", "--unset"}} {
		r := c.run("", false, args...)
		if r.code != 0 || !strings.Contains(r.errOut, "this shell keeps using session b (TKAUTH_SESSION is set") {
			t.Errorf("%v in a shell of b: exit %d, %q", args, r.code, r.errOut)
		}
	}
	c2 := c.keyPair()
	if r := c.run(token(t, c2, time.Hour), false, "add", "--session-key", "c"); !strings.Contains(r.errOut, "this shell keeps using session b") {
		t.Errorf("add in a shell of b: %q", r.errOut)
	}
	if r := c.run("", false, "switch", "b"); r.errOut != "" {
		t.Errorf("switch to the shell's own session: %q", r.errOut)
	}
	if r := c.run("", false, "rename", "b", "bee"); !strings.Contains(r.errOut, "this shell's TKAUTH_SESSION still names b, which is no more: `export TKAUTH_SESSION=bee`") {
		t.Errorf("rename of the shell's session: %q", r.errOut)
	}

	t.Setenv(sessionEnv, "")
	if r := c.run("", false, "switch", "a"); r.errOut != "" {
		t.Errorf("switch in a shell that follows the active session: %q", r.errOut)
	}
	t.Setenv(oneShotEnv, a)
	if r := c.run("", false, "switch", "a"); !strings.Contains(r.errOut, "inside `tkauth exec --login`") {
		t.Errorf("switch inside exec --login: %q", r.errOut)
	}
}
