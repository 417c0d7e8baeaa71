// Package store persists tkauth's state, and owns where it lives: the
// store directory (TKAUTH_HOME, or the user config directory), its
// permissions, the session file in it (locked, written atomically, held to
// OpenSSH's StrictModes) and the key stores that hold private keys (the OS
// keyring, or files as an explicit fallback). It implements the interfaces
// of package session; no other package spells its file names.
//
// The session file is sessionfile.go (its lock and durable writes),
// format.go and oldnote.go; safety.go holds the StrictModes checks; the
// key stores are filekeys.go, systemkeys.go, secretservice.go and
// prompt.go (the Secret Service over D-Bus, where go-keyring cannot do
// what tkauth needs), keychain.go (macOS) and credman_windows.go (the
// Credential Manager), chosen in keystores.go, or later, in deferred.go.
// What differs on Windows (the lock, access lists, the rename) is in
// *_windows.go.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// HomeEnv names the environment variable that chooses the store directory.
const HomeEnv = "TKAUTH_HOME"

const (
	fileName = "sessions.json"
	lockName = "sessions.lock"
	keysDir  = "keys"
	dirPerm  = 0o700
	filePerm = 0o600
)

// ResolveDir is the store directory: dir when given (a --home flag),
// else $TKAUTH_HOME, else os.UserConfigDir()/tkauth. A directory given
// must be an absolute path: a relative one would put the store, private
// keys included, wherever tkauth happens to be run, and a leading ~ is not
// the home directory unless a shell expanded it.
func ResolveDir(dir string) (string, error) {
	env := ""
	if dir == "" {
		dir, env = os.Getenv(HomeEnv), HomeEnv
	}
	if dir == "" {
		cfg, err := configDir()
		if err != nil {
			return "", fmt.Errorf("finding the config directory (set %s instead): %w", HomeEnv, err)
		}
		return filepath.Join(cfg, "tkauth"), nil
	}
	if strings.HasPrefix(dir, "~") || !filepath.IsAbs(dir) {
		return "", &DirError{Env: env, Dir: dir}
	}
	return filepath.Clean(dir), nil
}

// configDir is the user's config directory: $XDG_CONFIG_HOME when it is
// set (an absolute path), on macOS too, as Turnkey's CLI finds its keys
// there; else the system's (os.UserConfigDir).
func configDir() (string, error) {
	if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return x, nil
	}
	return os.UserConfigDir()
}

// ErrBadDir: the store directory given is not an absolute path.
var ErrBadDir = errors.New("not a store directory")

// DirError is ErrBadDir for Dir, which came from Env ($TKAUTH_HOME), or,
// when Env is "", from the caller, whose front end names where it came
// from.
type DirError struct {
	Env string
	Dir string
}

func (e *DirError) Error() string {
	from := e.Env
	if from == "" {
		from = "the store directory given"
	}
	if e.Tilde() {
		return fmt.Sprintf("%v: %s is %s: a ~ is not expanded here; write $HOME%s, or let the shell expand it", ErrBadDir, from, strconv.Quote(e.Dir), strings.TrimPrefix(e.Dir, "~"))
	}
	return fmt.Sprintf("%v: %s is %s, a relative path: give an absolute one, so that the store is the same wherever tkauth runs", ErrBadDir, from, strconv.Quote(e.Dir))
}

// Tilde reports a directory that starts with a ~ no shell expanded.
func (e *DirError) Tilde() bool { return strings.HasPrefix(e.Dir, "~") }

// Unwrap makes it ErrBadDir.
func (e *DirError) Unwrap() error { return ErrBadDir }
