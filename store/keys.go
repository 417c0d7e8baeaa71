package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	dbus "github.com/godbus/dbus/v5"
	"github.com/google/renameio/v2"
	"github.com/zalando/go-keyring"
	ss "github.com/zalando/go-keyring/secret_service"

	"github.com/tkauth/tkauth/session"
)

// Key store names, as recorded with each key pair and as --keyring takes.
const (
	KeyringSystem = "system"
	KeyringFile   = "file"
	KeyringAuto   = "auto"
)

// DefaultKeyringTimeout bounds each call to the system keyring. The Secret
// Service can wait forever on an unlock prompt that nobody sees.
const DefaultKeyringTimeout = 5 * time.Second

// SystemService is the keyring service name tkauth's items are stored under;
// the item's user is the key pair's public key.
const SystemService = "tkauth"

// usesDBus: go-keyring reaches the keyring over D-Bus here (not on macOS,
// which has the Keychain, nor Windows, which has the Credential Manager).
var usesDBus = runtime.GOOS != "darwin" && runtime.GOOS != "windows"

// ErrKeyringTimeout is returned when the system keyring does not answer in
// time.
var ErrKeyringTimeout = errors.New("the system keyring did not answer in time (is it locked, or waiting on a prompt? unlock it, or use --keyring file)")

// ErrKeyringLocked is returned when the keyring's collection is locked and
// could not be unlocked: no prompt can be shown here (SSH, no desktop), or
// it was dismissed.
var ErrKeyringLocked = errors.New("the system keyring is locked and could not be unlocked here: unlock it (log in to the desktop, or run gnome-keyring-daemon --unlock), or use --keyring file")

// checkPublicKey refuses anything but 66 hex digits, so a public key is
// always safe as a file name or keyring attribute.
func checkPublicKey(pub string) error {
	if len(pub) != 66 {
		return fmt.Errorf("invalid public key %q: want 66 hex digits", session.Short(pub))
	}
	if _, err := hex.DecodeString(pub); err != nil {
		return fmt.Errorf("invalid public key %q: not hex", session.Short(pub))
	}
	return nil
}

// FileKeys keeps private keys in 0600 files in a 0700 directory, for
// machines with no OS keyring. Anyone who can read the user's files can read
// them.
type FileKeys struct {
	dir string
}

var _ session.KeyStore = (*FileKeys)(nil)

// NewFileKeys returns the file key store in the store directory dir (the
// keys go in dir/keys).
func NewFileKeys(dir string) *FileKeys {
	return &FileKeys{dir: filepath.Join(dir, "keys")}
}

// Name implements session.KeyStore.
func (k *FileKeys) Name() string { return KeyringFile }

// Dir is the directory the private keys are in.
func (k *FileKeys) Dir() string { return k.dir }

func (k *FileKeys) path(pub string) (string, error) {
	if err := checkPublicKey(pub); err != nil {
		return "", err
	}
	return filepath.Join(k.dir, strings.ToLower(pub)+".private"), nil
}

// Put implements session.KeyStore.
func (k *FileKeys) Put(_ context.Context, pub, priv string) error {
	p, err := k.path(pub)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(k.dir, dirPerm); err != nil {
		return err
	}
	if err := renameio.WriteFile(p, []byte(priv), filePerm, renameio.WithStaticPermissions(filePerm)); err != nil {
		return err
	}
	return syncDir(k.dir)
}

// Get implements session.KeyStore.
func (k *FileKeys) Get(_ context.Context, pub string) (string, error) {
	p, err := k.path(pub)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", session.ErrKeyNotFound
	}
	return strings.TrimSpace(string(b)), err
}

// Has implements session.KeyStore.
func (k *FileKeys) Has(_ context.Context, pub string) (bool, error) {
	p, err := k.path(pub)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Delete implements session.KeyStore.
func (k *FileKeys) Delete(_ context.Context, pub string) error {
	p, err := k.path(pub)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(k.dir)
}

// SystemKeys keeps private keys in the OS keyring (the Secret Service on
// Linux, the Keychain on macOS) through go-keyring: service SystemService,
// user the public key. Every call is bounded by a timeout.
type SystemKeys struct {
	service string
	timeout time.Duration
}

var _ session.BatchKeyStore = (*SystemKeys)(nil)

// NewSystemKeys returns the system key store using service (SystemService
// outside tests), each call bounded by timeout.
func NewSystemKeys(service string, timeout time.Duration) *SystemKeys {
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	return &SystemKeys{service: service, timeout: timeout}
}

// Name implements session.KeyStore.
func (k *SystemKeys) Name() string { return KeyringSystem }

// Put implements session.KeyStore.
func (k *SystemKeys) Put(ctx context.Context, pub, priv string) error {
	if err := checkPublicKey(pub); err != nil {
		return err
	}
	return k.call(ctx, func() error { return keyring.Set(k.service, pub, priv) })
}

// Get implements session.KeyStore.
func (k *SystemKeys) Get(ctx context.Context, pub string) (string, error) {
	if err := checkPublicKey(pub); err != nil {
		return "", err
	}
	var secret string
	err := k.call(ctx, func() error {
		var err error
		secret, err = keyring.Get(k.service, pub)
		return err
	})
	switch {
	case isNotFound(err):
		return "", session.ErrKeyNotFound
	case err != nil:
		return "", err // on a timeout, the call may still be writing secret
	}
	return secret, nil
}

// HasMany implements session.BatchKeyStore. Over D-Bus (the Secret
// Service): one connection, every search sent before any answer is
// awaited, no secret read; searching needs no unlock, so it answers for a
// locked keyring too. Elsewhere (the macOS Keychain) it asks one key at a
// time, through go-keyring.
func (k *SystemKeys) HasMany(ctx context.Context, pubs []string) (map[string]bool, error) {
	if !usesDBus {
		found := make(map[string]bool, len(pubs))
		for _, pub := range pubs {
			has, err := k.Has(ctx, pub)
			if err != nil {
				return nil, err
			}
			found[pub] = has
		}
		return found, nil
	}
	var found map[string]bool
	err := k.call(ctx, func() error {
		svc, err := ss.NewSecretService()
		if err != nil {
			return err
		}
		coll := svc.GetLoginCollection()
		calls := make([]*dbus.Call, len(pubs))
		for i, pub := range pubs {
			calls[i] = coll.Go("org.freedesktop.Secret.Collection.SearchItems", 0, nil,
				map[string]string{"service": k.service, "username": pub})
		}
		m := make(map[string]bool, len(pubs))
		for i, c := range calls {
			<-c.Done
			var paths []dbus.ObjectPath
			if err := c.Store(&paths); err != nil {
				return err
			}
			m[pubs[i]] = len(paths) > 0
		}
		found = m
		return nil
	})
	if err != nil {
		return nil, err // on a timeout, the call may still be writing found
	}
	return found, nil
}

// Has implements session.KeyStore. go-keyring has no existence check, so
// this reads the item and drops the secret at once.
func (k *SystemKeys) Has(ctx context.Context, pub string) (bool, error) {
	_, err := k.Get(ctx, pub)
	if errors.Is(err, session.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Delete implements session.KeyStore. An item that is already gone,
// including one another process deleted while this one looked it up,
// counts as deleted.
func (k *SystemKeys) Delete(ctx context.Context, pub string) error {
	if err := checkPublicKey(pub); err != nil {
		return err
	}
	err := k.call(ctx, func() error { return keyring.Delete(k.service, pub) })
	if isNotFound(err) {
		return nil
	}
	return err
}

// ErrNoSessionBus: on Linux and the BSDs the Secret Service is reached over
// the D-Bus session bus, and there is none (an SSH login, CI, a container).
var ErrNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service")

// Probe reports whether the system keyring answers, without creating or
// reading any item.
func (k *SystemKeys) Probe(ctx context.Context) error {
	if usesDBus && os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		// godbus would otherwise try to autolaunch a bus with dbus-launch,
		// leaving a stray daemon behind.
		return ErrNoSessionBus
	}
	err := k.call(ctx, func() error {
		_, err := keyring.Get(k.service, "tkauth-probe")
		return err
	})
	if isNotFound(err) {
		return nil
	}
	return err
}

// isNotFound recognises go-keyring's not-found, and the D-Bus error the
// Secret Service gives when an item found by a search is deleted by another
// process before this one deletes or reads it: gnome-keyring answers
// UnknownMethod, with `No such interface “org.freedesktop.Secret.Item”` or
// `Object does not exist at path “/org/freedesktop/secrets/collection/…”`
// (both seen in TestSystemKeysConcurrentDelete); other services answer
// UnknownObject or UnknownInterface.
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, keyring.ErrNotFound) {
		return true
	}
	var de dbus.Error
	if !errors.As(err, &de) {
		return false
	}
	switch de.Name {
	case "org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownInterface":
		return true
	case "org.freedesktop.DBus.Error.UnknownMethod":
		msg := de.Error()
		return strings.Contains(msg, "org.freedesktop.Secret.Item") ||
			(strings.Contains(msg, "Object does not exist at path") && strings.Contains(msg, "/org/freedesktop/secrets/collection/"))
	}
	return false
}

// call runs f, giving up after k.timeout or when ctx ends. go-keyring takes
// no context, so on time-out f is left to finish in the background; its
// result is discarded.
func (k *SystemKeys) call(ctx context.Context, f func() error) error {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		switch {
		case err == nil || isNotFound(err):
			return err
		case strings.Contains(err.Error(), "failed to unlock correct collection"):
			// go-keyring's words when Unlock gives nothing back: locked, and
			// no prompt could be shown or it was dismissed.
			return fmt.Errorf("%w (%v)", ErrKeyringLocked, err)
		}
		return fmt.Errorf("system keyring: %w", err)
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%w (waited %s)", ErrKeyringTimeout, k.timeout)
		}
		return ctx.Err()
	}
}

// KeyStores is the outcome of choosing a key store: where new key pairs go,
// the other stores that may hold older ones, and a note for the user when
// the choice was not the one asked for.
type KeyStores struct {
	Keys   session.KeyStore
	Others []session.KeyStore
	// Note says why auto fell back to files; the user must see it.
	Note string
}

// OpenKeyStores chooses the key store for mode: "system", "file", or "auto"
// (the system keyring when it answers, otherwise files, with a Note). dir
// is the store directory; service is the keyring service name.
func OpenKeyStores(ctx context.Context, mode, dir, service string, timeout time.Duration) (KeyStores, error) {
	files := NewFileKeys(dir)
	sys := NewSystemKeys(service, timeout)
	switch mode {
	case KeyringFile:
		return KeyStores{Keys: files}, nil
	case KeyringSystem:
		return KeyStores{Keys: sys, Others: []session.KeyStore{files}}, nil
	case KeyringAuto, "":
		if err := sys.Probe(ctx); err != nil {
			return KeyStores{Keys: files, Note: fmt.Sprintf(
				"no system keyring (%v): private keys are kept in files in %s, readable by anyone who can read your files", err, files.Dir())}, nil
		}
		return KeyStores{Keys: sys, Others: []session.KeyStore{files}}, nil
	}
	return KeyStores{}, fmt.Errorf("unknown key store %q: choose auto, system or file", mode)
}
