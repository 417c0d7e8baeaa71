package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrUnsafe: the store directory or file could be changed by someone else,
// or the file is a symbolic link (OpenSSH's StrictModes).
var ErrUnsafe = errors.New("unsafe store")

// checkSafe refuses, as OpenSSH's StrictModes does, a store directory or
// session file that another user owns or that others can write: whoever
// can change it can swap the tokens tkauth hands out. A missing path is
// fine (it will be created private).
func checkSafe(path string, fi os.FileInfo) error {
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%w: %s is a symbolic link, and tkauth does not follow links to its session file: put the file itself there", ErrUnsafe, path)
	}
	if uid, ok := owner(fi); ok && uid != os.Getuid() {
		return fmt.Errorf("%w: %s is owned by user %d, not by you (user %d): run `chown %d %s`, or choose another store with %s", ErrUnsafe, path, uid, os.Getuid(), os.Getuid(), path, HomeEnv)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("%w: others can write %s (mode %04o): run `chmod go-w %s`", ErrUnsafe, path, perm, path)
	}
	return nil
}

// checkDir checks the store directory, following a link to it (a
// symlinked config directory is common and fine).
func (f *File) checkDir() error {
	fi, err := os.Stat(f.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return checkSafe(f.dir, fi)
}
