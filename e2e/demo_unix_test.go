//go:build unix

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The demo's store, with its tokens and private keys, goes when the demo
// is ended by a signal: a closed terminal or an SSH drop (SIGHUP), a kill
// (SIGTERM), an interrupt (SIGINT).
func TestDemoStoreGoesOnASignal(t *testing.T) {
	needTmux(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
			x.run("new-session", "-d", "-s", "tk", "-x", "120", "-y", "40", fmt.Sprintf("exec env TMPDIR=%q %q demo", tmp, buildTkauth(t)))
			t.Cleanup(x.kill)
			x.waitFor("acme/admin")
			dirs, _ := filepath.Glob(filepath.Join(tmp, "tkauth-demo-*"))
			if len(dirs) != 1 {
				t.Fatalf("demo stores: %v", dirs)
			}
			pid, err := strconv.Atoi(strings.TrimSpace(x.run("display-message", "-p", "-t", "tk", "#{pane_pid}")))
			if err != nil {
				t.Fatal(err)
			}
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				if _, err := os.Stat(dirs[0]); os.IsNotExist(err) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the demo store is still there 10s after %s", sig)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
