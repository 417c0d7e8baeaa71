package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/tkauth/tkauth/session"
)

// Key store names, as recorded with each key pair and as --keyring takes.
const (
	KeyringSystem = "system"
	KeyringFile   = "file"
	KeyringAuto   = "auto"
)

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
