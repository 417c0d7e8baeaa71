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
