package e2e

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// Claims and keys that try to drive the terminal: the built binary shows
// them escaped or cut in every command, on a real terminal and off it,
// never raw; --json stays exact.
func TestHostileClaimsNeverReachTheTerminalRaw(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, home := buildTkauth(t), t.TempDir()
	env := append(os.Environ(), "TKAUTH_HOME="+home, "TKAUTH_KEYRING=file")
	tk := func(stdin string, args ...string) binRun {
		t.Helper()
		return runBin(t, bin, env, stdin, args...)
	}
	pub := strings.TrimSpace(tk("", "keys", "create").out)
	const (
		key = "evil\x1b[2J\x1b[Hkey"
		org = "org\u202etxt.exe"
	)
	user := "user\x1b]52;c;cHduZWQ=\x07" + strings.Repeat("u", 10000)
	notarizer, _, err := session.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadOnly, UserID: user, OrganizationID: org}, notarizer)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{}
	record := func(name string, r binRun) {
		if r.code != 0 && !strings.Contains(name, "unknown") && !strings.Contains(name, "prompt") && !strings.Contains(name, "refused") {
			t.Errorf("%s: exit %d\n%s%s", name, r.code, r.out, r.errOut)
		}
		outputs[name] = r.out + r.errOut
	}
	record("add under a hostile key, refused", tk(tok, "add", "--session-key", key))
	record("add", tk(tok, "add", "--session-key", "plain"))
	// tkauth refuses such a key, but a store written by hand or by an
	// older tkauth may hold one: rename the session in the file itself.
	err = store.NewFile(home).Update(context.Background(), func(st *session.State, commit session.Commit) error {
		s := *st.Sessions["plain"]
		s.Key = key
		delete(st.Sessions, "plain")
		st.Sessions[key], st.Active = &s, key
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	record("list", tk("", "list"))
	record("list on a terminal", onTerminal(t, bin, env, "", "list"))
	record("show", tk("", "show"))
	record("show on a terminal", onTerminal(t, bin, env, "", "show"))
	record("keys list", tk("", "keys", "list"))
	record("switch to a hostile unknown key", tk("", "switch", "x\x1b[31m"))
	record("logout on a terminal, the prompt answered no", onTerminal(t, bin, env, "n\n", "logout", key))
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
	if !strings.Contains(outputs["list on a terminal"], "SESSION") {
		t.Errorf("list on a terminal printed no table: not a terminal?\n%s", outputs["list on a terminal"])
	}
	if !strings.Contains(outputs["show"], `evil\x1b[2J\x1b[Hkey`) || !strings.Contains(outputs["show"], `org\u202etxt.exe`) {
		t.Errorf("show does not show the escaped claims:\n%s", outputs["show"])
	}
	if !strings.Contains(outputs["logout on a terminal, the prompt answered no"], `Log out evil\x1b[2J\x1b[Hkey?`) {
		t.Errorf("the logout prompt does not name the session, escaped:\n%s", outputs["logout on a terminal, the prompt answered no"])
	}

	var list []listedSession
	if err := json.Unmarshal([]byte(tk("", "list", "--json").out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].SessionKey != key || list[0].UserID != user || list[0].OrganizationID != org {
		t.Errorf("--json is not exact: %q %q", list[0].SessionKey, list[0].OrganizationID)
	}
	if r := tk("", "logout", key); r.code != 0 || strings.Contains(r.out+r.errOut, "\x1b") {
		t.Errorf("logout: exit %d, printed raw escapes: %q", r.code, r.out+r.errOut)
	}
}
