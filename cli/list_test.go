package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/store"
)

func TestListOutput(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := tkauth(t, "--home", dir, "--keyring", "file", "list")
	if code != ExitOK || !strings.Contains(out, "No sessions in "+dir) || !strings.Contains(out, "tkauth demo") || !strings.Contains(out, "tkauth login --org") {
		t.Fatalf("empty store: code %d\n%s%s", code, out, errOut)
	}

	seededDemo(t, dir, time.Now()) // list reads the real clock
	code, out, errOut = tkauth(t, "--home", dir, "--keyring", "file", "list")
	if code != ExitOK || errOut != "" {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6:\n%s", len(lines), out)
	}
	for _, line := range lines {
		key := strings.Fields(strings.TrimPrefix(line, "*"))[0]
		if active := strings.HasPrefix(line, "* "); active != (key == fixture.DemoActive) {
			t.Errorf("line %q: active mark %v", line, active)
		}
		if !strings.Contains(line, "unverified") {
			t.Errorf("line %q: demo tokens are unverified", line)
		}
		if key == "globex/ci" && !strings.Contains(line, "expired ") {
			t.Errorf("line %q: not labelled expired", line)
		}
		if strings.HasSuffix(line, " ") {
			t.Errorf("line %q ends in spaces", line)
		}
	}
	st, _ := store.NewFile(dir).Load(context.Background())
	for _, s := range st.Sessions {
		if strings.Contains(out, s.Token) {
			t.Error("list printed a token")
		}
	}
	// `tkauth` with no arguments lists too (the TUI comes in issue 2 of 6).
	if _, bare, _ := tkauth(t, "--home", dir, "--keyring", "file"); bare != out {
		t.Errorf("bare tkauth printed\n%s\nwant\n%s", bare, out)
	}
}

func TestList(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("list"); !strings.Contains(out, "No sessions in "+c.home) {
		t.Errorf("empty list: %q", out)
	}
	if out := c.ok("list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("empty list --json: %q", out)
	}
	a, _, _ := twoSessions(t, c)

	list := c.listJSON()
	if len(list) != 2 {
		t.Fatalf("%d sessions", len(list))
	}
	want := jsonSession{SessionKey: "a", Active: false, UserID: "user-" + a[2:8], OrganizationID: "org-1", SessionType: "SESSION_TYPE_READ_WRITE",
		Expiry: list[0].Expiry, Expired: false, Verified: false, PublicKey: a, KeyPair: "present"}
	if !reflect.DeepEqual(list[0], want) || list[0].Expiry < time.Now().Unix() {
		t.Errorf("list --json a = %+v\nwant %+v", list[0], want)
	}
	if !list[1].Active || !list[1].Expired || list[1].KeyPair != "missing" {
		t.Errorf("list --json b = %+v", list[1])
	}
	// The JSON field names are the documented schema.
	var raw []map[string]any
	json.Unmarshal([]byte(c.ok("list", "--json")), &raw)
	var fields []string
	for k := range raw[0] {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	if got := strings.Join(fields, " "); got != "active expired expiry keyPair organizationId publicKey sessionKey sessionType userId verified" {
		t.Errorf("fields: %s", got)
	}

	plain := c.ok("list")
	if !regexp.MustCompile(`(?m)^\* b .*expired .* ago.*unverified, key pair missing$`).MatchString(plain) {
		t.Errorf("plain list:\n%s", plain)
	}
	table := c.run("", true, "list").out
	if !strings.HasPrefix(table, "  SESSION") || !strings.Contains(table, "KEY PAIR") {
		t.Errorf("table on a terminal:\n%s", table)
	}

	c.noSecrets()
}

// twoSessions stores in c session a (a key pair's, an hour left) and b
// (expired, active, its private key deleted), and returns their public
// keys and a's token.
func twoSessions(t *testing.T, c *harness) (a, b, tokA string) {
	t.Helper()
	a, b = c.keyPair(), c.keyPair()
	tokA = token(t, a, time.Hour)
	c.add("a", tokA)
	c.add("b", token(t, b, -time.Minute))
	if err := os.Remove(filepath.Join(store.NewFileKeys(c.home).Dir(), b+".private")); err != nil {
		t.Fatal(err)
	}
	return a, b, tokA
}

// The table's columns line up by display width, wide characters included.
func TestListAlignsByDisplayWidth(t *testing.T) {
	c := newCLI(t)
	c.add("会社/管理", token(t, c.keyPair(), time.Hour))
	c.add("acme/admin-longer", token(t, c.keyPair(), 2*time.Hour))
	r := c.run("", true, "list")
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if r.code != 0 || len(lines) != 3 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.out, r.errOut)
	}
	col := func(line, field string) int { return ansi.StringWidth(line[:strings.Index(line, field)]) }
	for _, l := range lines[1:] {
		if got, want := col(l, "expires in"), col(lines[0], "EXPIRES"); got != want {
			t.Errorf("EXPIRES at column %d, want %d:\n%s", got, want, r.out)
		}
	}
}

// On a terminal, list fits its width as the TUI does: the least needed
// columns go first, then long session keys are cut with "…"; without one,
// the plain lines stay whole.
func TestListFitsTheTerminal(t *testing.T) {
	c := newCLI(t)
	for i := range 10 {
		c.add(fmt.Sprintf("%02d-%s", i, strings.Repeat("k", 57)), token(t, c.keyPair(), time.Hour))
	}
	for _, width := range []int{80, 60, 120} {
		var out bytes.Buffer
		ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: io.Discard, IsTerminal: true, Width: width}
		if code := Run([]string{"--home", c.home, "--keyring", "file", "list"}, ios); code != 0 {
			t.Fatalf("exit %d", code)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		for _, l := range lines {
			if w := escape.Width(l); w > width {
				t.Errorf("at %d columns, a line of %d: %q", width, w, l)
			}
		}
		if len(lines) != 11 || !strings.Contains(lines[0], "EXPIRES") || !strings.Contains(lines[1], "expires in") {
			t.Errorf("at %d columns:\n%s", width, out.String())
		}
		if width == 80 && (!strings.Contains(lines[1], "…") || strings.Contains(lines[0], "USER")) {
			t.Errorf("at 80 columns the user column stays, or no key is cut:\n%s", out.String())
		}
	}
	// keys list too: public keys shown by their ends, then users cut.
	for _, width := range []int{80, 60} {
		var out bytes.Buffer
		ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: io.Discard, IsTerminal: true, Width: width}
		if code := Run([]string{"--home", c.home, "--keyring", "file", "keys", "list"}, ios); code != 0 {
			t.Fatalf("keys list: exit %d", code)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		for _, l := range lines {
			if w := escape.Width(l); w > width {
				t.Errorf("keys list at %d columns, a line of %d: %q", width, w, l)
			}
		}
		if len(lines) != 11 || !strings.Contains(lines[1], "…") {
			t.Errorf("keys list at %d columns:\n%s", width, out.String())
		}
	}
	// Not a terminal: whole lines, as before.
	if out := c.ok("list"); !strings.Contains(out, strings.Repeat("k", 57)) {
		t.Errorf("plain list cut a key:\n%s", out)
	}
	if out := c.ok("keys", "list"); !strings.Contains(out, strings.Repeat("k", 57)) || strings.Contains(out, "…") {
		t.Errorf("plain keys list cut:\n%s", out)
	}
}
