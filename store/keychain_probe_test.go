//go:build unix

package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A keychain's `security` stand-in that answers as a Mac with an
// unlocked login keychain does, and records every call.
const unlockedMac = `case $1 in
default-keychain) echo '    "/Users/ada/Library/Keychains/login.keychain-db"';;
dump-keychain) echo 'keychain: "/Users/ada/Library/Keychains/login.keychain-db"';;
find-generic-password) echo 'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.' >&2; exit 44;;
esac`

// macSystemKeys is the system key store on a Mac whose security is fake.
func macSystemKeys(fake keychain) *SystemKeys {
	sys := NewSystemKeys("tkauth", time.Second)
	fake.found = &sys.keychainFile
	sys.test = fake
	return sys
}

// calls is the security command lines the fake ran, one a line.
func calls(t *testing.T, dir string) []string {
	t.Helper()
	s := strings.TrimSpace(read(t, filepath.Join(dir, "calls")))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// `tkauth list` with auto on macOS: auto's choice, then presence. The
// first command in a store probes the keychain with a write; after that,
// a command writes nothing and runs security twice (default-keychain,
// then one dump-keychain of that keychain).
func TestKeychainAutoWritesOncePerStore(t *testing.T) {
	ctx := context.Background()
	store := t.TempDir()
	fake, dir := fakeSecurity(t, unlockedMac)
	pubs := []string{"02" + strings.Repeat("ab", 32), "03" + strings.Repeat("cd", 32)}
	list := func() []string {
		t.Helper()
		before := len(calls(t, dir))
		ks, err := openKeyStores(ctx, KeyringAuto, store, macSystemKeys(fake))
		if err != nil || ks.Keys.Name() != KeyringSystem || ks.Note != "" {
			t.Fatalf("auto: %+v, %v", ks, err)
		}
		if _, err := ks.Keys.(*SystemKeys).HasMany(ctx, pubs); err != nil {
			t.Fatal(err)
		}
		return calls(t, dir)[before:]
	}
	first := list()
	if len(first) != 4 || first[0] != "default-keychain" || first[1] != "-i" || !strings.HasPrefix(first[2], "delete-generic-password") {
		t.Errorf("first command in a store ran security %d times: %q; want default-keychain, the probe's add and delete, dump-keychain", len(first), first)
	}
	for run := range 3 {
		got := list()
		want := []string{"default-keychain", "dump-keychain /Users/ada/Library/Keychains/login.keychain-db"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("command %d ran security %d times: %q; want %q and no write", run+2, len(got), got, want)
		}
	}
	t.Logf("security processes per tkauth list: %d the first time in a store, %d after", len(first), 2)
}

// A keychain that is locked and cannot prompt is said as locked on every
// path, presence's dump-keychain (which exits 1) included.
func TestKeychainLockedInEveryPath(t *testing.T) {
	ctx := context.Background()
	locked := `case $1 in
default-keychain) echo '    "/Users/ada/Library/Keychains/login.keychain-db"';;
dump-keychain) echo 'security: SecKeychainItemCopyAttributesAndData: User interaction is not allowed.' >&2; exit 1;;
*) echo 'security: SecKeychainItemCopyContent: User interaction is not allowed.' >&2; exit 36;;
esac`
	fake, _ := fakeSecurity(t, locked)
	sys := macSystemKeys(fake)
	pub := "02" + strings.Repeat("ab", 32)
	_, hasErr := sys.HasMany(ctx, []string{pub})
	_, getErr := sys.Get(ctx, pub)
	for name, err := range map[string]error{
		"presence": hasErr,
		"get":      getErr,
		"put":      sys.Put(ctx, pub, "x"),
		"delete":   sys.Delete(ctx, pub),
		"probe":    sys.Probe(ctx),
	} {
		if !errors.Is(err, ErrKeyringLocked) || !strings.Contains(fmtErr(err), "keychain is locked") || strings.Contains(fmtErr(err), "status 1") {
			t.Errorf("%s: %v; want the keychain said locked", name, err)
		}
	}
	ks, err := openKeyStores(ctx, KeyringAuto, t.TempDir(), sys)
	if err != nil || ks.Keys.Name() != KeyringFile || !strings.Contains(ks.Note, "locked") {
		t.Errorf("auto on a locked keychain: %+v, %v; want files, saying why", ks, err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The test keychain is named to every call, so that tests touch only it.
func TestKeychainTestHookNamesItsKeychain(t *testing.T) {
	ctx := context.Background()
	fake, dir := fakeSecurity(t, unlockedMac)
	fake.file = "/tmp/tkauth-test/test.keychain-db"
	sys := macSystemKeys(fake)
	pub := "02" + strings.Repeat("ab", 32)
	sys.Put(ctx, pub, "s")
	if stdin := read(t, filepath.Join(dir, "stdin")); !strings.HasSuffix(stdin, ` "/tmp/tkauth-test/test.keychain-db"`+"\n") {
		t.Errorf("put's line %q does not name the test keychain", stdin)
	}
	sys.Get(ctx, pub)
	sys.Delete(ctx, pub)
	sys.HasMany(ctx, []string{pub})
	for _, c := range calls(t, dir)[1:] {
		if !strings.HasSuffix(c, " /tmp/tkauth-test/test.keychain-db") {
			t.Errorf("security %s: not the test keychain", c)
		}
	}
	if got := calls(t, dir); len(got) != 4 {
		t.Errorf("ran %q; want no default-keychain with a test keychain", got)
	}
}

// The test hook takes only a keychain under the temporary directory.
func TestUnderTemp(t *testing.T) {
	for path, want := range map[string]string{
		"/tmp/x/test.keychain-db":  "/tmp/x/test.keychain-db",
		"/tmp/x/../x/k":            "/tmp/x/k",
		"/tmp":                     "",
		"/tmp/../Users/a/login":    "",
		"/Users/a/login.keychain":  "",
		"tmp/relative.keychain-db": "",
		"":                         "",
		"/tmpfoo/test.keychain-db": "",
		"/tmp/x\n/k.keychain-db":   "",
	} {
		if got := underTemp(path, "/tmp"); got != want {
			t.Errorf("underTemp(%q) = %q, want %q", path, got, want)
		}
	}
}

// flakyBackend is a keyring that answers checks and probes, and whose
// writes fail while fail is set.
type flakyBackend struct {
	fail   bool
	probes int
}

func (b *flakyBackend) put(context.Context, string, string) error {
	if b.fail {
		return errors.New("the keyring refused the item")
	}
	return nil
}
func (b *flakyBackend) get(context.Context, string) (string, error) { return "", errors.New("unused") }
func (b *flakyBackend) delete(context.Context, string) error {
	if b.fail {
		return errors.New("the keyring refused the delete")
	}
	return nil
}
func (b *flakyBackend) has(_ context.Context, users []string) (map[string]bool, error) {
	return map[string]bool{}, nil
}
func (b *flakyBackend) probe(context.Context) error           { b.probes++; return nil }
func (b *flakyBackend) check(context.Context) (string, error) { return "keyring k", nil }

// auto's record that the keyring takes items is forgotten when a later
// write to it fails, so that the next command probes again.
func TestAutoRecordClearedWhenAWriteFails(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b := &flakyBackend{}
	open := func() *SystemKeys {
		t.Helper()
		sys := NewSystemKeys("tkauth", time.Second)
		sys.test = b
		ks, err := openKeyStores(ctx, KeyringAuto, dir, sys)
		if err != nil || ks.Keys != sys {
			t.Fatalf("auto: %+v, %v", ks, err)
		}
		return sys
	}
	pub := "02" + strings.Repeat("ab", 32)
	for _, write := range []func(*SystemKeys) error{
		func(k *SystemKeys) error { return k.Put(ctx, pub, "x") },
		func(k *SystemKeys) error { return k.Delete(ctx, pub) },
	} {
		b.fail = false
		open()
		sys := open() // recorded: no probe
		probes := b.probes
		b.fail = true
		if err := write(sys); err == nil {
			t.Fatal("the write did not fail")
		}
		b.fail = false
		open()
		if b.probes != probes+1 {
			t.Errorf("after a failed write, auto probed %d times, want once more", b.probes-probes)
		}
	}
}
