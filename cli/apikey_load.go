package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// apiKeys is the keyring's store of long-lived API keys, beside the
// session store the flags select; nil where no keyring can hold them:
// --keyring file, or no D-Bus session bus.
func (f *Factory) apiKeys() (*store.APIKeys, error) {
	if f.Keyring == store.KeyringFile || runtime.GOOS != "darwin" && os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return nil, nil
	}
	dir, err := f.Dir()
	if err != nil {
		return nil, err
	}
	return store.NewAPIKeys(store.NewFile(dir), f.KeyringService, f.KeyringTimeout), nil
}

// apiKeyLoader finds an API key by name, or in file.
type apiKeyLoader func(ctx context.Context, name, file string) (session.Signer, error)

// apiKeySource says where an API key came from.
type apiKeySource struct {
	Keyring bool
	File    string // the plain file, when not from the keyring
}

// findAPIKey finds an API key as every --api-key does: the file given;
// else tkauth's keyring first, then Turnkey's CLI key directory.
func (f *Factory) findAPIKey(ctx context.Context, name, file string) (session.Signer, apiKeySource, error) {
	if file != "" {
		k, err := turnkey.LoadKeyFile(file)
		return k, apiKeySource{File: file}, err
	}
	if name == "" {
		name = turnkey.DefaultKeyName
	}
	var keyringErr error
	if ak, err := f.apiKeys(); err != nil {
		return nil, apiKeySource{}, err
	} else if ak != nil {
		secret, err := ak.Secret(ctx, name)
		if err == nil {
			k, _, err := turnkey.ParseKey(secret)
			if err != nil {
				return nil, apiKeySource{}, fmt.Errorf("the API key %s in the keyring: %w", text.Clean(name), err)
			}
			return k, apiKeySource{Keyring: true}, nil
		}
		if !errors.Is(err, session.ErrKeyNotFound) {
			keyringErr = err
		}
	}
	k, err := turnkey.LoadCLIKey(name)
	if err != nil && keyringErr != nil {
		return nil, apiKeySource{}, fmt.Errorf("the keyring could not be asked for the API key %s (%v), and %w", text.Clean(name), keyringErr, err)
	}
	dir, _ := turnkey.CLIKeyDir()
	return k, apiKeySource{File: filepath.Join(dir, name+".private")}, err
}

// loadAPIKey is findAPIKey for a command: a key read from a plain file is
// used, with a hint on stderr to move it into the keyring.
func (f *Factory) loadAPIKey(ctx context.Context, name, file string) (session.Signer, error) {
	k, src, err := f.findAPIKey(ctx, name, file)
	if err == nil && !src.Keyring {
		if ak, _ := f.apiKeys(); ak != nil {
			hint := "tkauth api-keys import " + name + " --remove-file"
			if file != "" {
				hint = "tkauth api-keys import NAME --file " + shellQuote(file) + " --remove-file"
			}
			fmt.Fprintf(f.IO.ErrOut, "tkauth: the API key came from the plain file %s; `%s` moves it into the keyring.\n", text.Clean(src.File), text.Clean(hint))
		}
	}
	return k, err
}

// quietAPIKey is findAPIKey with nothing printed, for the TUI.
func (f *Factory) quietAPIKey(ctx context.Context, name, file string) (session.Signer, error) {
	k, _, err := f.findAPIKey(ctx, name, file)
	return k, err
}
