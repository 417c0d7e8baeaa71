package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrUnsafe: the store directory or a file in it could be changed (or a
// private key read) by someone else, or the file is a symbolic link or not
// a regular file (OpenSSH's StrictModes).
var ErrUnsafe = errors.New("unsafe store")

// checkSafe refuses, as OpenSSH's StrictModes does, a store directory or
// session file that another user owns or that others can write: whoever
// can change it can swap the tokens tkauth hands out. A missing path is
// fine (it will be created private).
func checkSafe(path string, fi os.FileInfo) error {
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%w: %s is a symbolic link, and tkauth does not follow links to its session file: put the file itself there", ErrUnsafe, path)
	}
	return checkOthers(path, fi, false)
}

// checkDir checks the store directory.
func (f *File) checkDir() error { return checkDirAt(f.dir) }

// openRegular opens path for reading, refusing a symbolic link and
// anything but a regular file (a named pipe would block every command, or
// feed it without end), without waiting on the open.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	file, err := openNoFollow(path)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return nil, nil, checkRegular(path, fi) // O_NOFOLLOW's ELOOP, in words
		}
		return nil, nil, err
	}
	fi, err := file.Stat()
	if err == nil {
		err = checkRegular(path, fi)
	}
	if err != nil {
		file.Close()
		return nil, nil, err
	}
	return file, fi, nil
}

// checkRegular refuses anything at path but a regular file.
func checkRegular(path string, fi os.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch t := fi.Mode().Type(); {
	case t&os.ModeSymlink != 0:
		what = "a symbolic link"
	case t&os.ModeNamedPipe != 0:
		what = "a named pipe"
	case t&os.ModeSocket != 0:
		what = "a socket"
	case t&os.ModeDevice != 0:
		what = "a device"
	case t.IsDir():
		what = "a directory"
	}
	return fmt.Errorf("%w: %s is %s; tkauth only uses a regular file there: move it away", ErrUnsafe, path, what)
}

// checkPrivate refuses, as OpenSSH does for private keys, a key file that
// is not a regular file, is another user's, or that others can read or
// write.
func checkPrivate(path string, fi os.FileInfo) error {
	if err := checkRegular(path, fi); err != nil {
		return err
	}
	return checkOthers(path, fi, true)
}

// checkDirAt checks a directory of the store, following a link to it (a
// symlinked config directory is common and fine). A missing one is fine:
// it will be created private.
func checkDirAt(dir string) error { return checkDir(dir, os.Stat) }

// checkKeyDir checks the directory of private keys, which must be one and
// not a link to one: tkauth never reaches a private key through a link.
func checkKeyDir(dir string) error { return checkDir(dir, os.Lstat) }

func checkDir(dir string, stat func(string) (os.FileInfo, error)) error {
	fi, err := stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%w: %s is a symbolic link, and tkauth does not follow links to private keys: put the directory itself there", ErrUnsafe, dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s is not a directory", ErrUnsafe, dir)
	}
	return checkSafe(dir, fi)
}

// readCapped reads r to its end, failing with ErrTooLarge past max
// bytes: a cap on what is read, not on what a file claims to hold.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err == nil && int64(len(data)) > max {
		return nil, ErrTooLarge
	}
	return data, err
}
