package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/google/renameio/v2"

	"github.com/tkauth/tkauth/session"
)

// MaxFileSize bounds the session file tkauth reads: far above 10,000
// sessions, far below what would exhaust memory.
const MaxFileSize = 64 << 20

// ErrTooLarge: the session file is over MaxFileSize.
var ErrTooLarge = errors.New("session file is too large")

// File is the session store: one JSON file in a private directory, changed
// only under an exclusive lock on a sibling lock file, and replaced whole by
// an atomic rename.
//
// A File keeps the state it last read or wrote, with each session's
// encoding. While the file on disk is the one it knows, reading costs a
// copy instead of a decode, and writing encodes only the sessions that
// changed. "The one it knows" is checked under the lock before every
// change: same inode, size, modification and change times (every write is a
// rename to a new inode), and the same random generation stamp in the
// file's first bytes, since a freed inode can be reused, and times on some
// file systems are only to the second.
type File struct {
	dir string
	// lockRetry is how often a waiting Update tries the lock again.
	lockRetry time.Duration

	mu    sync.Mutex
	known fileID
	gen   string         // the generation stamp of the file known
	state *session.State // as last read or written; lent only to Update, which then forgets it
	cache encCache       // encodings by value, of what was last read or written
	buf   bytes.Buffer   // reused by each write
	// noted are the key pairs the note (note.go) for the known file
	// removes from it; noteKnown is the note's identity.
	noted     []string
	noteKnown fileID
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
	if err := os.MkdirAll(f.dir, dirPerm); err != nil {
		return fmt.Errorf("creating the store directory: %w", err)
	}
	return f.checkDir()
}

// Load reads the session file. A missing file is an empty store.
func (f *File) Load(ctx context.Context) (*session.State, error) {
	return f.read(false)
}

// Update implements session.Store: it locks, reads, and lets fn commit.
// The lock waits as long as ctx allows. Under the lock, before anything
// else, it removes what a crash left of earlier writes.
func (f *File) Update(ctx context.Context, fn func(st *session.State, commit session.Commit) error) error {
	if err := f.MakeDir(); err != nil {
		return err
	}
	unlock, err := f.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if err := removeLeftovers(f.dir); err != nil {
		return err
	}

	// The state read is the caller's to change: the cached one is lent
	// rather than copied, and the first write caches a copy again.
	st, err := f.read(true)
	if err != nil {
		return err
	}
	return fn(st, func(opts ...session.CommitOption) error {
		recoverable := slices.Contains(opts, session.Recoverable)
		if recoverable {
			f.mu.Lock()
			gone, ok := f.forgotten(st)
			if ok && f.writeNote(st, gone) == nil {
				f.mu.Unlock()
				return nil
			}
			// A note that cannot be written (a link or a directory in its
			// place, a full disk) is no worse than none: the file is
			// written instead, as before notes.
			f.mu.Unlock()
		}
		return f.write(st, !recoverable)
	})
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

// clone copies st, so that what a caller changes is not the cache.
func clone(st *session.State) *session.State {
	return &session.State{Sessions: maps.Clone(st.Sessions), Active: st.Active, Previous: st.Previous, KeyPairs: maps.Clone(st.KeyPairs), Order: st.Order}
}

// open opens the session file for reading, once it and its directory
// are found safe; nil, nil if there is none.
func (f *File) open() (*os.File, os.FileInfo, error) {
	if err := f.checkDir(); err != nil {
		return nil, nil, err
	}
	path := f.Path()
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
		return nil, nil, fmt.Errorf("reading the session file: %w", err)
	}
	if err := checkSafe(path, fi); err != nil {
		file.Close()
		return nil, nil, err
	}
	return file, fi, nil
}

func (f *File) read(lend bool) (*session.State, error) {
	file, fi, err := f.open()
	if file == nil {
		if err != nil {
			return nil, err
		}
		return session.NewState(), nil
	}
	defer file.Close()
	path := f.Path()
	id, gen, noteID := identity(fi), readGen(file), f.noteID()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != nil && id == f.known && gen != "" && gen == f.gen && noteID == f.noteKnown {
		st := f.state
		if lend {
			f.state = nil
			return st, nil
		}
		return clone(st), nil
	}
	st, cache, err := decodeFile(file, fi, path, false)
	if err != nil {
		return nil, err
	}
	noted := applyNote(st, f.readNote(gen))
	f.known, f.gen, f.state, f.cache = id, gen, st, encCache{}
	if cache != nil {
		f.cache = *cache // the encodings read: a first write encodes only what changed
	}
	f.noted, f.noteKnown = noted, noteID
	if lend {
		f.state = nil
		return st, nil
	}
	return clone(st), nil
}

// Listing implements session.Lister: the state as Load reads it, but
// without the sessions' tokens, for display only. It neither uses nor
// fills the cache, which must hold what is on disk.
func (f *File) Listing(ctx context.Context) (*session.State, error) {
	file, fi, err := f.open()
	if file == nil {
		if err != nil {
			return nil, err
		}
		return session.NewState(), nil
	}
	defer file.Close()
	gen := readGen(file)
	st, _, err := decodeFile(file, fi, f.Path(), true)
	if err != nil {
		return nil, err
	}
	applyNote(st, f.readNote(gen))
	return st, nil
}

// decodeFile decodes the session file open as file (decodeSome), refusing
// one over MaxFileSize; without tokens if noTokens. With tokens, it also
// returns the encodings read (nil if the file is not tkauth's layout).
func decodeFile(file *os.File, fi os.FileInfo, path string, noTokens bool) (*session.State, *encCache, error) {
	if fi.Size() > MaxFileSize {
		return nil, nil, fmt.Errorf("%s: %w (%d MiB, over %d MiB); it was left as it is", path, ErrTooLarge, fi.Size()>>20, MaxFileSize>>20)
	}
	lf := &limitedFile{f: file, max: MaxFileSize}
	st, cache, err := decodeSome(lf, fi.Size(), noTokens)
	if lf.over {
		err = fmt.Errorf("%w (more than %d MiB were read)", ErrTooLarge, MaxFileSize>>20)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w; it was left as it is", path, err)
	}
	return st, cache, nil
}

// newGen returns a fresh generation stamp. It needs to be unique, not
// secret: math/rand/v2's generator is seeded afresh in every process.
func newGen() string {
	return fmt.Sprintf("%016x", rand.Uint64())
}

// write replaces the session file with st; syncDirToo says whether the
// rename must be durable before write returns.
func (f *File) write(st *session.State, syncDirToo bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buf.Reset()
	gen := newGen()
	// The cache holds encodings by value (a session is never changed in
	// place), right for any state: it is kept even when the state on disk
	// is not known, or was lent (read).
	if err := encode(&f.buf, st, &f.cache, gen); err != nil {
		f.state, f.cache = nil, encCache{}
		return err
	}
	// From here the cache holds st's encodings; should the write fail, the
	// state on disk is not known, and the next read starts afresh.
	if err := writeFile(f.dir, f.Path(), f.buf.Bytes()); err != nil {
		f.state = nil
		return fmt.Errorf("writing the session file (the previous one is intact): %w", err)
	}
	if syncDirToo {
		if err := syncDir(f.dir); err != nil {
			f.state = nil
			return err
		}
	}
	f.fileWritten()
	fi, err := os.Lstat(f.Path())
	if err != nil {
		f.state = nil
		return nil // written; the next read decodes it again
	}
	f.known, f.gen, f.state = identity(fi), gen, clone(st)
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
	if err := os.Mkdir(tmp, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
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
	return renameio.WriteFile(path, data, filePerm, renameio.WithStaticPermissions(filePerm), renameio.WithTempDir(tmp))
}

// removeLeftovers deletes what writes a crash interrupted left behind in
// the store directory dir: session files, which hold the tokens of
// sessions since logged out, and private keys. It runs under the store's
// lock, so no write of tkauth's is under way. (Before .tmp, session files
// were written beside the session file, as .sessions.json and digits.)
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
// and the write itself succeeded.
func syncDir(dir string) error {
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

// Active returns the active session, or nil if none is, reading as little
// as it can: the file's first line names the active session, and each
// session is a line of its own, so only that line is decoded. A file not
// laid out so is decoded whole. It is for prompts, which run it every
// time (tkauth current); the safety checks are those of Load.
func (f *File) Active(ctx context.Context) (*session.Session, error) {
	file, _, err := f.open()
	if file == nil {
		return nil, err
	}
	defer file.Close()
	path := f.Path()
	lf := &limitedFile{f: file, max: MaxFileSize}
	data, err := io.ReadAll(lf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s, ok := activeLine(data); ok {
		return s, nil
	}
	st, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; it was left as it is", path, err)
	}
	return st.Sessions[st.Active], nil
}

// activeLine finds the active session in a session file as encode lays it
// out, reading the first line and the session lines' keys, and decoding
// only the active session's line; ok is false if the file is not laid out
// so. It uses the line reader's scanner (lines.go), not encoding/json,
// whose first use in a process costs a prompt more than the rest.
func activeLine(data []byte) (s *session.Session, ok bool) {
	first, rest, found := bytes.Cut(data, []byte("\n"))
	h, ok := scanHeader(first)
	if !found || !ok {
		return nil, false
	}
	if h.active == "" {
		return nil, true
	}
	const keyField = `{"sessionKey":`
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if !bytes.HasPrefix(line, []byte(keyField)) {
			return nil, false // past the sessions, or not encode's layout
		}
		v, _, ok := scanString(line, len(keyField))
		var key string
		if !ok || !v.str(&key, nil, false) {
			return nil, false
		}
		if key != h.active {
			continue
		}
		obj, _ := cutComma(line)
		var fs fileSession
		if !scanSession(obj, &fs, nil) || fs.SessionKey != h.active {
			return nil, false
		}
		return fs.session(), true
	}
	return nil, false
}
