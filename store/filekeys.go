package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tkauth/tkauth/session"
)

// maxKeyFile bounds what is read of a private key file: 64 hex digits,
// and room to spare.
const maxKeyFile = 4 << 10

// FileKeys keeps private keys in 0600 files in a 0700 directory, for
// machines with no OS keyring. Anyone who can read the user's files can read
// them. A key file must be a regular file that only its owner, the user,
// can read or write, in a directory only the user can write; otherwise it
// is refused, as OpenSSH refuses such private keys.
type FileKeys struct {
	root string // the store directory
	dir  string // root/keys
}

var _ session.KeyStore = (*FileKeys)(nil)

// NewFileKeys returns the file key store in the store directory dir (the
// keys go in dir/keys).
func NewFileKeys(dir string) *FileKeys {
	return &FileKeys{root: dir, dir: filepath.Join(dir, keysDir)}
}

// Name implements session.KeyStore.
func (k *FileKeys) Name() string { return KeyringFile }

// Dir is the directory the private keys are in.
func (k *FileKeys) Dir() string { return k.dir }

// path is pub's key file, once the directory is found safe.
func (k *FileKeys) path(pub string) (string, error) {
	if err := checkPublicKey(pub); err != nil {
		return "", err
	}
	if err := checkKeyDir(k.dir); err != nil {
		return "", err
	}
	return k.file(pub), nil
}

func (k *FileKeys) file(pub string) string {
	return filepath.Join(k.dir, strings.ToLower(pub)+".private")
}

// Put implements session.KeyStore. The key is written in the store's
// .tmp directory, synced, and renamed into place.
func (k *FileKeys) Put(_ context.Context, pub, priv string) error {
	p, err := k.path(pub)
	if err != nil {
		return err
	}
	if err := mkdirAll(k.dir); err != nil {
		return err
	}
	if err := writeFile(k.root, p, []byte(priv)); err != nil {
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
	file, fi, err := openRegular(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", session.ErrKeyNotFound
	}
	if err != nil {
		return "", err
	}
	defer file.Close()
	if err := checkPrivate(p, fi); err != nil {
		return "", err
	}
	b, err := io.ReadAll(io.LimitReader(file, maxKeyFile+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxKeyFile {
		return "", fmt.Errorf("%s is larger than a private key can be", p)
	}
	return strings.TrimSpace(string(b)), nil
}

// Has implements session.KeyStore. A key file that Get would refuse is an
// error, not a key the store has.
func (k *FileKeys) Has(_ context.Context, pub string) (bool, error) {
	p, err := k.path(pub)
	if err != nil {
		return false, err
	}
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := checkPrivate(p, fi); err != nil {
		return false, err
	}
	return true, nil
}

// Delete implements session.KeyStore. Anything but a regular file in the
// key's place (a symbolic link, say) is refused, not removed: removing a
// link would leave the private key it points to, and say it deleted.
func (k *FileKeys) Delete(_ context.Context, pub string) error {
	p, err := k.path(pub)
	if err != nil {
		return err
	}
	if fi, err := os.Lstat(p); err == nil {
		if err := checkRegular(p, fi); err != nil {
			return fmt.Errorf("%w; the private key was not deleted", err)
		}
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(k.dir)
}

// Tidy implements session.Tidier: it removes the temporary files that
// writes of an older tkauth, interrupted by a crash, left beside the keys
// (dot files, each a private key).
func (k *FileKeys) Tidy(context.Context) error {
	if err := checkKeyDir(k.dir); err != nil {
		return err
	}
	entries, err := os.ReadDir(k.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			if err := os.Remove(filepath.Join(k.dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}
