package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tkauth/tkauth/session"
)

// MaxFileSize bounds the session file tkauth reads: far above what
// anyone holds, far below what would exhaust memory.
const MaxFileSize = 64 << 20

// ErrTooLarge: the session file is over MaxFileSize.
var ErrTooLarge = errors.New("session file is too large")

// File is the session store: one JSON file in a private directory, changed
// only under an exclusive lock on a sibling lock file, and replaced whole,
// durably, by an atomic rename. It keeps nothing between calls: every Load
// and Update reads the file.
type File struct {
	dir string
	// lockRetry is how often a waiting Update tries the lock again.
	lockRetry time.Duration
}

var _ session.Store = (*File)(nil)

// NewFile returns the store in dir. Nothing is created until the first
// change.
func NewFile(dir string) *File {
	return &File{dir: dir, lockRetry: 5 * time.Millisecond}
}

// Dir is the store's directory.
func (f *File) Dir() string { return f.dir }

// Path is the session file's path.
func (f *File) Path() string { return filepath.Join(f.dir, fileName) }

// MakeDir creates the store directory, private, unless it is there, and
// checks that it is safe to use.
func (f *File) MakeDir() error {
	if err := mkdirAll(f.dir); err != nil {
		return fmt.Errorf("creating the store directory: %w", err)
	}
	return f.checkDir()
}

// Load reads the session file. A missing file is an empty store.
func (f *File) Load(ctx context.Context) (*session.State, error) {
	return f.read()
}

// Update implements session.Store: it locks, reads, and lets fn commit;
// each commit is durable when it returns. The lock waits as long as ctx
// allows. Under the lock, before anything else, it removes what a crash
// left of earlier writes.
func (f *File) Update(ctx context.Context, fn func(st *session.State, commit session.Commit) error) error {
	return f.locked(ctx, func() error {
		if err := removeLeftovers(f.dir); err != nil {
			return err
		}
		st, err := f.read()
		if err != nil {
			return err
		}
		return fn(st, func() error { return f.write(st) })
	})
}

// locked runs fn under the store's exclusive lock, the directory made
// first if need be.
func (f *File) locked(ctx context.Context, fn func() error) error {
	if err := f.MakeDir(); err != nil {
		return err
	}
	unlock, err := f.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

// errWouldBlock: another process holds the lock.
var errWouldBlock = errors.New("the lock is held")

// lock takes the store's exclusive lock, waiting as long as ctx allows, and
// returns what releases it. The lock file must be a regular file: a named
// pipe in its place would otherwise block every command.
func (f *File) lock(ctx context.Context) (unlock func(), err error) {
	path := filepath.Join(f.dir, lockName)
	// Read-only: flock needs no more, and a file open for writing would keep
	// the file system from being remounted read-only.
	file, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|noFollow|nonBlock, filePerm)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file: %w", err)
	}
	fi, err := file.Stat()
	if err == nil {
		err = checkRegular(path, fi)
	}
	for err == nil {
		switch err = flock(file, lockExclusive); {
		case err == nil:
			return func() {
				flock(file, lockRelease)
				file.Close()
			}, nil
		case errors.Is(err, errWouldBlock):
			select {
			case <-ctx.Done():
				err = fmt.Errorf("waiting for the lock on %s: %w", f.dir, ctx.Err())
			case <-time.After(f.lockRetry):
				err = nil
			}
		default:
			err = fmt.Errorf("locking %s: %w", path, err)
		}
	}
	file.Close()
	return nil, err
}

// open opens the session file for reading, once it and its directory
// are found safe; nil, nil if there is none.
func (f *File) open() (*os.File, os.FileInfo, error) { return f.openIn(f.Path(), "the session file") }

// openIn opens path, a file of the store's (what names it), as open does.
func (f *File) openIn(path, what string) (*os.File, os.FileInfo, error) {
	if err := f.checkDir(); err != nil {
		return nil, nil, err
	}
	if fi, err := os.Lstat(path); err == nil {
		if err := checkSafe(path, fi); err != nil {
			return nil, nil, err
		}
	}
	// O_NOFOLLOW closes the gap between the check and the open.
	file, fi, err := openRegular(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if err := checkSafe(path, fi); err != nil {
		file.Close()
		return nil, nil, err
	}
	return file, fi, nil
}

// read reads and decodes the session file, refusing one over
// MaxFileSize, and applies what an old logout note says (oldnote.go).
func (f *File) read() (*session.State, error) {
	file, fi, err := f.open()
	if file == nil {
		if err != nil {
			return nil, err
		}
		return session.NewState(), nil
	}
	defer file.Close()
	path := f.Path()
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %w (%d MiB, over %d MiB); it was left as it is", path, ErrTooLarge, fi.Size()>>20, MaxFileSize>>20)
	}
	data, err := readCapped(file, MaxFileSize)
	if errors.Is(err, ErrTooLarge) {
		err = fmt.Errorf("%w (more than %d MiB were read)", ErrTooLarge, MaxFileSize>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w; it was left as it is", path, err)
	}
	st, gen, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; it was left as it is", path, err)
	}
	if gen != "" {
		applyOldNote(st, f.readOldNote(gen))
	}
	return st, nil
}

// write replaces the session file with st, durably: the new file is
// written and synced, renamed into place, and the directory synced.
func (f *File) write(st *session.State) error {
	data, err := Encode(st)
	if err != nil {
		return err
	}
	if err := writeFile(f.dir, f.Path(), data); err != nil {
		return fmt.Errorf("writing the session file (the previous one is intact): %w", err)
	}
	if err := syncDir(f.dir); err != nil {
		return err
	}
	f.removeOldNote()
	return nil
}

// tmpDir is the store directory's directory of files being written: each
// is written there, synced, and renamed into place. So no private key or
// token passes through $TMPDIR, and what a crash leaves is in one place.
const tmpDir = ".tmp"

// writeFile replaces path, in the store in dir, with data, atomically:
// through a private file in dir/.tmp.
func writeFile(dir, path string, data []byte) error {
	tmp := filepath.Join(dir, tmpDir)
	if err := mkdir(tmp); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, err := os.Lstat(tmp)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return checkRegular(tmp, fi) // says what is there instead
	}
	if err := checkSafe(tmp, fi); err != nil {
		return err
	}
	return replaceFile(tmp, path, data)
}

// removeLeftovers deletes what interrupted writes left in the store
// directory dir (tokens of sessions since logged out, private keys): in
// .tmp, and beside the session file as .sessions.json and digits, where
// older tkauth wrote. It runs under the store's lock.
func removeLeftovers(dir string) error {
	tmp := filepath.Join(dir, tmpDir)
	entries, err := os.ReadDir(tmp)
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return err
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(tmp, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing what an interrupted write left: %w", err)
		}
	}
	old, err := filepath.Glob(filepath.Join(dir, "."+fileName+"[0-9]*"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing what an interrupted write left: %w", err)
		}
	}
	return nil
}

// syncDirFile syncs an open directory; tests replace it to play a file
// system that cannot.
var syncDirFile = (*os.File).Sync

// syncDir makes a rename in dir durable. A file system that cannot sync a
// directory at all (some FUSE and network file systems answer EINVAL) is
// taken at its word, as SQLite does: there is nothing more to do there,
// and the write itself succeeded. Windows syncs no directory: its rename
// is written through (replace_windows.go).
func syncDir(dir string) error {
	if !syncsDirs {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := syncDirFile(d); err != nil && !cannotSyncDir(err) {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
