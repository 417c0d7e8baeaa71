// Package store persists tkauth's state: the session file (locked, written
// atomically, private) and the key stores that hold private keys (the OS
// keyring, or files as an explicit fallback). It implements the interfaces
// of package session.
package store

import (
	"bufio"
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
	"time"

	json "github.com/goccy/go-json"
	"github.com/gofrs/flock"
	"github.com/google/renameio/v2"

	"github.com/tkauth/tkauth/session"
)

// FormatVersion is the version of the session file this tkauth writes, and
// the newest it reads.
const FormatVersion = 1

// MaxFileSize bounds the session file tkauth reads: far above 10,000
// sessions, far below what would exhaust memory.
const MaxFileSize = 64 << 20

const (
	fileName = "sessions.json"
	lockName = "sessions.lock"
	dirPerm  = 0o700
	filePerm = 0o600
)

// Errors about the session file; test with errors.Is.
var (
	ErrCorrupt      = errors.New("session file is corrupt")
	ErrNewerVersion = errors.New("session file was written by a newer tkauth")
	ErrTooLarge     = errors.New("session file is too large")
	// ErrUnsafe: the store directory or file could be changed by someone
	// else, or the file is a symbolic link (OpenSSH's StrictModes).
	ErrUnsafe = errors.New("unsafe store")
)

// checkSafe refuses, as OpenSSH's StrictModes does, a store directory or
// session file that another user owns or that others can write: whoever
// can change it can swap the tokens tkauth hands out. A missing path is
// fine (it will be created private).
func checkSafe(path string, fi os.FileInfo) error {
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%w: %s is a symbolic link, and tkauth does not follow links to its session file: put the file itself there", ErrUnsafe, path)
	}
	if uid, ok := owner(fi); ok && uid != os.Getuid() {
		return fmt.Errorf("%w: %s is owned by user %d, not by you (user %d): run `chown %d %s`, or choose another store with TKAUTH_HOME", ErrUnsafe, path, uid, os.Getuid(), os.Getuid(), path)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("%w: others can write %s (mode %04o): run `chmod go-w %s`", ErrUnsafe, path, perm, path)
	}
	return nil
}

// checkDir checks the store directory, following a link to it (a
// symlinked config directory is common and fine).
func (f *File) checkDir() error {
	fi, err := os.Stat(f.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return checkSafe(f.dir, fi)
}

// DefaultDir is where the store lives unless TKAUTH_HOME says otherwise:
// os.UserConfigDir()/tkauth.
func DefaultDir() (string, error) {
	if d := os.Getenv("TKAUTH_HOME"); d != "" {
		return d, nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory (set TKAUTH_HOME instead): %w", err)
	}
	return filepath.Join(cfg, "tkauth"), nil
}

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
	gen   string              // the generation stamp of the file known
	state *session.State      // as last read or written; never handed out
	frags map[string]fragment // session key -> its encoding
	buf   bytes.Buffer        // reused by each write
}

// fragment is one session's encoding in the session file. Sessions are
// never changed in place, so the same pointer means the same encoding.
type fragment struct {
	s    *session.Session
	json []byte
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

// Load reads the session file. A missing file is an empty store.
func (f *File) Load(ctx context.Context) (*session.State, error) {
	return f.read()
}

// Update implements session.Store: it locks, reads, and lets fn commit.
// The lock waits as long as ctx allows.
func (f *File) Update(ctx context.Context, fn func(st *session.State, commit session.Commit) error) error {
	if err := os.MkdirAll(f.dir, dirPerm); err != nil {
		return fmt.Errorf("creating the store directory: %w", err)
	}
	if err := f.checkDir(); err != nil {
		return err
	}
	lock := flock.New(filepath.Join(f.dir, lockName), flock.SetPermissions(filePerm))
	ok, err := lock.TryLockContext(ctx, f.lockRetry)
	if err != nil || !ok {
		if err == nil {
			err = ctx.Err()
		}
		return fmt.Errorf("waiting for the lock on %s: %w", f.dir, err)
	}
	defer lock.Unlock()

	st, err := f.read()
	if err != nil {
		return err
	}
	return fn(st, func(opts ...session.CommitOption) error {
		return f.write(st, !slices.Contains(opts, session.Recoverable))
	})
}

// clone copies st, so that what a caller changes is not the cache.
func clone(st *session.State) *session.State {
	return &session.State{Sessions: maps.Clone(st.Sessions), Active: st.Active, KeyPairs: maps.Clone(st.KeyPairs)}
}

func (f *File) read() (*session.State, error) {
	if err := f.checkDir(); err != nil {
		return nil, err
	}
	path := f.Path()
	if fi, err := os.Lstat(path); err == nil {
		if err := checkSafe(path, fi); err != nil {
			return nil, err
		}
	}
	// O_NOFOLLOW closes the gap between the check and the open.
	file, err := os.OpenFile(path, os.O_RDONLY|noFollow, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return session.NewState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the session file: %w", err)
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return nil, err
	}
	id, gen := identity(fi), readGen(file)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != nil && id == f.known && gen != "" && gen == f.gen {
		return clone(f.state), nil
	}
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %w (%d MiB, over %d MiB); it was left as it is", path, ErrTooLarge, fi.Size()>>20, MaxFileSize>>20)
	}
	// Decoded as it is read: neither the file's bytes nor a copy of them
	// is held beside the sessions, which keeps peak memory near the
	// sessions' own size.
	st, err := decodeFrom(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; it was left as it is", path, err)
	}
	f.known, f.gen, f.state, f.frags = id, gen, st, nil
	return clone(st), nil
}

// genField starts the generation stamp in the file's header.
const genField = `,"gen":"`

// newGen returns a fresh generation stamp. It needs to be unique, not
// secret: math/rand/v2's generator is seeded afresh in every process.
func newGen() string {
	return fmt.Sprintf("%016x", rand.Uint64())
}

// readGen returns the generation stamp in the file's first bytes, or "".
func readGen(file *os.File) string {
	head := make([]byte, 64)
	n, _ := file.ReadAt(head, 0)
	_, rest, ok := bytes.Cut(head[:n], []byte(genField))
	if !ok || len(rest) < 17 || rest[16] != '"' {
		return ""
	}
	return string(rest[:16])
}

// write replaces the session file with st; syncDir says whether the
// rename must be durable before write returns.
func (f *File) write(st *session.State, syncDirToo bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buf.Reset()
	gen := newGen()
	frags, err := encode(&f.buf, st, f.frags, gen)
	if err != nil {
		return err
	}
	if err := renameio.WriteFile(f.Path(), f.buf.Bytes(), filePerm, renameio.WithStaticPermissions(filePerm), renameio.WithTempDir(f.dir)); err != nil {
		f.state = nil // what is on disk is no longer known for sure
		return fmt.Errorf("writing the session file (the previous one is intact): %w", err)
	}
	if syncDirToo {
		if err := syncDir(f.dir); err != nil {
			f.state = nil
			return err
		}
	}
	fi, err := os.Lstat(f.Path())
	if err != nil {
		f.state = nil
		return nil // written; the next read decodes it again
	}
	f.known, f.gen, f.state, f.frags = identity(fi), gen, clone(st), frags
	return nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}

// The on-disk form. Field names match Turnkey's Session type where one
// exists; expiry is Unix seconds, as in the JWT.
//
// The file is one JSON object: {"version": FormatVersion, "active": key,
// "sessions": [fileSession...], "keyPairs": [fileKeyPair...]}. Encode
// writes it and walk reads it, field by field.

type fileSession struct {
	SessionKey       string    `json:"sessionKey"`
	Token            string    `json:"token"`
	PublicKey        string    `json:"publicKey"`
	UserID           string    `json:"userId"`
	OrganizationID   string    `json:"organizationId"`
	SessionType      string    `json:"sessionType"`
	Expiry           int64     `json:"expiry"`
	SessionProfileID string    `json:"sessionProfileId,omitempty"`
	Scope            string    `json:"scope,omitempty"`
	Verified         bool      `json:"verified"`
	StoredAt         time.Time `json:"storedAt"`
}

type fileKeyPair struct {
	PublicKey string    `json:"publicKey"`
	KeyStore  string    `json:"keyStore"`
	CreatedAt time.Time `json:"createdAt"`
	Deleting  bool      `json:"deleting,omitempty"`
	Unclaimed bool      `json:"unclaimed,omitempty"`
}

// Encode returns st in the session file's format: compact JSON, one
// session a line, sessions and key pairs ordered by key so that equal
// states encode equally.
func Encode(st *session.State) ([]byte, error) {
	var b bytes.Buffer
	_, err := encode(&b, st, nil, "")
	return b.Bytes(), err
}

// encode writes st to b as Encode does, with the generation stamp gen if
// not empty, reusing the encodings in frags of sessions that have not
// changed; it returns the encodings of st's sessions.
func encode(b *bytes.Buffer, st *session.State, frags map[string]fragment, gen string) (map[string]fragment, error) {
	keys := slices.Sorted(maps.Keys(st.Sessions))
	next := make(map[string]fragment, len(keys))
	size := 256
	for _, k := range keys {
		s := st.Sessions[k]
		fr, ok := frags[k]
		if !ok || fr.s != s {
			enc, err := json.Marshal(fileSession{
				SessionKey:       s.Key,
				Token:            s.Token,
				PublicKey:        s.PublicKey,
				UserID:           s.UserID,
				OrganizationID:   s.OrganizationID,
				SessionType:      string(s.Type),
				Expiry:           s.Expiry.Unix(),
				SessionProfileID: s.SessionProfileID,
				Scope:            s.Scope,
				Verified:         s.Verified,
				StoredAt:         s.StoredAt,
			})
			if err != nil {
				return nil, err
			}
			fr = fragment{s: s, json: enc}
		}
		next[k] = fr
		size += len(fr.json) + 2
	}
	kps := make([]fileKeyPair, 0, len(st.KeyPairs))
	for _, pub := range slices.Sorted(maps.Keys(st.KeyPairs)) {
		kp := st.KeyPairs[pub]
		kps = append(kps, fileKeyPair{PublicKey: kp.PublicKey, KeyStore: kp.KeyStore, CreatedAt: kp.CreatedAt, Deleting: kp.Deleting, Unclaimed: kp.Unclaimed})
	}
	active, err := json.Marshal(st.Active)
	if err != nil {
		return nil, err
	}
	b.Grow(size + 200*len(kps))
	fmt.Fprintf(b, `{"version":%d`, FormatVersion)
	if gen != "" {
		b.WriteString(genField + gen + `"`)
	}
	fmt.Fprintf(b, `,"active":%s,"sessions":[`, active)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		b.Write(next[k].json)
	}
	b.WriteString("\n],\"keyPairs\":[")
	for i, kp := range kps {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(kp)
		if err != nil {
			return nil, err
		}
		b.WriteString("\n")
		b.Write(kb)
	}
	b.WriteString("\n]}\n")
	return next, nil
}

// Decode parses a session file. It returns an error wrapping ErrCorrupt or
// ErrNewerVersion for a file it cannot take as it is.
func Decode(data []byte) (*session.State, error) {
	return decodeFrom(bytes.NewReader(data))
}

// decodeFrom decodes a session file as it reads it, one session at a time
// straight into the state: no copy of the file and no slice of all the
// sessions is held beside it. When that fails, it reads the file again for
// its version alone, to tell a newer format from a corrupt one.
func decodeFrom(r io.ReadSeeker) (*session.State, error) {
	st, version, err := walk(json.NewDecoder(bufio.NewReaderSize(r, 64<<10)))
	if err != nil && version <= FormatVersion {
		var probe struct {
			Version int `json:"version"`
		}
		if _, serr := r.Seek(0, io.SeekStart); serr == nil && json.NewDecoder(r).Decode(&probe) == nil {
			version = probe.Version
		}
	}
	switch {
	case version > FormatVersion:
		return nil, fmt.Errorf("%w (format version %d; this tkauth reads up to %d): upgrade tkauth", ErrNewerVersion, version, FormatVersion)
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	case version == 0:
		return nil, fmt.Errorf("%w: no format version", ErrCorrupt)
	case version < 1:
		return nil, fmt.Errorf("%w: format version %d", ErrCorrupt, version)
	}
	return st, nil
}

// walk reads the file's top-level object field by field. It stops at a
// version newer than FormatVersion, before any session.
func walk(dec *json.Decoder) (*session.State, int, error) {
	st := session.NewState()
	version := 0
	if err := expect(dec, '{'); err != nil {
		return nil, 0, err
	}
	var active string
	var keyPairs []fileKeyPair
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, version, err
		}
		switch tok {
		case "version":
			if err := dec.Decode(&version); err != nil {
				return nil, version, err
			}
			if version > FormatVersion {
				return nil, version, nil
			}
		case "active":
			err = dec.Decode(&active)
		case "sessions":
			err = walkSessions(dec, st)
		case "keyPairs":
			err = dec.Decode(&keyPairs)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, version, err
		}
	}
	if err := expect(dec, '}'); err != nil {
		return nil, version, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, version, errors.New("data after the end of the file's JSON object")
	}
	if err := finish(st, active, keyPairs); err != nil {
		return nil, version, err
	}
	return st, version, nil
}

func expect(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("want %q, found %v", d, tok)
	}
	return nil
}

// walkSessions decodes the sessions array into st, one at a time.
func walkSessions(dec *json.Decoder, st *session.State) error {
	if err := expect(dec, '['); err != nil {
		return err
	}
	for i := 0; dec.More(); i++ {
		var fs fileSession
		if err := dec.Decode(&fs); err != nil {
			return err
		}
		if fs.SessionKey == "" || fs.Token == "" || fs.PublicKey == "" {
			return fmt.Errorf("session %d lacks its key, token or public key", i)
		}
		if _, dup := st.Sessions[fs.SessionKey]; dup {
			return fmt.Errorf("session key %q appears twice", fs.SessionKey)
		}
		st.Sessions[fs.SessionKey] = &session.Session{
			Key:   fs.SessionKey,
			Token: fs.Token,
			Claims: session.Claims{
				Expiry:           time.Unix(fs.Expiry, 0).UTC(),
				PublicKey:        fs.PublicKey,
				Type:             session.Type(fs.SessionType),
				UserID:           fs.UserID,
				OrganizationID:   fs.OrganizationID,
				SessionProfileID: fs.SessionProfileID,
				Scope:            fs.Scope,
			},
			Verified: fs.Verified,
			StoredAt: fs.StoredAt,
		}
	}
	return expect(dec, ']')
}

// finish adds the key pairs and the active session to st, checking them.
func finish(st *session.State, active string, keyPairs []fileKeyPair) error {
	for i, kp := range keyPairs {
		if kp.PublicKey == "" {
			return fmt.Errorf("key pair %d lacks its public key", i)
		}
		if _, dup := st.KeyPairs[kp.PublicKey]; dup {
			return fmt.Errorf("key pair %s appears twice", kp.PublicKey)
		}
		st.KeyPairs[kp.PublicKey] = session.KeyPair{PublicKey: kp.PublicKey, KeyStore: kp.KeyStore, CreatedAt: kp.CreatedAt, Deleting: kp.Deleting, Unclaimed: kp.Unclaimed}
	}
	if active != "" {
		if _, ok := st.Sessions[active]; !ok {
			return fmt.Errorf("active session %q is not stored", active)
		}
	}
	st.Active = active
	return nil
}
