package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// cli runs tkauth on one store with the file key store and fake streams.
type cli struct {
	t    *testing.T
	home string
	// seen collects everything printed, to check no secret leaks.
	seen bytes.Buffer
}

func newCLI(t *testing.T) *cli { return &cli{t: t, home: t.TempDir()} }

type result struct {
	code        int
	out, errOut string
}

// run runs tkauth with stdin, which is not a terminal unless tty.
func (c *cli) run(stdin string, tty bool, args ...string) result {
	c.t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, IsTerminal: tty, StdinTerminal: tty}
	code := run(append([]string{"--home", c.home, "--keyring", "file"}, args...), ios)
	c.seen.WriteString(out.String() + errOut.String())
	return result{code, out.String(), errOut.String()}
}

func (c *cli) ok(args ...string) string {
	c.t.Helper()
	r := c.run("", false, args...)
	if r.code != 0 {
		c.t.Fatalf("tkauth %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.out, r.errOut)
	}
	return r.out
}

// keyPair creates a key pair with `keys create` and returns its public key.
func (c *cli) keyPair() string {
	c.t.Helper()
	pub := strings.TrimSpace(c.ok("keys", "create"))
	if _, err := session.ParsePublicKey(pub); err != nil {
		c.t.Fatalf("keys create printed %q", pub)
	}
	return pub
}

var testNotarizer, _, _ = session.NewPrivateKey()

func token(t *testing.T, pub string, d time.Duration) string {
	t.Helper()
	tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(d), PublicKey: pub, Type: session.ReadWrite,
		UserID: "user-" + pub[2:8], OrganizationID: "org-1"}, testNotarizer)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (c *cli) add(key, tok string) {
	c.t.Helper()
	if r := c.run(tok, false, "add", "--session-key", key); r.code != 0 {
		c.t.Fatalf("add %s: exit %d %s", key, r.code, r.errOut)
	}
}

func (c *cli) state() *session.State {
	c.t.Helper()
	st, err := store.NewFile(c.home).Load(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	return st
}

// keysHave reports whether the file key store holds pub.
func (c *cli) keysHave(pub string) (bool, error) {
	return store.NewFileKeys(c.home).Has(context.Background(), pub)
}

// genStamp is the session file's generation stamp, new at every write.
var genStamp = regexp.MustCompile(`"gen":"[0-9a-f]{16}",`)

// snapshot is the session file (less its generation stamp) and the key
// files, to compare after a failure.
func (c *cli) snapshot() string {
	b, _ := os.ReadFile(store.NewFile(c.home).Path())
	b = genStamp.ReplaceAll(b, nil)
	files, _ := filepath.Glob(filepath.Join(store.NewFileKeys(c.home).Dir(), "*.private"))
	return string(b) + strings.Join(files, "\n")
}

func (c *cli) listJSON() []jsonSession {
	c.t.Helper()
	var list []jsonSession
	if err := json.Unmarshal([]byte(c.ok("list", "--json")), &list); err != nil {
		c.t.Fatal(err)
	}
	return list
}

// noSecrets checks that nothing printed holds a private key, or a token
// other than those in allowed.
func (c *cli) noSecrets(allowed ...string) {
	c.t.Helper()
	seen := c.seen.String()
	for _, a := range allowed {
		seen = strings.ReplaceAll(seen, a, "")
	}
	keys := store.NewFileKeys(c.home)
	for pub := range c.state().KeyPairs {
		if priv, err := keys.Get(context.Background(), pub); err == nil && strings.Contains(seen, priv) {
			c.t.Errorf("a private key was printed")
		}
	}
	if regexp.MustCompile(`eyJ[\w-]+\.[\w-]+\.[\w-]+`).MatchString(seen) {
		c.t.Errorf("a token was printed without --token")
	}
}

func TestAdd(t *testing.T) {
	c := newCLI(t)
	pub := c.keyPair()
	tok := token(t, pub, time.Hour)

	// From stdin, when stdin is not a terminal.
	r := c.run(tok+"\n", false, "add")
	if r.code != 0 || !strings.Contains(r.out, "Stored session "+session.DefaultKey+" (now active)") || !strings.Contains(r.out, "unverified") {
		t.Fatalf("add from stdin: %d %q %q", r.code, r.out, r.errOut)
	}
	// From a file, under a key; then replaced from stdin with -.
	file := filepath.Join(t.TempDir(), "tok.jwt")
	os.WriteFile(file, []byte(tok), 0o600)
	if out := c.ok("add", "--session-key", "a", "--token-file", file); !strings.Contains(out, "Stored session a") {
		t.Errorf("add --token-file: %q", out)
	}
	pub2 := c.keyPair()
	r = c.run(token(t, pub2, time.Hour), true, "add", "--session-key", session.DefaultKey, "--token-file", "-")
	if r.code != 0 || !strings.Contains(r.out, "Replaced session") || strings.Contains(r.out, "Deleted the replaced") {
		t.Errorf("replace (old key pair still used by a): %q", r.out)
	}
	st := c.state()
	if st.Active != session.DefaultKey || st.Sessions[session.DefaultKey].PublicKey != pub2 {
		t.Errorf("active %q", st.Active)
	}
	// An imported token, its key pair not tkauth's.
	imported := "02f739f8c77b32f4d5f13265861febd76e7a9c61a1140d296b8c16302508870316"
	if r := c.run(token(t, imported, time.Hour), false, "add", "--session-key", "imp"); !strings.Contains(r.out, "was not created by tkauth") {
		t.Errorf("imported: %q", r.out)
	}

	for _, tt := range []struct {
		name  string
		stdin string
		tty   bool
		args  []string
		code  int
		says  string
	}{
		{"token as an argument", "", false, []string{"add", tok}, exitUsage, "shell history"},
		{"nothing on a terminal", "", true, []string{"add"}, exitUsage, "give --token-file FILE"},
		{"empty stdin", "", false, []string{"add"}, exitFailure, "input was empty"},
		{"malformed", "a.b", false, []string{"add"}, exitFailure, "3 dot-separated parts"},
		{"missing file", "", false, []string{"add", "--token-file", "/nonexistent/t"}, exitFailure, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := c.state()
			r := c.run(tt.stdin, tt.tty, tt.args...)
			if r.code != tt.code || !strings.Contains(r.errOut, tt.says) {
				t.Errorf("exit %d, stderr %q; want %d saying %q", r.code, r.errOut, tt.code, tt.says)
			}
			if len(c.state().Sessions) != len(before.Sessions) {
				t.Error("a failed add changed the store")
			}
		})
	}
	c.noSecrets()
}

// A 10 MB "token" is refused with a clear error, having read no more of it
// than a token can be.
func TestAddRefusesAHugeToken(t *testing.T) {
	c := newCLI(t)
	huge := strings.Repeat("A", 10<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := c.run(huge, false, "add")
	runtime.ReadMemStats(&after)
	if r.code != exitFailure || !strings.Contains(r.errOut, "larger than the 65536 a session token can be") {
		t.Fatalf("exit %d: %q", r.code, r.errOut)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 4<<20 {
		t.Errorf("refusing a 10 MB token allocated %d bytes", alloc)
	}
	t.Logf("refusing a 10 MB token through tkauth add allocated %d bytes", alloc)
	if len(c.state().Sessions) != 0 {
		t.Error("something was stored")
	}
}

func TestListAndShow(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("list"); !strings.Contains(out, "No sessions in "+c.home) {
		t.Errorf("empty list: %q", out)
	}
	if out := c.ok("list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("empty list --json: %q", out)
	}
	a, b := c.keyPair(), c.keyPair()
	tokA := token(t, a, time.Hour)
	c.add("a", tokA)
	c.add("b", token(t, b, -time.Minute))
	os.Remove(filepath.Join(store.NewFileKeys(c.home).Dir(), b+".private"))

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
	if r := c.run("", false, "show", "zz"); r.code != exitNotFound {
		t.Errorf("show unknown: %d", r.code)
	}
	c.seen.Reset() // --token printed tokens on purpose
	c.ok("list")
	c.ok("show", "a")
	c.noSecrets()
}

func TestSwitch(t *testing.T) {
	c := newCLI(t)
	a, b := c.keyPair(), c.keyPair()
	c.add("a", token(t, a, time.Hour))
	c.add("b", token(t, b, time.Hour))
	if out := c.ok("switch", "a"); out != "Active session: a\n" || c.state().Active != "a" {
		t.Errorf("switch a: %q, active %q", out, c.state().Active)
	}
	r := c.run("", false, "switch", "zz")
	if r.code != exitNotFound || !strings.Contains(r.errOut, "tkauth list") || c.state().Active != "a" {
		t.Errorf("switch zz: %d %q", r.code, r.errOut)
	}
	if r := c.run("", false, "switch"); r.code != exitUsage {
		t.Errorf("switch with no key: %d", r.code)
	}
}

func TestLogout(t *testing.T) {
	c := newCLI(t)
	shared, own, old := c.keyPair(), c.keyPair(), c.keyPair()
	c.add("s1", token(t, shared, time.Hour))
	c.add("s2", token(t, shared, time.Hour))
	c.add("old", token(t, old, -time.Hour))
	c.add("own", token(t, own, time.Hour))

	// A terminal asks first; no keeps everything.
	r := c.run("n\n", true, "logout", "s1")
	if r.code != exitFailure || !strings.Contains(r.errOut, "Key pair kept: used by s2.") || len(c.state().Sessions) != 4 {
		t.Errorf("declined: %d %q", r.code, r.errOut)
	}
	r = c.run("y\n", true, "logout", "s1")
	if r.code != 0 || r.out != "Logged out s1; 0 key pairs deleted; key pair kept: used by s2.\n" {
		t.Errorf("confirmed: %d %q %q", r.code, r.out, r.errOut)
	}
	// Without a key, the active session; then there is none.
	if out := c.ok("logout"); out != "Logged out own; 1 key pair deleted; no session is active now.\n" {
		t.Errorf("logout: %q", out)
	}
	r = c.run("", false, "logout")
	if r.code != exitNotFound || r.errOut != "tkauth: no active session: name one (`tkauth logout KEY`), or choose one with `tkauth switch KEY`\n" {
		t.Errorf("no active: %d %q", r.code, r.errOut)
	}
	if r := c.run("", false, "logout", "zz"); r.code != exitNotFound {
		t.Errorf("unknown key: %d", r.code)
	}
	for _, args := range [][]string{{"logout", "s2", "--all"}, {"logout", "--all", "--expired"}, {"logout", "a", "b"}} {
		if r := c.run("", false, args...); r.code != exitUsage {
			t.Errorf("%v: %d", args, r.code)
		}
	}
	if out := c.ok("logout", "--expired"); out != "Logged out old; 1 key pair deleted.\n" {
		t.Errorf("--expired: %q", out)
	}
	if out := c.ok("logout", "--expired"); out != "No expired sessions.\n" {
		t.Errorf("--expired again: %q", out)
	}
	// --all needs --yes without a terminal.
	r = c.run("", false, "logout", "--all")
	if r.code != exitUsage || !strings.Contains(r.errOut, "--yes") || len(c.state().Sessions) != 1 {
		t.Errorf("--all without --yes: %d %q", r.code, r.errOut)
	}
	if out := c.ok("logout", "--all", "--yes"); out != "Logged out s2; 1 key pair deleted.\n" {
		t.Errorf("--all --yes: %q", out)
	}
	st := c.state()
	if len(st.Sessions) != 0 || len(st.KeyPairs) != 0 {
		t.Errorf("left %d sessions, %d key pairs", len(st.Sessions), len(st.KeyPairs))
	}
	c.noSecrets()
}

func TestKeysCommands(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("keys", "list"); !strings.Contains(out, "no key pairs") {
		t.Errorf("empty keys list: %q", out)
	}
	used, spare := c.keyPair(), c.keyPair()
	c.add("a", token(t, used, time.Hour))
	var keys []jsonKeyPair
	json.Unmarshal([]byte(c.ok("keys", "list", "--json")), &keys)
	if len(keys) != 2 {
		t.Fatalf("%d key pairs", len(keys))
	}
	for _, k := range keys {
		wantUsers := []string{}
		if k.PublicKey == used {
			wantUsers = []string{"a"}
		}
		if !slices.Equal(k.UsedBy, wantUsers) || k.KeyStore != "file" || k.KeyPair != "present" || k.New != (k.PublicKey == spare) {
			t.Errorf("key pair %+v", k)
		}
	}
	// spare is new and unclaimed: a login may be about to use it.
	if out := c.ok("keys", "prune"); out != "No unused key pairs to delete.\nKept 1 new key pair that no session has used yet: a login may be about to (--include-new deletes them too).\n" || len(c.state().KeyPairs) != 2 {
		t.Errorf("prune of a new key pair: %q", out)
	}
	r := c.run("n\n", true, "keys", "prune", "--include-new")
	if r.code != exitFailure || !strings.Contains(r.errOut, spare) || len(c.state().KeyPairs) != 2 {
		t.Errorf("prune declined: %d %q", r.code, r.errOut)
	}
	if out := c.ok("keys", "prune", "--include-new"); out != "Deleted key pair "+spare+"\n" {
		t.Errorf("prune --include-new: %q", out)
	}
	if out := c.ok("keys", "prune"); out != "No unused key pairs to delete.\n" {
		t.Errorf("prune again: %q", out)
	}
	if r := c.run("", false, "keys", "bogus"); r.code != exitUsage {
		t.Errorf("keys bogus: %d", r.code)
	}
	c.noSecrets()
}

func TestVersion(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("version"); !regexp.MustCompile(`^tkauth \S+ \(commit \S+, go1\.\d+`).MatchString(out) {
		t.Errorf("version: %q", out)
	}
}
