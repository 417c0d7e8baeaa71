//go:build !darwin && !windows

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dbus "github.com/godbus/dbus/v5"
)

// With no session bus, every call fails in words and starts nothing:
// godbus would otherwise run dbus-launch, whose bus (and the keyring it
// activates) outlives tkauth. A dbus-launch on PATH records being run.
func TestNoBusStartsNoProcess(t *testing.T) {
	bin := t.TempDir()
	ran := filepath.Join(bin, "ran")
	script := "#!/bin/sh\necho \"$0 $@\" >> " + ran + "\nexit 1\n"
	for _, name := range []string{"dbus-launch", "dbus-daemon", "gnome-keyring-daemon"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // no bus socket there either
	t.Setenv("DISPLAY", "")
	ctx := context.Background()
	pub := "02" + strings.Repeat("ab", 32)
	for _, addr := range []string{"", "autolaunch:"} {
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
		k := NewSystemKeys("tkauth-test", time.Second)
		_, getErr := k.Get(ctx, pub)
		_, hasErr := k.HasMany(ctx, []string{pub})
		_, checkErr := k.Check(ctx)
		for name, err := range map[string]error{
			"put": k.Put(ctx, pub, "x"), "get": getErr, "has": hasErr,
			"delete": k.Delete(ctx, pub), "probe": k.Probe(ctx), "check": checkErr,
		} {
			if !errors.Is(err, ErrNoSessionBus) || !strings.Contains(err.Error(), "DBUS_SESSION_BUS_ADDRESS") {
				t.Errorf("%s with DBUS_SESSION_BUS_ADDRESS=%q: %v; want ErrNoSessionBus", name, addr, err)
			}
		}
		ks, err := OpenKeyStores(ctx, KeyringAuto, t.TempDir(), "tkauth-test", time.Second)
		if err != nil || ks.Keys.Name() != KeyringFile || !strings.Contains(ks.Note, "DBUS_SESSION_BUS_ADDRESS") {
			t.Errorf("auto without a bus: %+v, %v; want files, saying why", ks, err)
		}
	}
	if b, err := os.ReadFile(ran); err == nil {
		t.Fatalf("started processes without a bus:\n%s", b)
	}
}

// fakeSecrets is a Secret Service on the test's session bus, under a
// name of its own, whose collection answers CreateItem with a prompt, as
// KeePassXC does, and whose prompts answer as answer says: "yes"
// (Completed, not dismissed), "no" (dismissed, as gnome-keyring's is with
// no display to show it on), or "never" (nobody there).
type fakeSecrets struct {
	conn   *dbus.Conn
	name   string
	answer string

	mu        sync.Mutex
	prompted  int
	dismissed int
	created   []map[string]string
	seen      map[dbus.Sender]bool // clients that called ReadAlias
}

const fakePrompt = dbus.ObjectPath("/org/freedesktop/secrets/prompt/p1")

func newFakeSecrets(t *testing.T, answer string) *fakeSecrets {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		msg := "no session bus for a fake Secret Service; run the tests under scripts/with-keyring, as .ci/run does"
		if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	f := &fakeSecrets{conn: conn, name: fmt.Sprintf("org.freedesktop.secrets.test%d", os.Getpid()), answer: answer, seen: map[dbus.Sender]bool{}}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(conn.ExportMethodTable(map[string]any{
		"OpenSession": func(alg string, in dbus.Variant) (dbus.Variant, dbus.ObjectPath, *dbus.Error) {
			return dbus.MakeVariant(""), "/org/freedesktop/secrets/session/s1", nil
		},
		"Unlock": func(paths []dbus.ObjectPath) ([]dbus.ObjectPath, dbus.ObjectPath, *dbus.Error) {
			if f.answer == "locked" {
				return nil, fakePrompt, nil
			}
			return paths, "/", nil
		},
		// As gnome-keyring's may, a client's first call finds no
		// collection: it is served before the client is registered.
		"ReadAlias": func(sender dbus.Sender, name string) (dbus.ObjectPath, *dbus.Error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if !f.seen[sender] {
				f.seen[sender] = true
				return "/", nil
			}
			return "/org/freedesktop/secrets/collection/c1", nil
		},
	}, secretsPath, serviceInterface))
	// Only the collection's own path: tkauth resolves the default alias
	// with ReadAlias, never calling its path (defaultCollection says why).
	must(conn.ExportMethodTable(map[string]any{
		"SearchItems": func(attrs map[string]string) ([]dbus.ObjectPath, *dbus.Error) { return nil, nil },
		"CreateItem": func(props map[string]dbus.Variant, s secret, replace bool) (dbus.ObjectPath, dbus.ObjectPath, *dbus.Error) {
			attrs, _ := props[itemInterface+".Attributes"].Value().(map[string]string)
			f.mu.Lock()
			f.created = append(f.created, attrs)
			f.mu.Unlock()
			return "/", fakePrompt, nil
		},
	}, "/org/freedesktop/secrets/collection/c1", collectionInterface))
	must(conn.ExportMethodTable(map[string]any{
		"Close": func() *dbus.Error { return nil },
	}, "/org/freedesktop/secrets/session/s1", "org.freedesktop.Secret.Session"))
	must(conn.ExportMethodTable(map[string]any{
		"Prompt": func(window string) *dbus.Error {
			f.mu.Lock()
			f.prompted++
			f.mu.Unlock()
			switch f.answer {
			case "yes":
				go conn.Emit(fakePrompt, promptInterface+".Completed", false, dbus.MakeVariant(dbus.ObjectPath("/org/freedesktop/secrets/collection/c1/i1")))
			case "no", "locked":
				go conn.Emit(fakePrompt, promptInterface+".Completed", true, dbus.MakeVariant(""))
			}
			return nil
		},
		"Dismiss": func() *dbus.Error {
			f.mu.Lock()
			f.dismissed++
			f.mu.Unlock()
			return nil
		},
	}, fakePrompt, promptInterface))
	reply, err := conn.RequestName(f.name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning %s: %v, %v", f.name, reply, err)
	}
	t.Cleanup(func() { conn.ReleaseName(f.name) })
	return f
}

// keys is a system key store on the fake Secret Service.
func (f *fakeSecrets) keys(timeout time.Duration) *SystemKeys {
	k := NewSystemKeys("tkauth-test", timeout)
	k.test = secretService{service: "tkauth-test", label: "tkauth private key ", name: f.name}
	return k
}

func (f *fakeSecrets) counts() (prompted, dismissed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.prompted, f.dismissed
}

// A store that the Secret Service answers with a prompt performs it
// (Prompt, then Completed), telling the user first what is asked and
// where; the item carries tkauth's schema beside its attributes.
func TestSecretServicePromptPerformed(t *testing.T) {
	t.Setenv("DISPLAY", ":7")
	t.Setenv("WAYLAND_DISPLAY", "")
	f := newFakeSecrets(t, "yes")
	var told []string
	ctx := WithPromptNotice(context.Background(), func(s string) { told = append(told, s) })
	pub := "02" + strings.Repeat("ab", 32)
	if err := f.keys(10*time.Second).Put(ctx, pub, "secret"); err != nil {
		t.Fatalf("Put with a prompt: %v", err)
	}
	if p, _ := f.counts(); p != 1 {
		t.Errorf("prompted %d times, want 1", p)
	}
	if len(told) != 1 || !strings.Contains(told[0], "is asking to store tkauth's key 02abab") || !strings.Contains(told[0], "display :7") {
		t.Errorf("the user was told %q; want what the keyring asks, and where", told)
	}
	want := map[string]string{"service": "tkauth-test", "username": pub, "xdg:schema": tkauthSchema}
	if len(f.created) != 1 || fmt.Sprint(f.created[0]) != fmt.Sprint(want) {
		t.Errorf("created %v, want %v", f.created, want)
	}
}

// A prompt dismissed (no display to show it on, or the user said no) is
// refused in words that name the keyring and what it asked; auto then
// falls back to files, saying why.
func TestSecretServicePromptRefusedInWords(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	f := newFakeSecrets(t, "no")
	pub := "02" + strings.Repeat("ab", 32)
	err := f.keys(10*time.Second).Put(context.Background(), pub, "secret")
	if !errors.Is(err, ErrPromptDismissed) || !strings.Contains(err.Error(), "the Secret Service (") ||
		!strings.Contains(err.Error(), "asked to store tkauth's key 02abab") || !strings.Contains(err.Error(), "dismissed") {
		t.Fatalf("Put with a refused prompt: %v", err)
	}
	ks, err := openKeyStores(context.Background(), KeyringAuto, t.TempDir(), f.keys(10*time.Second))
	if err != nil || ks.Keys.Name() != KeyringFile || !strings.Contains(ks.Note, "cannot store a key") || !strings.Contains(ks.Note, "asked to store tkauth's key") {
		t.Fatalf("auto on a keyring that cannot store: %+v, %v", ks, err)
	}
}

// A prompt nobody answers ends with the keyring timeout, is dismissed so
// that it does not stay on the desktop, and the error says what was
// asked.
func TestSecretServicePromptUnanswered(t *testing.T) {
	f := newFakeSecrets(t, "never")
	pub := "02" + strings.Repeat("ab", 32)
	err := f.keys(300*time.Millisecond).Put(context.Background(), pub, "secret")
	if !errors.Is(err, ErrKeyringTimeout) || !strings.Contains(err.Error(), "asked to store tkauth's key 02abab") || !strings.Contains(err.Error(), "no one answered") {
		t.Fatalf("Put with an unanswered prompt: %v", err)
	}
	// The dismissal is sent as the call gives up; wait for it to arrive.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, d := f.counts(); d == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the unanswered prompt was not dismissed")
		}
	}
}

// Items are tkauth's by their attributes: tkauth's schema with whatever
// the Secret Service adds (KeePassXC's Title, UserName, ...), or an older
// item's exact attributes; never another program's that shares some.
func TestIsOurs(t *testing.T) {
	want := map[string]string{"service": "tkauth", "username": "02ab"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{"service": "tkauth", "username": "02ab"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, tt := range []struct {
		attrs map[string]string
		ours  bool
	}{
		{with(nil), true},
		{with(map[string]string{"xdg:schema": genericSchema}), true},
		{with(map[string]string{"xdg:schema": tkauthSchema}), true},
		{with(map[string]string{"xdg:schema": tkauthSchema, "Title": "t", "UserName": "", "URL": "", "Notes": "", "Path": "tkauth/t", "Uuid": "x"}), true},
		{with(map[string]string{"app": "other"}), false},
		{with(map[string]string{"xdg:schema": genericSchema, "app": "other"}), false},
		{with(map[string]string{"xdg:schema": "org.gnome.Other"}), false},
		{with(map[string]string{"xdg:schema": "org.gnome.Other", "Title": "t"}), false},
		{map[string]string{"service": "tkauth", "username": "03cd", "xdg:schema": tkauthSchema}, false},
		{map[string]string{"service": "other", "username": "02ab", "xdg:schema": tkauthSchema}, false},
		{map[string]string{"username": "02ab", "xdg:schema": tkauthSchema}, false},
	} {
		if got := isOurs(tt.attrs, want); got != tt.ours {
			t.Errorf("isOurs(%v) = %v, want %v", tt.attrs, got, tt.ours)
		}
	}
}

// servedBy is the program serving the Secret Service under test
// (gnome-keyring-d, keepassxc), as the system names it; "" if unknown.
func servedBy() string {
	c, closeConn, err := secretService{name: secretsName}.connect(context.Background())
	if err != nil {
		return ""
	}
	defer closeConn()
	name := c.keyringName()
	if i := strings.Index(name, "("); i >= 0 {
		return strings.TrimSuffix(name[i+1:], ")")
	}
	return ""
}

// A locked collection whose unlock prompt is dismissed (gnome-keyring's,
// with no desktop to show it on) is said as locked, naming the keyring.
func TestSecretServiceLockedUnlockPromptDismissed(t *testing.T) {
	f := newFakeSecrets(t, "locked")
	pub := "02" + strings.Repeat("ab", 32)
	k := f.keys(10 * time.Second)
	_, getErr := k.Get(context.Background(), pub)
	for name, err := range map[string]error{"put": k.Put(context.Background(), pub, "x"), "get": getErr, "delete": k.Delete(context.Background(), pub)} {
		if !errors.Is(err, ErrKeyringLocked) || !strings.Contains(err.Error(), "the Secret Service (") || !strings.Contains(err.Error(), "to unlock the keyring") {
			t.Errorf("%s on a locked keyring: %v", name, err)
		}
	}
}

// A locked keyring is said with the way to unlock the program that serves
// it, not always gnome-keyring's.
func TestLockedSaysHowToUnlockThatKeyring(t *testing.T) {
	for program, says := range map[string]string{
		"gnome-keyring-daemon": "gnome-keyring-daemon --unlock",
		"keepassxc":            "unlock the database in KeePassXC",
		"kwalletd5":            "open the wallet",
		"":                     "in the program that serves it",
	} {
		err := &promptError{keyring: "the Secret Service (" + program + ")", what: "to unlock the keyring", cause: ErrKeyringLocked, unlock: unlockHow(program)}
		msg := err.Error()
		if !errors.Is(err, ErrKeyringLocked) || !strings.Contains(msg, says) || !strings.Contains(msg, "locked and could not be unlocked") ||
			(program != "gnome-keyring-daemon" && strings.Contains(msg, "gnome-keyring")) {
			t.Errorf("%s locked: %q; want it to say %q", program, msg, says)
		}
	}
}

// Only an error that names the object called, whole, says it is gone: an
// error about another object is not taken for a deleted item.
func TestGoneNamesTheObjectCalled(t *testing.T) {
	item := dbus.ObjectPath("/org/freedesktop/secrets/collection/login/12")
	e := func(name, msg string) error { return dbus.Error{Name: name, Body: []any{msg}} }
	for _, tt := range []struct {
		err  error
		gone bool
	}{
		{e("org.freedesktop.DBus.Error.UnknownMethod", "Object does not exist at path “/org/freedesktop/secrets/collection/login/12”"), true},
		{e("org.freedesktop.DBus.Error.UnknownMethod", "No such interface “org.freedesktop.Secret.Item” on object at path /org/freedesktop/secrets/collection/login/12"), true},
		{e("org.freedesktop.DBus.Error.UnknownObject", "No such object path '/org/freedesktop/secrets/collection/login/12'"), true},
		{e("org.freedesktop.Secret.Error.NoSuchObject", "The '/org/freedesktop/secrets/collection/login/12' object does not exist"), true},
		// gnome-keyring's garbled collection, another item, a prefix of another path
		{e("org.freedesktop.DBus.Error.UnknownMethod", "Object does not exist at path “/org/freedesktop/secrets/collection/V_3e_97_23V”"), false},
		{e("org.freedesktop.DBus.Error.UnknownMethod", "Object does not exist at path “/org/freedesktop/secrets/collection/login/123”"), false},
		{e("org.freedesktop.DBus.Error.UnknownMethod", "Object does not exist at path “/x/org/freedesktop/secrets/collection/login/12”"), false},
		{e("org.freedesktop.DBus.Error.Failed", "/org/freedesktop/secrets/collection/login/12"), false},
		{errors.New("Object does not exist at path “/org/freedesktop/secrets/collection/login/12”"), false},
	} {
		if got := gone(tt.err, item); got != tt.gone {
			t.Errorf("gone(%v) = %v, want %v", tt.err, got, tt.gone)
		}
	}
}

// A nil notice (a TUI owns the screen) silences an outer one: the prompt
// is performed, nothing is said.
func TestSecretServicePromptNoticeSilenced(t *testing.T) {
	f := newFakeSecrets(t, "yes")
	var told []string
	ctx := WithPromptNotice(context.Background(), func(s string) { told = append(told, s) })
	ctx = WithPromptNotice(ctx, nil)
	if err := f.keys(10*time.Second).Put(ctx, "02"+strings.Repeat("ab", 32), "secret"); err != nil {
		t.Fatalf("Put with a prompt: %v", err)
	}
	if p, _ := f.counts(); p != 1 || len(told) != 0 {
		t.Errorf("prompted %d times, told %q; want the prompt performed, nothing said", p, told)
	}
}
