//go:build unix

package cli

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe where a key file, its .public or its .meta is looked for
// is refused at once: list, import and login --api-key never wait on it.
func TestAPIKeyFilesNeverBlock(t *testing.T) {
	for _, ext := range []string{".private", ".public", ".meta"} {
		t.Run(ext, func(t *testing.T) {
			_, file := withAPI(t)
			c, _ := keyringCLI(t)
			fifo := strings.TrimSuffix(file, ".private") + ext
			os.Remove(fifo)
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skip(err)
			}
			for _, args := range [][]string{{"api-keys", "list"}, {"api-keys", "import"}, {"login", "--org", "o", "--api-key", "default"}} {
				done := make(chan result, 1)
				go func() { done <- c.run("", false, args...) }()
				select {
				case r := <-done:
					if ext == ".private" && (r.code == 0 && args[0] != "api-keys" || args[1] == "import" && !strings.Contains(r.errOut, "is a named pipe")) {
						t.Errorf("%v: exit %d, %q", args, r.code, r.errOut)
					}
				case <-time.After(time.Minute):
					// A watchdog, not a timing: free the command that waits.
					if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
						w.Close()
					}
					<-done
					t.Errorf("%v waited on the named pipe %s", args, fifo)
				}
			}
		})
	}
}
