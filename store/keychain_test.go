//go:build unix

package store

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These run the Keychain's code anywhere: a script stands in for
// /usr/bin/security, answering as it does (its output format, its exit
// statuses); what only a Mac can check is in the README.

// fakeSecurity writes a security stand-in that runs script (sh), and
// records its arguments and stdin in dir.
func fakeSecurity(t *testing.T, script string) (keychain, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "security")
	body := "#!/bin/sh\necho \"$@\" > " + dir + "/args\necho \"$@\" >> " + dir + "/calls\ncat > " + dir + "/stdin\n" + script + "\n"
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return keychain{path: path, service: "tkauth"}, dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, _ := os.ReadFile(path)
	return string(b)
}

// Presence is one dump-keychain, no secret read: only generic passwords
// of tkauth's service count, hex-printed accounts included.
func TestKeychainPresenceFromOneDump(t *testing.T) {
	k, dir := fakeSecurity(t, `case $1 in default-keychain) echo '    "/Users/ada/Library/Keychains/login.keychain-db"';; *) cat `+filepath.Join(mustAbs(t, "testdata"), "dump-keychain.txt")+`;; esac`)
	tk := "02a9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1"
	inet := "03b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1"
	other := "02c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4"
	got, err := k.has(context.Background(), []string{tk, inet, other, "03feedface\n", "ada"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{tk: true, inet: false, other: false, "03feedface\n": true, "ada": false}
	for u, w := range want {
		if got[u] != w {
			t.Errorf("%q: %v, want %v", u, got[u], w)
		}
	}
	// Only the keychain tkauth writes to, named: not the whole search
	// list, whose System keychain tkauth never writes to.
	if args := strings.TrimSpace(read(t, filepath.Join(dir, "args"))); args != "dump-keychain /Users/ada/Library/Keychains/login.keychain-db" {
		t.Errorf("ran security %s: presence must read no secret, and only the default keychain", args)
	}
}

// A secret travels through stdin, in hex, never in security's arguments,
// which ps shows.
func TestKeychainPutKeepsTheSecretOffTheCommandLine(t *testing.T) {
	k, dir := fakeSecurity(t, "exit 0")
	secret := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08:p256"
	if err := k.put(context.Background(), "02abc", secret); err != nil {
		t.Fatal(err)
	}
	args, stdin := read(t, filepath.Join(dir, "args")), read(t, filepath.Join(dir, "stdin"))
	if strings.TrimSpace(args) != "-i" || strings.Contains(stdin, secret) ||
		stdin != `add-generic-password -U -s "tkauth" -a "02abc" -X `+hex.EncodeToString([]byte(secret))+"\n" {
		t.Errorf("args %q, stdin %q", args, stdin)
	}
}

// security's exit statuses reach the user in words, not "exit status 36".
func TestKeychainErrorsInWords(t *testing.T) {
	for _, tt := range []struct {
		status int
		stderr string
		says   string
	}{
		{36, "security: SecKeychainItemCopyContent: User interaction is not allowed.", "locked and cannot ask for its password here"},
		{44, "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.", "not in the keychain"},
		{51, "", "refused the password"},
		{128, "", "prompt was cancelled"},
		{195, "", "read-only"},
		{7, "\x1b[31mboom", "security exited with status 7 (security:  [31mboom)"},
	} {
		k, _ := fakeSecurity(t, "echo '"+tt.stderr+"' >&2; exit "+strconv.Itoa(tt.status))
		_, err := k.get(context.Background(), "02abc")
		var ke *keychainError
		if !errors.As(err, &ke) || ke.status != tt.status || !strings.Contains(err.Error(), tt.says) || strings.Contains(err.Error(), "\x1b") {
			t.Errorf("status %d: %v", tt.status, err)
		}
		if (tt.status == 36) != errors.Is(err, ErrKeyringLocked) {
			t.Errorf("status %d: ErrKeyringLocked is %v", tt.status, errors.Is(err, ErrKeyringLocked))
		}
	}
}

// A call past the keyring timeout ends its security process: none is left
// running behind tkauth.
func TestKeychainTimeoutEndsTheProcess(t *testing.T) {
	k, dir := fakeSecurity(t, `echo $$ > "$(dirname "$0")/pid"; exec sleep 30`)
	sys := &SystemKeys{service: "tkauth", timeout: 300 * time.Millisecond}
	start := time.Now()
	err := sys.call(context.Background(), func(ctx context.Context) error {
		_, err := k.get(ctx, "02abc")
		return err
	})
	if !errors.Is(err, ErrKeyringTimeout) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
	var pid int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		pid, _ = strconv.Atoi(strings.TrimSpace(read(t, filepath.Join(dir, "pid"))))
		if pid > 0 && syscall.Kill(pid, 0) != nil {
			return // gone
		}
		if time.Now().After(deadline) {
			exec.Command("kill", "-9", strconv.Itoa(pid)).Run()
			t.Fatalf("security (pid %d) is still running after the timeout", pid)
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// No value splits or cuts security -i's line: a newline, carriage return
// or NUL in the service (TKAUTH_KEYRING_SERVICE) or the account is
// refused, as is a line security would cut; security is never run then.
func TestKeychainLineCannotBeSplit(t *testing.T) {
	for _, tt := range []struct {
		service, user string
		long          bool // too long a line, not a bad value
	}{
		{"tkauth\ndelete-keychain login.keychain", "02abc", false},
		{"tkauth", "a\rb", false},
		{"tkauth\x00x", "02abc", false},
		{"tkauth", "02abc\x00", false},
		{strings.Repeat("s", 4090), "02abc", true},
		{"tkauth", strings.Repeat(`"`, 2100), true},
	} {
		k, dir := fakeSecurity(t, "exit 0")
		k.service = tt.service
		if err := k.put(context.Background(), tt.user, "secret:p256"); err == nil || !strings.Contains(err.Error(), "nothing was done") {
			t.Errorf("put %.40q %.40q: %v", tt.service, tt.user, err)
		}
		if !tt.long {
			if _, err := k.get(context.Background(), tt.user); err == nil {
				t.Errorf("get %.40q %.40q: no error", tt.service, tt.user)
			}
			if err := k.delete(context.Background(), tt.user); err == nil {
				t.Errorf("delete %.40q %.40q: no error", tt.service, tt.user)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "args")); err == nil {
			t.Errorf("%.40q %.40q: security ran: %.80q", tt.service, tt.user, read(t, filepath.Join(dir, "stdin")))
		}
	}
	// The longest line that fits is taken whole.
	k, dir := fakeSecurity(t, "exit 0")
	fixed := len(`add-generic-password -U -s "tkauth" -a "" -X ` + hex.EncodeToString([]byte("s")) + "\n")
	user := strings.Repeat("u", maxLine-fixed)
	if err := k.put(context.Background(), user, "s"); err != nil || len(read(t, filepath.Join(dir, "stdin"))) != maxLine {
		t.Errorf("a line of %d bytes: %v", maxLine, err)
	}
}
