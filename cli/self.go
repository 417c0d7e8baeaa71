package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/tkauth/tkauth/internal/escape"
)

// selfCommand is how the user can run this tkauth again from where they
// are: `go run .` after go run (the binary is gone when it exits), the
// path they typed when PATH would find another or none, else its name.
func selfCommand() string {
	exe, _ := os.Executable()
	if isGoRun(exe) {
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			return "go run " + info.Main.Path + "@" + info.Main.Version
		}
		return "go run ."
	}
	arg0 := os.Args[0]
	if !strings.ContainsRune(arg0, os.PathSeparator) {
		return arg0 // found on PATH
	}
	name := filepath.Base(arg0)
	if onPath, err := exec.LookPath(name); err == nil && sameFile(onPath, exe) {
		return name
	}
	return shellQuote(arg0)
}

// isGoRun says whether exe was built by go run: into a temporary
// go-build directory (…/go-build123/b001/exe/tkauth), or, since Go 1.24,
// into the build cache (GOCACHE/f2/<hash>-d/tkauth). Either is no command
// to give the user.
func isGoRun(exe string) bool {
	dir := filepath.Dir(exe)
	if filepath.Base(dir) == "exe" && strings.Contains(exe, string(os.PathSeparator)+"go-build") {
		return true
	}
	hash, ok := strings.CutSuffix(filepath.Base(dir), "-d")
	prefix := filepath.Base(filepath.Dir(dir))
	return ok && len(hash) == 64 && len(prefix) == 2 && strings.HasPrefix(hash, prefix) && isHex(hash)
}

func isHex(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') }) < 0
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// shellQuote quotes s for sh, bash, zsh and fish alike when it needs it.
func shellQuote(s string) string { return escape.Shell(s) }
