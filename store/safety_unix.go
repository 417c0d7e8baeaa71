//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// Flags for opening the store's files: noFollow makes open fail on a
// symbolic link rather than follow it; nonBlock keeps open from waiting on
// a named pipe put in a file's place (reads are checked to be from a
// regular file before they are made).
const (
	noFollow = syscall.O_NOFOLLOW
	nonBlock = syscall.O_NONBLOCK
)

// owner returns the user ID that owns fi.
func owner(fi os.FileInfo) (uid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// cannotSyncDir reports whether err says that the file system cannot sync
// a directory at all (some FUSE and network file systems), rather than
// that a sync failed.
func cannotSyncDir(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EOPNOTSUPP)
}

// flock takes (how: syscall.LOCK_EX|syscall.LOCK_NB) or releases
// (syscall.LOCK_UN) an advisory lock on f; errWouldBlock means another
// holds it.
func flock(f *os.File, how int) error {
	err := syscall.Flock(int(f.Fd()), how)
	if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR) {
		return errWouldBlock // try again
	}
	return err
}

const (
	lockExclusive = syscall.LOCK_EX | syscall.LOCK_NB
	lockRelease   = syscall.LOCK_UN
)
