package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/renameio/v2"

	"github.com/tkauth/tkauth/session"
)

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
	return &FileKeys{dir: filepath.Join(dir, keysDir)}
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
