package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestShow(t *testing.T) {
	c := newCLI(t)
	_, _, tokA := twoSessions(t, c)
	show := c.ok("show")
	for _, w := range []string{"Session       b (active)", "Key pair      missing in the file key store", "expired"} {
		if !strings.Contains(show, w) {
			t.Errorf("show lacks %q:\n%s", w, show)
		}
	}
	if strings.Contains(show, tokA) {
		t.Error("show printed a token without --token")
	}
	if got := strings.TrimSpace(c.ok("show", "a", "--token")); got != tokA {
		t.Errorf("show --token = %q", got)
	}
	var j jsonSession
	json.Unmarshal([]byte(c.ok("show", "a", "--json")), &j)
	if j.SessionKey != "a" || j.Token != "" || j.StoredAt == nil {
		t.Errorf("show --json = %+v", j)
	}
	json.Unmarshal([]byte(c.ok("show", "a", "--json", "--token")), &j)
	if j.Token != tokA {
		t.Error("show --json --token lacks the token")
	}
	if r := c.run("", false, "show", "zz"); r.code != ExitNotFound {
		t.Errorf("show unknown: %d", r.code)
	}
	c.seen.Reset() // --token printed tokens on purpose
	c.ok("list")
	c.ok("show", "a")
	c.noSecrets()
}
