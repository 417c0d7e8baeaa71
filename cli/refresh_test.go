package cli

import (
	"strings"
	"testing"
)

func TestRefreshCommand(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	old := c.state().Sessions["work"]
	if out := c.ok("refresh", "--expires", "1200"); !strings.HasPrefix(out, "Refreshed work at "+srv.URL+": expires in 19m") && !strings.HasPrefix(out, "Refreshed work at "+srv.URL+": expires in 20m") {
		t.Errorf("refresh: %q", out)
	}
	s := c.state().Sessions["work"]
	if s.PublicKey == old.PublicKey || s.Token == old.Token {
		t.Error("refresh kept the old key pair or token")
	}
	if has, _ := c.keysHave(old.PublicKey); has {
		t.Error("the old key pair is still in the key store")
	}

	before := c.snapshot()
	srv.FailNext(400)
	r := c.run("", false, "refresh", "work")
	if r.code != ExitFailure || !strings.Contains(r.errOut, "the session is as it was") || c.snapshot() != before {
		t.Errorf("failed refresh: exit %d %q, store changed %v", r.code, r.errOut, c.snapshot() != before)
	}
	c.ok("logout")
	if r := c.run("", false, "refresh"); r.code != ExitNotFound {
		t.Errorf("refresh with none active: exit %d", r.code)
	}
}
