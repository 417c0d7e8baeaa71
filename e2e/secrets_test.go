package e2e

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/store"
)

var jwtRE = regexp.MustCompile(`eyJ[\w-]+\.[\w-]+\.[\w-]+`)

// Every command, run as a user would (on the real keyring when one runs,
// always under CI): nothing printed holds a private key, nothing holds a
// token unless show --token asked for it, and with the system keyring no
// private key is written to disk.
func TestNoSecretLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ctx := context.Background()
	bin, home, tmp := buildTkauth(t), t.TempDir(), t.TempDir()
	keys, service := e2eKeyStore(t, home)
	// TMPDIR: anything tkauth writes to temp is scanned too.
	env := append(os.Environ(), "TKAUTH_HOME="+home, "TKAUTH_KEYRING="+keys.Name(), "TKAUTH_KEYRING_SERVICE="+service, "TMPDIR="+tmp)
	var printed bytes.Buffer
	tkauth := func(stdin string, args ...string) string {
		t.Helper()
		r := runBin(t, bin, env, stdin, args...)
		if r.code != 0 {
			t.Fatalf("tkauth %s: exit %d: %s", strings.Join(args, " "), r.code, r.errOut)
		}
		printed.WriteString(r.out + r.errOut)
		return r.out
	}
	var privs, tokens []string
	newKey := func() string {
		pub := strings.TrimSpace(tkauth("", "keys", "create"))
		priv, err := keys.Get(ctx, pub)
		if err != nil {
			t.Fatal(err)
		}
		privs = append(privs, priv)
		return pub
	}
	shared, solo := newKey(), newKey()
	newKey() // unused: for prune
	for _, s := range []struct {
		key, pub string
		exp      time.Duration
	}{{"a", shared, time.Hour}, {"b", shared, time.Hour}, {"c", solo, -time.Minute}} {
		tok := token(t, s.pub, s.exp)
		tokens = append(tokens, tok)
		tkauth(tok, "add", "--session-key", s.key)
	}
	tkauth("", "list")
	tkauth("", "status", "b", "--json")
	tkauth("", "show")
	tkauth("", "show", "b", "--json")
	tkauth("", "switch", "a")
	tkauth("", "keys", "list")
	tkauth("", "keys", "list", "--json")
	tkauth("", "logout", "--expired")
	tkauth("", "logout", "b")
	tkauth("", "keys", "prune", "--include-new")
	tkauth("", "version")
	demoDir := t.TempDir()
	tkauth("", "demo", "--dir", demoDir)
	demoKeys, _ := filepath.Glob(filepath.Join(store.NewFileKeys(demoDir).Dir(), "*.private"))
	for _, f := range demoKeys {
		b, _ := os.ReadFile(f)
		privs = append(privs, strings.TrimSpace(string(b)))
	}
	if len(demoKeys) == 0 {
		t.Fatal("demo made no key files to look for")
	}
	tkauth("", "logout", "--all", "--yes")

	out := printed.String()
	for _, p := range privs {
		if strings.Contains(out, p) {
			t.Errorf("a private key was printed")
		}
	}
	if m := jwtRE.FindString(out); m != "" {
		t.Errorf("a token was printed without --token: %.20s…", m)
	}

	// The control: the scan finds a token when one is asked for.
	tkauth(tokens[0], "add", "--session-key", "z")
	if got := tkauth("", "show", "z", "--token"); !jwtRE.MatchString(got) {
		t.Errorf("show --token printed no token: %q", got)
	}

	if keys.Name() != store.KeyringSystem {
		t.Log("no system keyring here: with the file key store private keys are on disk by design; skipping the disk scan")
		return
	}
	for _, dir := range []string{home, tmp} {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, _ := os.ReadFile(p)
			for _, priv := range privs[:3] {
				if bytes.Contains(b, []byte(priv)) {
					t.Errorf("private key written to %s", p)
				}
			}
			return nil
		})
	}
}
