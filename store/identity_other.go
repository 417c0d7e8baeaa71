//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd

package store

import "os"

// fileID identifies one version of a file as well as this system allows;
// the generation stamp in the file does the rest.
type fileID struct {
	size  int64
	mtime int64
}

func identity(fi os.FileInfo) fileID { return fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano()} }
