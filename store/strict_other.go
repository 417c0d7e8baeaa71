//go:build !unix

package store

import "os"

const noFollow = 0

func owner(os.FileInfo) (int, bool) { return 0, false }

// fileID identifies one version of a file, as well as this system allows.
type fileID struct {
	size  int64
	mtime int64
}

func identity(fi os.FileInfo) fileID { return fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano()} }
