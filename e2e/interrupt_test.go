package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// hangingServer accepts connections and never answers.
func hangingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return "http://" + ln.Addr().String()
}

// Ctrl-C while a login waits for Turnkey ends it, and its spinner's line
// goes with it: the shell's next prompt is on a clean screen.
func TestCtrlCDuringALoginLeavesNoSpinner(t *testing.T) {
	needTmux(t)
	bin, home := buildTkauth(t), t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "api.private")
	priv, _, err := session.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	hexKey, _ := session.EncodePrivateKey(priv)
	if err := os.WriteFile(keyFile, []byte(hexKey), 0o600); err != nil {
		t.Fatal(err)
	}
	url := hangingServer(t)
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", "tk", "-x", "100", "-y", "24", "env -i PATH=/usr/bin:/bin TERM=xterm-256color PS1='$ ' /bin/sh")
	t.Cleanup(x.kill)
	x.run("send-keys", "-t", "tk", "-l", fmt.Sprintf("TKAUTH_HOME=%q TKAUTH_KEYRING=file %q login --org o --api-key-file %q --api-url %s\n", home, bin, keyFile, url))
	x.waitFor("waiting for 127.0.0.1")
	x.run("send-keys", "-t", "tk", "C-c")
	prompt := regexp.MustCompile(`(?m)^\$ ?$`) // the shell's next, empty
	s := x.waitScreen("the shell's next prompt", 10*time.Second, prompt.MatchString)
	if strings.Contains(s, "waiting for") {
		t.Errorf("the spinner's line stays after Ctrl-C:\n%s", s)
	}
}

// Ctrl-C in a TUI dialog, viewer or the filter cancels it; the TUI stays,
// the store as it was. On the table, it quits.
func TestCtrlCInTheTUICancels(t *testing.T) {
	needTmux(t)
	dir, m, keys, service := demoStore(t)
	x := tuiInTmux(t, dir, keys.Name(), service, 100, 30)
	x.waitFor("initech/dev")
	for _, open := range []struct{ keys, shows string }{
		{"d", "Log out acme/admin?"},
		{"D", "Log out all 6 sessions?"},
		{"?", "Keys"},
		{"/", "session key, user or organization"},
	} {
		x.run("send-keys", "-t", "tk", open.keys)
		x.waitFor(open.shows)
		x.run("send-keys", "-t", "tk", "C-c")
		x.waitScreen(open.keys+" then Ctrl-C to go back to the table", 10*time.Second, func(s string) bool {
			return !strings.Contains(s, open.shows) && listed("initech/dev").MatchString(s)
		})
	}
	st, err := m.State(context.Background())
	if err != nil || len(st.Sessions) != 6 {
		t.Fatalf("the store after Ctrl-C: %v (%v)", st.Keys(), err)
	}
	x.run("send-keys", "-t", "tk", "C-c")
	for deadline := time.Now().Add(5 * time.Second); exec.Command("tmux", "-S", x.sock, "has-session", "-t", "tk").Run() == nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Ctrl-C on the table did not quit:\n%s", x.screen())
		}
	}
}
