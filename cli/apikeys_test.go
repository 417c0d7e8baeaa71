package cli

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// keyringCLI is a harness whose key stores are the real Secret Service,
// under a service of this test's own, removed after it.
func keyringCLI(t *testing.T) (*harness, string) {
	t.Helper()
	requireTool(t, "secret-tool")
	b := make([]byte, 6)
	rand.Read(b)
	service := "tkauth-test-" + hex.EncodeToString(b)
	if err := store.NewSystemKeys(service, 5*time.Second).Probe(context.Background()); err != nil {
		if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
			t.Fatalf("no Secret Service: %v", err)
		}
		t.Skipf("no Secret Service: %v", err)
	}
	t.Setenv("TKAUTH_KEYRING_SERVICE", service)
	t.Cleanup(func() {
		exec.Command("secret-tool", "clear", "service", service).Run()
		exec.Command("secret-tool", "clear", "service", service+"-api-key").Run()
	})
	c := newCLI(t)
	c.keyring = "system"
	return c, service + "-api-key"
}

// skipOnKeePassXC skips a test that replaces items with secret-tool (as
// another program or an older tkauth would): a headless KeePassXC asks
// in a dialog, which nobody answers, before it replaces an item, and it
// stores secret-tool's items with attributes of its own, which an older
// tkauth's items never had (an older tkauth could not store in KeePassXC).
func skipOnKeePassXC(t *testing.T) {
	t.Helper()
	where, err := store.NewSystemKeys("tkauth-test", 5*time.Second).Check(context.Background())
	if err == nil && strings.Contains(where, "(keepassxc)") {
		t.Skip("KeePassXC: secret-tool's replacements wait on a dialog, and its items get KeePassXC's attributes")
	}
}

// secretTool runs secret-tool and returns its output. A secret-tool that
// waits on a dialog fails the test rather than the package's timeout.
func secretTool(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "secret-tool", args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil && args[0] != "lookup" {
		t.Fatalf("secret-tool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// import moves tkcli's key into the keyring, tkauth's item with only its
// attributes, beside another program's item it never touches; login then
// signs with it; list, and remove, see only tkauth's.
func TestAPIKeysInTheKeyring(t *testing.T) {
	srv, file := withAPI(t)
	c, service := keyringCLI(t)
	dir := filepath.Dir(file)
	k, priv := loadFile(t, file)
	os.WriteFile(filepath.Join(dir, "default.public"), []byte(k+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "default.meta"), []byte(`{"name":"default","organizations":["o"],"public_key":"`+k+`","scheme":"SIGNATURE_SCHEME_TK_API_P256"}`), 0o600)
	secretTool(t, "another program's secret", "store", "--label", "not tkauth's", "service", service, "username", "default", "app", "other")

	r := c.run("", false, "login", "--org", "o", "--session-key", "before")
	if r.code != 0 || !strings.Contains(r.errOut, "the API key came from the plain file "+file) || !strings.Contains(r.errOut, "`tkauth api-keys import default --remove-file` moves it into the keyring") {
		t.Errorf("login from the plain file: exit %d, %q", r.code, r.errOut)
	}

	var plain []jsonAPIKey
	json.Unmarshal([]byte(c.ok("api-keys", "list", "--json")), &plain)
	if len(plain) != 1 || plain[0].KeptIn != file || plain[0].PublicKey != k || plain[0].Curve != "p256" || strings.Join(plain[0].Organizations, ",") != "o" {
		t.Errorf("list before import: %+v", plain)
	}

	out := c.ok("api-keys", "import", "default", "--remove-file")
	if !strings.Contains(out, "Imported the API key default (p256, public key "+session.Short(k)) || !strings.Contains(out, "Removed ") {
		t.Errorf("import: %q", out)
	}
	for _, ext := range []string{".private", ".public", ".meta"} {
		if _, err := os.Stat(filepath.Join(dir, "default"+ext)); !os.IsNotExist(err) {
			t.Errorf("default%s is still there: %v", ext, err)
		}
	}
	// Completion offers the key, now only in the keyring, by its name.
	for _, args := range [][]string{{"__complete", "login", "--api-key", ""}, {"__complete", "api-keys", "remove", ""}} {
		if out := c.ok(args...); !strings.HasPrefix(out, "default\n") {
			t.Errorf("%v: %q", args, out)
		}
	}
	found := secretTool(t, "", "search", "--all", "service", service)
	if strings.Count(found, "\nlabel = ") != 2 || !strings.Contains(found, "label = tkauth Turnkey API key default") {
		t.Fatalf("the keyring holds:\n%s", found)
	}
	for _, item := range strings.Split(found, "[/")[1:] {
		if strings.Contains(item, "tkauth Turnkey API key") && (strings.Contains(item, "attribute.app") || !strings.Contains(item, "attribute.username = default")) {
			t.Errorf("tkauth's item has other attributes:\n%s", item)
		}
	}

	r = c.run("", false, "login", "--org", "o", "--api-key", "default", "--session-key", "work")
	if r.code != 0 || strings.Contains(r.errOut, "plain file") || !srv.HasKey(c.state().Sessions["work"].PublicKey) {
		t.Errorf("login with the key from the keyring: exit %d, %q", r.code, r.errOut)
	}

	r = c.run("", false, "exec", "--login", "o", "--api-key", "default", "--", "sh", "-c", `echo "$API_PUBLIC_KEY"; env`)
	if pub := strings.SplitN(r.out, "\n", 2)[0]; r.code != 0 || pub == "" || srv.HasKey(pub) || strings.Contains(r.errOut, "plain file") || strings.Contains(r.out, priv) {
		t.Errorf("exec --login with the key from the keyring: exit %d, %q %q", r.code, r.out, r.errOut)
	}

	var listed []jsonAPIKey
	json.Unmarshal([]byte(c.ok("api-keys", "list", "--json")), &listed)
	if len(listed) != 1 || listed[0].Name != "default" || listed[0].PublicKey != k || listed[0].KeptIn != "keyring" || strings.Join(listed[0].Organizations, ",") != "o" {
		t.Errorf("list: %+v", listed)
	}
	if out := c.ok("api-keys", "remove", "default", "--yes"); !strings.Contains(out, "Removed the API key default") {
		t.Errorf("remove: %q", out)
	}
	if got := secretTool(t, "", "lookup", "service", service, "username", "default", "app", "other"); got != "another program's secret" {
		t.Errorf("another program's item: %q", got)
	}
	if r := c.run("", false, "login", "--org", "o", "--api-key", "default"); r.code == 0 {
		t.Error("login worked with the key removed")
	}
}

// A key file others can read is refused, as OpenSSH refuses one; a tk
// JSON key imports; without a keyring import gains nothing and says so.
func TestAPIKeysImportRefusals(t *testing.T) {
	_, file := withAPI(t)
	c, service := keyringCLI(t)
	os.Chmod(file, 0o644)
	r := c.run("", false, "api-keys", "import")
	if r.code == 0 || !strings.Contains(r.errOut, "can be read by others (mode 0644)") {
		t.Errorf("a readable file: exit %d, %q", r.code, r.errOut)
	}
	if found := secretTool(t, "", "search", "--all", "service", service); strings.Contains(found, "label") {
		t.Errorf("the keyring changed: %s", found)
	}

	k, priv := loadFile(t, file)
	tk := filepath.Join(t.TempDir(), "ci.json")
	os.WriteFile(tk, []byte(`{"public_key":"`+k+`","private_key":"`+priv+`","curve":"p256"}`), 0o600)
	if out := c.ok("api-keys", "import", "--file", tk); !strings.Contains(out, "Imported the API key ci (p256") || !strings.Contains(out, "is still there") {
		t.Errorf("a tk key: %q", out)
	}

	plain := newCLI(t)
	if r := plain.run("", false, "api-keys", "import", "--allow-readable-file"); r.code == 0 || !strings.Contains(r.errOut, "gains nothing here") {
		t.Errorf("no keyring: exit %d, %q", r.code, r.errOut)
	}
}

// loadFile is the public key and private hex of a tkcli key file.
func loadFile(t *testing.T, path string) (pub, priv string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	priv, _, _ = strings.Cut(strings.TrimSpace(string(data)), ":")
	k, err := session.DecodePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return session.CompressPublicKey(&k.PublicKey), priv
}

// Two stores (TKAUTH_HOME A and B) keep keys of the same name in items of
// their own: creating or removing in B leaves A's key as it was; an item
// that holds another key than the one listed is never used.
func TestAPIKeysAreBoundToTheirStore(t *testing.T) {
	withAPI(t)
	a, service := keyringCLI(t)
	skipOnKeePassXC(t)
	b := newCLI(t)
	b.keyring = "system"
	pubA := strings.TrimSpace(a.ok("api-keys", "create", "deploy"))
	pubB := strings.TrimSpace(b.ok("api-keys", "create", "deploy"))
	if pubA == pubB {
		t.Fatal("two creates made one key")
	}
	signer := func(c *harness) string {
		t.Helper()
		k, _, err := c.factory().findAPIKey(context.Background(), "deploy", "")
		if err != nil {
			return "error: " + err.Error()
		}
		return k.PublicKey()
	}
	if got := signer(a); got != pubA {
		t.Errorf("A signs with %s, not its own %s", got, pubA)
	}
	if got := signer(b); got != pubB {
		t.Errorf("B signs with %s, not its own %s", got, pubB)
	}
	if found := secretTool(t, "", "search", "--all", "service", service); strings.Count(found, "\nlabel = ") != 2 {
		t.Errorf("two stores' keys are not two items:\n%s", found)
	}
	b.ok("api-keys", "remove", "deploy", "--yes")
	if got := signer(a); got != pubA {
		t.Errorf("after B's remove, A signs with %s, not %s", got, pubA)
	}

	// An item replaced behind tkauth's back (another program, an older
	// tkauth) is refused, saying so.
	var l struct {
		Store   string
		APIKeys []store.APIKeyInfo
	}
	data, _ := os.ReadFile(filepath.Join(a.home, "api-keys.json"))
	json.Unmarshal(data, &l)
	other, _, _ := session.NewPrivateKey()
	hexOther, _ := session.EncodePrivateKey(other)
	secretTool(t, hexOther+":p256", "store", "--label", "replaced", "service", service, "username", "deploy/"+l.Store)
	if got := signer(a); !strings.Contains(got, "holds the key "+session.Short(session.CompressPublicKey(&other.PublicKey))) || !strings.Contains(got, "not the "+session.Short(pubA)) {
		t.Errorf("a replaced item: %s", got)
	}
}

// Items an older tkauth made (user the name alone, list version 1) keep
// working; one that holds another store's key is not used, and remove
// leaves it.
func TestAPIKeysOfAnOlderTkauth(t *testing.T) {
	withAPI(t)
	a, service := keyringCLI(t)
	skipOnKeePassXC(t)
	priv, _, _ := session.NewPrivateKey()
	hexPriv, _ := session.EncodePrivateKey(priv)
	pub := session.CompressPublicKey(&priv.PublicKey)
	secretTool(t, hexPriv+":p256", "store", "--label", "tkauth Turnkey API key old", "service", service, "username", "old")
	os.MkdirAll(a.home, 0o700)
	os.WriteFile(filepath.Join(a.home, "api-keys.json"), []byte(`{"version":1,"apiKeys":[{"name":"old","publicKey":"`+pub+`","curve":"p256","addedAt":"2026-11-01T00:00:00Z"},{"name":"gone","publicKey":"`+pub+`","curve":"p256","addedAt":"2026-11-01T00:00:00Z"}]}`), 0o600)
	if k, _, err := a.factory().findAPIKey(context.Background(), "old", ""); err != nil || k.PublicKey() != pub {
		t.Fatalf("an older tkauth's key: %v", err)
	}
	// Another store replaced the shared item: not used, not deleted.
	other, _, _ := session.NewPrivateKey()
	hexOther, _ := session.EncodePrivateKey(other)
	secretTool(t, hexOther+":p256", "store", "--label", "tkauth Turnkey API key old", "service", service, "username", "old")
	if _, _, err := a.factory().findAPIKey(context.Background(), "old", ""); err == nil || !strings.Contains(err.Error(), "not the "+session.Short(pub)) {
		t.Errorf("a replaced shared item: %v", err)
	}
	if out := a.ok("api-keys", "remove", "old", "--yes"); !strings.Contains(out, "its keyring item was left") {
		t.Errorf("remove: %q", out)
	}
	if got := secretTool(t, "", "lookup", "service", service, "username", "old"); got != hexOther+":p256" {
		t.Errorf("the other store's item: %q", got)
	}
}

// factory is the Factory c's commands get.
func (c *harness) factory() *Factory {
	return &Factory{IO: &IOStreams{In: strings.NewReader(""), Out: &c.seen, ErrOut: &c.seen}, Home: c.home, Keyring: cmp.Or(c.keyring, "file"), KeyringService: os.Getenv("TKAUTH_KEYRING_SERVICE")}
}

// fullDisk mounts a small tmpfs for the test (root only) and returns its
// directory and what fills it to the last byte.
func fullDisk(t *testing.T) (dir string, fill func()) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("mounting a tiny file system needs root")
	}
	dir = t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		msg := "cannot mount a tmpfs: " + strings.TrimSpace(string(out))
		if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir, func() {
		f, err := os.OpenFile(filepath.Join(dir, "filler"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			t.Error(err) // fill may run off the test's goroutine
			return
		}
		defer f.Close()
		block := make([]byte, 4096)
		for {
			if _, err := f.Write(block); err != nil {
				break
			}
		}
		for {
			if _, err := f.Write(block[:1]); err != nil {
				return
			}
		}
	}
}

// On a full disk, create leaves no private key in the keyring that
// nothing lists, and remove leaves the key listed and in the keyring;
// each says so.
func TestAPIKeysOnAFullDisk(t *testing.T) {
	withAPI(t)
	c, service := keyringCLI(t)
	disk, fill := fullDisk(t)
	c.home = filepath.Join(disk, "tkauth")
	pub := strings.TrimSpace(c.ok("api-keys", "create", "first"))
	fill()

	r := c.run("", false, "api-keys", "create", "second")
	if r.code == 0 || !strings.Contains(r.errOut, "no key was created") || !strings.Contains(r.errOut, "no space left") {
		t.Errorf("create: exit %d, %q", r.code, r.errOut)
	}
	found := secretTool(t, "", "search", "--all", "service", service)
	if strings.Count(found, "\nlabel = ") != 1 || strings.Contains(found, "key second") {
		t.Errorf("after a failed create the keyring holds:\n%s", found)
	}

	r = c.run("", false, "api-keys", "remove", "first", "--yes")
	if r.code == 0 || !strings.Contains(r.errOut, "is as it was") {
		t.Errorf("remove: exit %d, %q", r.code, r.errOut)
	}
	if k, _, err := c.factory().findAPIKey(context.Background(), "first", ""); err != nil || k.PublicKey() != pub {
		t.Errorf("after a failed remove the key is not as it was: %v", err)
	}
	os.Remove(filepath.Join(disk, "filler"))
	if out := c.ok("api-keys", "remove", "first", "--yes"); !strings.Contains(out, "Removed the API key first") {
		t.Errorf("remove with room: %q", out)
	}
	if found := secretTool(t, "", "search", "--all", "service", service); strings.Contains(found, "label = ") {
		t.Errorf("after remove the keyring holds:\n%s", found)
	}
}

// import --remove-file never says the key left the disk while a name of
// it is still there: a symbolic link is not followed, a file with other
// names (hard links) is refused; nothing is imported either way.
func TestAPIKeysImportLinks(t *testing.T) {
	_, file := withAPI(t)
	c, service := keyringCLI(t)
	dir := filepath.Dir(file)
	elsewhere := filepath.Join(t.TempDir(), "real.private")
	os.Rename(file, elsewhere)
	os.Symlink(elsewhere, file)
	r := c.run("", false, "api-keys", "import", "--remove-file")
	if r.code == 0 || !strings.Contains(r.errOut, "symbolic link") || !strings.Contains(r.errOut, "nothing was imported") {
		t.Errorf("a link: exit %d, %q %q", r.code, r.out, r.errOut)
	}
	if _, err := os.Stat(elsewhere); err != nil {
		t.Errorf("the file linked to: %v", err)
	}
	os.Remove(file)
	os.Rename(elsewhere, file)
	other := filepath.Join(dir, "backup.key")
	os.Link(file, other)
	r = c.run("", false, "api-keys", "import", "--remove-file")
	if r.code == 0 || !strings.Contains(r.errOut, "has 2 names (hard links)") || !strings.Contains(r.errOut, "nothing was imported") {
		t.Errorf("a hard link: exit %d, %q %q", r.code, r.out, r.errOut)
	}
	if found := secretTool(t, "", "search", "--all", "service", service); strings.Contains(found, "label") {
		t.Errorf("the keyring changed: %s", found)
	}
	os.Remove(other)
	if out := c.ok("api-keys", "import", "--remove-file"); !strings.Contains(out, "no name of the file read is left") {
		t.Errorf("import: %q", out)
	}
}

// import reads the key file once: the public key listed is always the
// secret's, however often the file is replaced while it is read.
func TestAPIKeysImportReadsOnce(t *testing.T) {
	withAPI(t)
	c, _ := keyringCLI(t)
	dir := t.TempDir()
	var files [2]string
	for i := range files {
		k, _, _ := session.NewPrivateKey()
		h, _ := session.EncodePrivateKey(k)
		files[i] = filepath.Join(dir, fmt.Sprint(i))
		os.WriteFile(files[i], []byte(h+":p256\n"), 0o600)
	}
	path := filepath.Join(dir, "k.private")
	stop := make(chan struct{})
	swapped := make(chan struct{})
	go func() {
		defer close(swapped)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			os.Link(files[i%2], path+".new")
			os.Rename(path+".new", path)
		}
	}()
	for i := range 30 {
		name := fmt.Sprint("k", i)
		if r := c.run("", false, "api-keys", "import", name, "--file", path); r.code != 0 {
			continue
		}
		var listed []jsonAPIKey
		json.Unmarshal([]byte(c.ok("api-keys", "list", "--json")), &listed)
		for _, l := range listed {
			if l.Name != name {
				continue
			}
			if k, _, err := c.factory().findAPIKey(context.Background(), name, ""); err != nil || k.PublicKey() != l.PublicKey {
				t.Errorf("%s lists %s but signs with another key (%v)", name, session.Short(l.PublicKey), err)
			}
		}
	}
	close(stop)
	<-swapped
}

// API key names are in NFC, with no invisible character and no letters
// of two scripts, and a name that looks like a kept one is refused: no
// two keys print the same.
func TestAPIKeyNamesThatLookAlike(t *testing.T) {
	withAPI(t)
	c, _ := keyringCLI(t)
	c.ok("api-keys", "create", "café")
	c.ok("api-keys", "create", "ape")
	for _, name := range []string{"cafe\u0301", "c\u0430fé", "café\ufe0f", "\u0430\u0440\u0435", "\u0430pe"} {
		if r := c.run("", false, "api-keys", "create", name); r.code == 0 {
			t.Errorf("%+q was created beside café and ape", name)
		}
	}
	var listed []jsonAPIKey
	json.Unmarshal([]byte(c.ok("api-keys", "list", "--json")), &listed)
	if kept := slices.DeleteFunc(listed, func(k jsonAPIKey) bool { return k.KeptIn != "keyring" }); len(kept) != 2 {
		t.Errorf("list: %+v", kept)
	}
}

// An item a failed change left (listed no more: a remove whose keyring
// delete failed) is deleted by remove NAME, which says so.
func TestAPIKeysRemoveALeftItem(t *testing.T) {
	withAPI(t)
	c, service := keyringCLI(t)
	c.ok("api-keys", "create", "deploy")
	path := filepath.Join(c.home, "api-keys.json")
	data, _ := os.ReadFile(path)
	var l map[string]any
	json.Unmarshal(data, &l)
	l["apiKeys"] = []any{}
	data, _ = json.Marshal(l)
	os.WriteFile(path, data, 0o600)
	if out := c.ok("api-keys", "remove", "deploy", "--yes"); !strings.Contains(out, "that an earlier change left") {
		t.Errorf("remove: %q", out)
	}
	if found := secretTool(t, "", "search", "--all", "service", service); strings.Contains(found, "label = ") {
		t.Errorf("the keyring holds:\n%s", found)
	}
	if r := c.run("", false, "api-keys", "remove", "deploy", "--yes"); r.code == 0 || !strings.Contains(r.errOut, "keeps no API key named deploy") {
		t.Errorf("remove again: exit %d, %q", r.code, r.errOut)
	}
}

// api-keys list shows the organizations a kept key logged in to, and
// remove says it stays registered on Turnkey only of a key known to be:
// of one never used, that tkauth cannot say.
func TestAPIKeysKnowWhereTheyLoggedIn(t *testing.T) {
	_, file := withAPI(t)
	c, _ := keyringCLI(t)
	c.ok("api-keys", "import", "ci", "--file", file)
	other, _, _ := session.NewPrivateKey()
	otherHex, _ := session.EncodePrivateKey(other)
	otherFile := filepath.Join(t.TempDir(), "never.private")
	os.WriteFile(otherFile, []byte(otherHex+"\n"), 0o600)
	c.ok("api-keys", "import", "never", "--file", otherFile)
	if out := c.ok("api-keys", "list"); !strings.Contains(out, "ci") || !strings.Contains(out, "never") {
		t.Fatalf("api-keys list: %q", out)
	}

	c.ok("login", "--org", "o", "--api-key", "ci")
	var kept []jsonAPIKey
	json.Unmarshal([]byte(c.ok("api-keys", "list", "--json")), &kept)
	for _, k := range kept {
		if want := map[string]string{"ci": "o", "never": ""}[k.Name]; strings.Join(k.Organizations, ",") != want {
			t.Errorf("%s: organizations %v, want %q", k.Name, k.Organizations, want)
		}
	}

	if out := c.ok("api-keys", "remove", "never", "--yes"); strings.Contains(out, "stays registered on Turnkey,") || !strings.Contains(out, "cannot say whether it is registered") {
		t.Errorf("remove of a key never used: %q", out)
	}
	if out := c.ok("api-keys", "remove", "ci", "--yes"); !strings.Contains(out, "it stays registered on Turnkey, in organization o") {
		t.Errorf("remove of a key that logged in to o: %q", out)
	}
}
