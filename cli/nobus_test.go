//go:build !darwin && !windows

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `--keyring system` without a session bus fails in words and starts no
// process (godbus would autolaunch a bus with dbus-launch, which outlives
// tkauth); `auto` falls back to files and says why. Stand-ins for the
// programs an autolaunch runs record being run.
func TestSystemKeyringWithoutABusStartsNoProcess(t *testing.T) {
	bin := t.TempDir()
	ran := filepath.Join(bin, "ran")
	for _, name := range []string{"dbus-launch", "dbus-daemon", "gnome-keyring-daemon"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\necho \"$0 $@\" >> "+ran+"\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())

	c := newCLI(t)
	c.keyring = "system"
	r := c.run("", false, "keys", "create")
	if r.code == 0 || !strings.Contains(r.errOut, "no D-Bus session bus") || !strings.Contains(r.errOut, "--keyring file") {
		t.Errorf("keys create with --keyring system and no bus: exit %d\n%s", r.code, r.errOut)
	}
	c.keyring = "auto"
	r = c.run("", false, "keys", "create")
	if r.code != 0 || !strings.Contains(r.errOut, "no system keyring") || !strings.Contains(r.errOut, "DBUS_SESSION_BUS_ADDRESS") {
		t.Errorf("keys create with auto and no bus: exit %d\n%s", r.code, r.errOut)
	}
	if b, err := os.ReadFile(ran); err == nil {
		t.Fatalf("started processes without a bus:\n%s", b)
	}
}
