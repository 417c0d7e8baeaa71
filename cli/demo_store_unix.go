//go:build unix

package cli

import (
	"os"
	"syscall"
)

// ownedByMe reports whether this user owns dir (fi, from Lstat).
func ownedByMe(_ string, fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
