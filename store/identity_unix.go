//go:build linux || darwin || freebsd || netbsd || openbsd

package store

import (
	"os"
	"syscall"
)

// fileID identifies one version of a file: a write through renameio makes
// a new inode, a write in place changes the times.
type fileID struct {
	ino          uint64
	size         int64
	mtime, ctime int64
}

func identity(fi os.FileInfo) fileID {
	id := fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.ino, id.ctime = uint64(st.Ino), changeTime(st)
	}
	return id
}
