package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// apiKeys is the keyring's store of long-lived API keys, beside the
// session store the flags select; nil where no keyring can hold them:
// --keyring file, or no system keyring to reach (systemKeyringReachable).
func (f *Factory) apiKeys() (*store.APIKeys, error) {
	if f.Keyring == store.KeyringFile || !systemKeyringReachable() {
		return nil, nil
	}
	dir, err := f.Dir()
	if err != nil {
		return nil, err
	}
	return store.NewAPIKeys(store.NewFile(dir), f.KeyringService, f.KeyringTimeout, secretPublicKey), nil
}

// secretPublicKey is the public key of an API key in tkcli's format.
func secretPublicKey(secret string) (string, error) {
	k, _, err := turnkey.ParseKey(secret)
	if err != nil {
		return "", err
	}
	return k.PublicKey(), nil
}

// apiKeyLoader finds an API key by name, or in file.
type apiKeyLoader func(ctx context.Context, name, file string) (session.Signer, error)

// apiKeySource says where an API key came from.
type apiKeySource struct {
	Keyring bool
	File    string // the plain file, when not from the keyring
	// Importable: a keyring is here, and the key is not in it.
	Importable bool
	// TVC: the file is a profile's of Turnkey's Rust CLI (tvc).
	TVC bool
}

// findAPIKey finds an API key as every --api-key does: the file given;
// else tkauth's keyring, when its list (api-keys.json) names the key,
// then Turnkey's CLI key directory. A key tkauth never imported costs no
// keyring call, and so never an unlock prompt.
func (f *Factory) findAPIKey(ctx context.Context, name, file string) (session.Signer, apiKeySource, error) {
	ak, err := f.apiKeys()
	if err != nil {
		return nil, apiKeySource{}, err
	}
	if file != "" {
		k, err := turnkey.LoadKeyFile(file)
		return k, apiKeySource{File: file, Importable: ak != nil}, err
	}
	if name == "" {
		name = turnkey.DefaultKeyName
	}
	if ak != nil {
		kept, err := ak.List(ctx)
		if err != nil {
			return nil, apiKeySource{}, err
		}
		if slices.ContainsFunc(kept, func(k store.APIKeyInfo) bool { return k.Name == name }) {
			// Secret checks that the item holds the key listed.
			secret, err := ak.Secret(ctx, name)
			if err != nil {
				return nil, apiKeySource{}, fmt.Errorf("the API key %s is in tkauth's list, but reading it from the keyring failed: %w", escape.Clean(name), err)
			}
			k, _, err := turnkey.ParseKey(secret)
			if err != nil {
				return nil, apiKeySource{}, fmt.Errorf("the API key %s in the keyring: %w", escape.Clean(name), err)
			}
			return k, apiKeySource{Keyring: true}, nil
		}
	}
	k, err := turnkey.LoadCLIKey(name)
	dir, _ := turnkey.CLIKeyDir()
	if errors.Is(err, turnkey.ErrNoKeyFile) {
		// tvc's profile of that alias, if there is one.
		if tk, _, p, terr := turnkey.LoadTVCKey(name); !errors.Is(terr, turnkey.ErrNoKeyFile) {
			return tk, apiKeySource{File: p.KeyPath, Importable: ak != nil, TVC: true}, terr
		}
	}
	return k, apiKeySource{File: filepath.Join(dir, name+".private"), Importable: ak != nil}, err
}

// loadAPIKey is findAPIKey for a command: a key read from a plain file is
// used, with a hint on stderr to move it into the keyring, if one is here.
func (f *Factory) loadAPIKey(ctx context.Context, name, file string) (session.Signer, error) {
	k, src, err := f.findAPIKey(ctx, name, file)
	if err == nil && src.Importable {
		hint := "tkauth api-keys import " + cmp.Or(name, turnkey.DefaultKeyName) + " --remove-file"
		if file != "" {
			hint = "tkauth api-keys import NAME --file " + shellQuote(file) + " --remove-file"
		}
		fmt.Fprintf(f.IO.ErrOut, "tkauth: the API key came from the plain file %s; `%s` moves it into the keyring.\n", escape.Clean(src.File), escape.Clean(hint))
	}
	return k, err
}

// noteAPIKeyOrganization records that the API key pub, if tkauth keeps
// it in the keyring, logged in to org; api-keys list shows it. A failure
// costs the login nothing: the list only lacks the organization.
func (f *Factory) noteAPIKeyOrganization(ctx context.Context, pub, org string) {
	if ak, err := f.apiKeys(); err == nil && ak != nil {
		ak.NoteOrganization(ctx, pub, org)
	}
}

// quietAPIKey is findAPIKey with nothing printed, for the TUI.
func (f *Factory) quietAPIKey(ctx context.Context, name, file string) (session.Signer, error) {
	k, _, err := f.findAPIKey(ctx, name, file)
	return k, err
}
