package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// Claims and keys that try to drive the terminal: shown escaped or cut by
// every command, never raw; --json stays exact.
func TestHostileClaimsNeverReachTheTerminalRaw(t *testing.T) {
	c := newCLI(t)
	pub := c.keyPair()
	const (
		key = "evil\x1b[2J\x1b[Hkey"
		org = "org\u202etxt.exe"
	)
	user := "user\x1b]52;c;cHduZWQ=\x07" + strings.Repeat("u", 10000)
	tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadOnly, UserID: user, OrganizationID: org}, testNotarizer)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{}
	record := func(name string, r result) {
		outputs[name] = r.out + r.errOut
	}
	record("add", c.run(tok, false, "add", "--session-key", key))
	record("list", c.run("", false, "list"))
	record("list on a terminal", c.run("", true, "list"))
	record("show", c.run("", false, "show"))
	record("keys list", c.run("", false, "keys", "list"))
	record("switch to a hostile unknown key", c.run("", false, "switch", "x\x1b[31m"))
	record("logout (prompt)", c.run("n\n", true, "logout", key))
	for name, out := range outputs {
		for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s printed %q raw", name, bad)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if len(line) > 600 {
				t.Errorf("%s printed a line of %d bytes: a long claim was not cut", name, len(line))
			}
		}
	}
	if !strings.Contains(outputs["show"], `evil\x1b[2J\x1b[Hkey`) || !strings.Contains(outputs["show"], `org\u202etxt.exe`) {
		t.Errorf("show does not show the escaped claims:\n%s", outputs["show"])
	}

	var list []jsonSession
	if err := json.Unmarshal([]byte(c.ok("list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].SessionKey != key || list[0].UserID != user || list[0].OrganizationID != org {
		t.Errorf("--json is not exact: %q %q", list[0].SessionKey, list[0].OrganizationID)
	}
	if out := c.ok("logout", key); strings.Contains(out, "\x1b") {
		t.Errorf("logout printed raw escapes: %q", out)
	}
}
