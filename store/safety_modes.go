//go:build !windows

package store

import (
	"fmt"
	"os"
)

// checkOthers refuses path, described by fi, if another user owns it or
// if others can write it, or, when private, read it: by its owner and
// mode bits.
func checkOthers(path string, fi os.FileInfo, private bool) error {
	if uid, ok := owner(fi); ok && uid != os.Getuid() {
		if private {
			return fmt.Errorf("%w: %s is owned by user %d, not by you (user %d): run `chown %d %s`", ErrUnsafe, path, uid, os.Getuid(), os.Getuid(), path)
		}
		return fmt.Errorf("%w: %s is owned by user %d, not by you (user %d): run `chown %d %s`, or choose another store with %s", ErrUnsafe, path, uid, os.Getuid(), os.Getuid(), path, HomeEnv)
	}
	perm := fi.Mode().Perm()
	switch {
	case private && perm&0o077 != 0:
		return fmt.Errorf("%w: others can read or write the private key %s (mode %04o): run `chmod 600 %s`", ErrUnsafe, path, perm, path)
	case !private && perm&0o022 != 0:
		return fmt.Errorf("%w: others can write %s (mode %04o): run `chmod go-w %s`", ErrUnsafe, path, perm, path)
	}
	return nil
}

// openNoFollow opens path for reading, failing on a symbolic link and
// without waiting on a named pipe.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|noFollow|nonBlock, 0)
}

// mkdirAll makes dir and its parents, private.
func mkdirAll(dir string) error { return os.MkdirAll(dir, dirPerm) }

// mkdir makes dir, private.
func mkdir(dir string) error { return os.Mkdir(dir, dirPerm) }

// syncsDirs: a rename is made durable by syncing its directory.
const syncsDirs = true
