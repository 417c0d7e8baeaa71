// Package store persists tkauth's state: the session file (locked, written
// atomically, private) and the key stores that hold private keys (the OS
// keyring, or files as an explicit fallback). It implements the interfaces
// of package session.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

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

// Load reads the session file. A missing file is an empty store.
func (f *File) Load(ctx context.Context) (*session.State, error) {
	return f.read()
}

// Update implements session.Store: it locks, reads, and lets fn commit.
// The lock waits as long as ctx allows.
func (f *File) Update(ctx context.Context, fn func(st *session.State, commit func() error) error) error {
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
	return fn(st, func() error { return f.write(st) })
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
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %w (%d MiB, over %d MiB); it was left as it is", path, ErrTooLarge, fi.Size()>>20, MaxFileSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(file, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %w (over %d MiB); it was left as it is", path, ErrTooLarge, MaxFileSize>>20)
	}
	st, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; it was left as it is", path, err)
	}
	return st, nil
}

func (f *File) write(st *session.State) error {
	data, err := Encode(st)
	if err != nil {
		return err
	}
	if err := renameio.WriteFile(f.Path(), data, filePerm, renameio.WithStaticPermissions(filePerm)); err != nil {
		return fmt.Errorf("writing the session file (the previous one is intact): %w", err)
	}
	return syncDir(f.dir)
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
type fileFormat struct {
	Version  int           `json:"version"`
	Active   string        `json:"active,omitempty"`
	Sessions []fileSession `json:"sessions"`
	KeyPairs []fileKeyPair `json:"keyPairs"`
}

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

// Encode returns st in the session file's format, sessions and key pairs
// ordered by key so that equal states encode equally.
func Encode(st *session.State) ([]byte, error) {
	ff := fileFormat{Version: FormatVersion, Active: st.Active, Sessions: []fileSession{}, KeyPairs: []fileKeyPair{}}
	for _, s := range st.List() {
		ff.Sessions = append(ff.Sessions, fileSession{
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
	}
	for _, pub := range slices.Sorted(maps.Keys(st.KeyPairs)) {
		kp := st.KeyPairs[pub]
		ff.KeyPairs = append(ff.KeyPairs, fileKeyPair{PublicKey: kp.PublicKey, KeyStore: kp.KeyStore, CreatedAt: kp.CreatedAt, Deleting: kp.Deleting, Unclaimed: kp.Unclaimed})
	}
	return json.MarshalIndent(ff, "", "  ")
}

// Decode parses a session file. It returns an error wrapping ErrCorrupt or
// ErrNewerVersion for a file it cannot take as it is.
func Decode(data []byte) (*session.State, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	switch {
	case probe.Version == nil:
		return nil, fmt.Errorf("%w: no format version", ErrCorrupt)
	case *probe.Version > FormatVersion:
		return nil, fmt.Errorf("%w (format version %d; this tkauth reads up to %d): upgrade tkauth", ErrNewerVersion, *probe.Version, FormatVersion)
	case *probe.Version < 1:
		return nil, fmt.Errorf("%w: format version %d", ErrCorrupt, *probe.Version)
	}
	var ff fileFormat
	if err := json.Unmarshal(data, &ff); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	st := session.NewState()
	for i, fs := range ff.Sessions {
		if fs.SessionKey == "" || fs.Token == "" || fs.PublicKey == "" {
			return nil, fmt.Errorf("%w: session %d lacks its key, token or public key", ErrCorrupt, i)
		}
		if _, dup := st.Sessions[fs.SessionKey]; dup {
			return nil, fmt.Errorf("%w: session key %q appears twice", ErrCorrupt, fs.SessionKey)
		}
		st.Sessions[fs.SessionKey] = session.Session{
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
	for i, kp := range ff.KeyPairs {
		if kp.PublicKey == "" {
			return nil, fmt.Errorf("%w: key pair %d lacks its public key", ErrCorrupt, i)
		}
		if _, dup := st.KeyPairs[kp.PublicKey]; dup {
			return nil, fmt.Errorf("%w: key pair %s appears twice", ErrCorrupt, kp.PublicKey)
		}
		st.KeyPairs[kp.PublicKey] = session.KeyPair{PublicKey: kp.PublicKey, KeyStore: kp.KeyStore, CreatedAt: kp.CreatedAt, Deleting: kp.Deleting, Unclaimed: kp.Unclaimed}
	}
	if ff.Active != "" {
		if _, ok := st.Sessions[ff.Active]; !ok {
			return nil, fmt.Errorf("%w: active session %q is not stored", ErrCorrupt, ff.Active)
		}
	}
	st.Active = ff.Active
	return st, nil
}
