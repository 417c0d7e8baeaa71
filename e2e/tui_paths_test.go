package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// ? lists l (log in) and s (sessions on Turnkey) in the TUI; in the demo
// without an API it says that they need one.
func TestHelpListsLoginAndRemoteInTmux(t *testing.T) {
	needTmux(t)
	dir, _, keys, service := demoStore(t)
	x := tuiInTmux(t, dir, keys.Name(), service, 100, 40)
	x.waitFor("initech/dev")
	x.run("send-keys", "-t", "tk", "?")
	x.waitForAll("Keys", "l        log in", "s        sessions on Turnkey", "ctrl+c")

	d := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	d.run("new-session", "-d", "-s", "tk", "-x", "100", "-y", "40", fmt.Sprintf("%q demo", buildTkauth(t)))
	t.Cleanup(d.kill)
	d.waitFor("initech/dev")
	d.run("send-keys", "-t", "tk", "?")
	d.waitForAll("Keys", "l (log in), R (refresh), c (check) and s (sessions on Turnkey) need")
}

// enter in the TUI of a shell that TKAUTH_SESSION pins to a session says
// that this shell keeps using it.
func TestSwitchInAPinnedShellInTmux(t *testing.T) {
	needTmux(t)
	dir, _, keys, service := demoStore(t)
	x := tuiInTmux(t, dir, keys.Name(), service, 120, 30, "TKAUTH_SESSION=acme/viewer")
	x.waitForAll("initech/dev", "this shell: ◆ acme/viewer")
	x.run("send-keys", "-t", "tk", "-l", "/globex/ops")
	x.run("send-keys", "-t", "tk", "Enter", "Enter")
	x.waitForAll("Active session: globex/ops. This shell keeps using acme/viewer")
}

// In demo --api, after c then R, the details no longer show Turnkey's
// verdict on the key pair R replaced.
func TestRefreshDropsTheOldVerdictInTmux(t *testing.T) {
	needTmux(t)
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", "tk", "-x", "120", "-y", "40", fmt.Sprintf("%q demo --api", buildTkauth(t)))
	t.Cleanup(x.kill)
	x.waitForAll("acme/admin", "present", "not checked; c asks Turnkey")
	x.run("send-keys", "-t", "tk", "c")
	x.waitForAll("accepts acme/admin.", "valid (")
	x.run("send-keys", "-t", "tk", "R")
	x.waitForAll("Refreshed acme/admin at http://127.0.0.1:", "not checked; c asks Turnkey")
}

// The login form starts on the method, the field its hint's ←/→ change;
// typed at once, an address lands in its field.
func TestLoginFormStartsOnTheMethodInTmux(t *testing.T) {
	needTmux(t)
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", "tk", "-x", "100", "-y", "30", fmt.Sprintf("%q demo --api", buildTkauth(t)))
	t.Cleanup(x.kill)
	x.waitForAll("acme/admin", "present")
	x.run("send-keys", "-t", "tk", "l")
	x.waitForAll("‹ email code ›", "←/→: method")
	x.run("send-keys", "-t", "tk", "Right")
	x.waitForAll("‹ SMS code ›", "Phone number")
	x.run("send-keys", "-t", "tk", "-l", "+15555550100")
	x.waitForAll("  SMS code", "+15555550100", "shift+tab: previous")
}

// In demo --api, s marks the sessions stored here ⌂, not ●, and d asks
// about "this session", one.
func TestRemoteViewWordsInTmux(t *testing.T) {
	needTmux(t)
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", "tk", "-x", "120", "-y", "40", fmt.Sprintf("%q demo --api", buildTkauth(t)))
	t.Cleanup(x.kill)
	x.waitForAll("acme/admin", "present")
	x.run("send-keys", "-t", "tk", "s")
	s := x.waitForAll("live session", "⌂ acme/admin (this machine)")
	if strings.Contains(s, "● acme/admin (this machine)") {
		t.Errorf("the remote view marks a stored session ●:\n%s", s)
	}
	x.run("send-keys", "-t", "tk", "d")
	x.waitForAll("End 1 session on Turnkey?", "This session of user")
}

// tkauth demo --api at 80x24 shows all 7 sessions under a one-line hint,
// and ? shows the command for another shell whole: pasted into a shell,
// at 80 columns and at 50, it logs in to the demo's store.
func TestDemoAPIHintInTmux(t *testing.T) {
	needTmux(t)
	bin := buildTkauth(t)
	for _, size := range [][2]int{{80, 24}, {50, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
			x.run("new-session", "-d", "-s", "tk", "-x", fmt.Sprint(size[0]), "-y", fmt.Sprint(size[1]), fmt.Sprintf("%q demo --api", bin))
			t.Cleanup(x.kill)
			s := x.waitForAll("acme/admin", "present", "? says how to log in")
			if size[0] == 80 {
				for _, key := range []string{"@turnkey/session/v3", "acme/admin", turnkeytest.DemoScoped, "acme/viewer", "globex/ci", "globex/ops", "initech/dev"} {
					if !listed(key).MatchString(s) {
						t.Errorf("at 80x24, %s is not shown:\n%s", key, s)
					}
				}
			}
			x.run("send-keys", "-t", "tk", "?")
			s = x.waitForAll("From another shell", "TKAUTH_HOME=")
			var cmd []string
			for _, l := range strings.Split(s, "\n") {
				if len(cmd) == 0 && !strings.HasPrefix(l, "  TKAUTH_HOME=") {
					continue
				}
				cmd = append(cmd, l)
				if !strings.HasSuffix(l, `\`) {
					break
				}
			}
			if len(cmd) == 0 || strings.HasSuffix(cmd[len(cmd)-1], `\`) {
				t.Fatalf("the command is not whole on the screen:\n%s", s)
			}
			for _, l := range cmd {
				if strings.Contains(l, "…") {
					t.Errorf("the command is cut: %q", l)
				}
			}
			out, err := exec.Command("/bin/sh", "-c", strings.Join(cmd, "\n")).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "Logged in") {
				t.Errorf("the command pasted into a shell: %v\n%s\n%s", err, strings.Join(cmd, "\n"), out)
			}
		})
	}
}
