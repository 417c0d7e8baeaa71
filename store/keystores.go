package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
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
	return openKeyStores(ctx, mode, dir, NewSystemKeys(service, timeout))
}

// openKeyStores is OpenKeyStores with the system key store sys.
func openKeyStores(ctx context.Context, mode, dir string, sys *SystemKeys) (KeyStores, error) {
	files := NewFileKeys(dir)
	switch mode {
	case KeyringFile:
		return KeyStores{Keys: files}, nil
	case KeyringSystem:
		return KeyStores{Keys: sys, Others: []session.KeyStore{files}}, nil
	case KeyringAuto, "":
		if err := chooseSystem(ctx, sys, dir); err != nil {
			return KeyStores{Keys: files, Note: fmt.Sprintf(
				"no system keyring (%v): private keys are kept in files in %s, readable by anyone who can read your files", err, files.Dir())}, nil
		}
		return KeyStores{Keys: sys, Others: []session.KeyStore{files}}, nil
	}
	return KeyStores{}, fmt.Errorf("unknown key store %q: choose auto, system or file", mode)
}

// probedFile, in the store directory, records where the system keyring
// last took a new item (Check's answer), so that auto writes a probe item
// only when that changes, not on every command.
const probedFile = "keyring-probed"

// chooseSystem reports whether auto may choose the system keyring: it
// answers (Check, which writes nothing), and it has taken a new item
// there, recorded in dir, or takes one now (Probe). Another keyring, or
// another collection or keychain for new items, is probed again.
func chooseSystem(ctx context.Context, sys *SystemKeys, dir string) error {
	where, err := sys.Check(ctx)
	if err != nil {
		return err
	}
	record := filepath.Join(dir, probedFile)
	if b, err := os.ReadFile(record); err == nil && string(b) == where+"\n" {
		sys.probed = record
		return nil
	}
	if err := sys.Probe(ctx); err != nil {
		return fmt.Errorf("it cannot store a key: %w", err)
	}
	// Not recorded (no store directory yet, a read-only one): the next
	// command probes again, which costs a write, not a wrong choice.
	if checkDirAt(dir) == nil && writeFile(dir, record, []byte(where+"\n")) == nil {
		sys.probed = record
	}
	return nil
}
