package cli

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// demoPrefix begins the name of a demo's temporary store.
const demoPrefix = "tkauth-demo-"

// demoMark is the file in a temporary demo store naming the process that
// runs the demo: a store whose process is gone was left by a killed demo.
const demoMark = "demo.pid"

// markDemo marks dir as the store of this process's demo.
func markDemo(dir string) error {
	return os.WriteFile(filepath.Join(dir, demoMark), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
}

// removeDeadDemos removes, in tmp, the temporary stores of demos whose
// process is gone (killed before they could remove their store), and
// returns them. Only a directory this user owns, named as a demo's, and
// marked by a process that no longer runs, is removed: never a kept
// store (--keep, --dir: unmarked), nor a running demo's.
func removeDeadDemos(tmp string) []string {
	dirs, _ := filepath.Glob(filepath.Join(tmp, demoPrefix+"*"))
	var removed []string
	for _, dir := range dirs {
		fi, err := os.Lstat(dir)
		if err != nil || !fi.IsDir() {
			continue
		}
		if !ownedByMe(dir, fi) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, demoMark))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || pid == os.Getpid() || !processGone(pid) {
			continue // a live process (or one not ours to ask about): its demo may be running
		}
		if os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}

// removeOnSignal returns ctx ended on SIGHUP, SIGTERM or SIGINT, so that
// the demo stops and removes dir as it ends; if it has not ended a few
// seconds after the signal, dir is removed and tkauth exits as the signal
// would have it. stop ends the watch.
func removeOnSignal(ctx context.Context, dir string) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel()
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				os.RemoveAll(dir)
				os.Exit(128 + int(s.(syscall.Signal)))
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
