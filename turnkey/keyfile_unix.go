//go:build unix

package turnkey

import (
	"os"
	"syscall"
)

// Flags for opening key files: noFollow makes open fail on a symbolic
// link rather than follow it; nonBlock keeps open from waiting on a named
// pipe (reads of a regular file do not block either way).
const (
	noFollow = syscall.O_NOFOLLOW
	nonBlock = syscall.O_NONBLOCK
)

// links is the number of names of the file fi describes.
func links(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
