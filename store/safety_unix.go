//go:build unix

package store

import (
	"os"
	"syscall"
)

// noFollow makes open fail on a symbolic link rather than follow it.
const noFollow = syscall.O_NOFOLLOW

// owner returns the user ID that owns fi.
func owner(fi os.FileInfo) (uid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
