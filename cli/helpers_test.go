package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// tkauth runs the command line with fake streams, on the file key store
// unless args choose otherwise.
func tkauth(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(args, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

// seededDemo fills dir with the demo sessions as at now and returns what
// `demo` printed.
func seededDemo(t *testing.T, dir string, now time.Time) string {
	t.Helper()
	var out bytes.Buffer
	opts := &DemoOptions{IO: &IOStreams{Out: &out, ErrOut: &out}, Dir: dir, Now: func() time.Time { return now }}
	if err := demoRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// harness runs tkauth on one store with the file key store and fake streams.
type harness struct {
	t       *testing.T
	home    string
	keyring string // --keyring; "" is file
	// seen collects everything printed, to check no secret leaks.
	seen bytes.Buffer
}

func newCLI(t *testing.T) *harness { return &harness{t: t, home: t.TempDir()} }

type result struct {
	code        int
	out, errOut string
}

// run runs tkauth with stdin, which is not a terminal unless tty.
func (c *harness) run(stdin string, tty bool, args ...string) result {
	c.t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, IsTerminal: tty, StdinTerminal: tty}
	keyring := c.keyring
	if keyring == "" {
		keyring = "file"
	}
	code := Run(append([]string{"--home", c.home, "--keyring", keyring}, args...), ios)
	c.seen.WriteString(out.String() + errOut.String())
	return result{code, out.String(), errOut.String()}
}

func (c *harness) ok(args ...string) string {
	c.t.Helper()
	r := c.run("", false, args...)
	if r.code != 0 {
		c.t.Fatalf("tkauth %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.out, r.errOut)
	}
	return r.out
}

// keyPair creates a key pair with `keys create` and returns its public key.
func (c *harness) keyPair() string {
	c.t.Helper()
	pub := strings.TrimSpace(c.ok("keys", "create"))
	if _, err := session.ParsePublicKey(pub); err != nil {
		c.t.Fatalf("keys create printed %q", pub)
	}
	return pub
}

// token mints a session token bound to pub, expiring in d (fixture.Token).
func token(t *testing.T, pub string, d time.Duration) string {
	t.Helper()
	tok, err := fixture.Token(pub, time.Now().Add(d))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (c *harness) add(key, tok string) {
	c.t.Helper()
	if r := c.run(tok, false, "add", "--session-key", key); r.code != 0 {
		c.t.Fatalf("add %s: exit %d %s", key, r.code, r.errOut)
	}
}

func (c *harness) state() *session.State {
	c.t.Helper()
	st, err := store.NewFile(c.home).Load(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	return st
}

// keysHave reports whether the file key store holds pub.
func (c *harness) keysHave(pub string) (bool, error) {
	return store.NewFileKeys(c.home).Has(context.Background(), pub)
}

// snapshot is the stored state, as a new reader reads it, and the key
// files, to compare after a failure.
func (c *harness) snapshot() string {
	var b []byte
	if st, err := store.NewFile(c.home).Load(context.Background()); err == nil {
		b, _ = store.Encode(st)
	}
	files, _ := filepath.Glob(filepath.Join(store.NewFileKeys(c.home).Dir(), "*.private"))
	return string(b) + strings.Join(files, "\n")
}

func (c *harness) listJSON() []jsonSession {
	c.t.Helper()
	var list []jsonSession
	if err := json.Unmarshal([]byte(c.ok("list", "--json")), &list); err != nil {
		c.t.Fatal(err)
	}
	return list
}

// noSecrets checks that nothing printed holds a private key, or a token
// other than those in allowed.
func (c *harness) noSecrets(allowed ...string) {
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

// withAPI points the commands at a fake Turnkey where user u of org o
// holds an API key, written in tkcli's format to the returned file (and
// as the tkcli key named "default").
func withAPI(t *testing.T) (*turnkeytest.Server, string) {
	t.Helper()
	srv := turnkeytest.New()
	t.Cleanup(srv.Close)
	t.Setenv("TURNKEY_API_BASE_URL", srv.URL)
	priv, pub, _ := session.NewPrivateKey()
	srv.AddAPIKey("o", "u", pub)
	hex, _ := session.EncodePrivateKey(priv)
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", t.TempDir()) // tvc's profiles are under it
	dir := filepath.Join(cfg, "turnkey", "keys")
	os.MkdirAll(dir, 0o700)
	file := filepath.Join(dir, "default.private")
	os.WriteFile(file, []byte(hex+":p256\n"), 0o600)
	return srv, file
}
