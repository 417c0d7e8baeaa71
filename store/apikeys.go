package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/tkauth/tkauth/session"
)

// APIKeyInfo is what tkauth records of a long-lived API key it keeps: no
// secret, only what `api-keys list` shows.
type APIKeyInfo struct {
	Name          string    `json:"name"`
	PublicKey     string    `json:"publicKey"`
	Curve         string    `json:"curve"`
	Organizations []string  `json:"organizations,omitempty"`
	Added         time.Time `json:"addedAt"`
}

// apiKeysFile lists the API keys in the keyring, in the store directory:
// the Keychain cannot list items, and listing should not need an unlock.
const apiKeysFile = "api-keys.json"

// maxAPIKeysFile bounds the list read: a few hundred bytes a key.
const maxAPIKeysFile = 1 << 20

// APIKeys keeps long-lived Turnkey API keys in the system keyring: service
// "<service>-api-key", user the key's name, the secret in tkcli's format
// ("<private hex>:<curve>"), under the exact-attribute rules of session
// keys (tkauth's own items only). api-keys.json in the store directory
// lists them, with their public halves.
type APIKeys struct {
	file *File
	sys  *SystemKeys
}

// NewAPIKeys is the API key store beside the session store f, in the
// keyring under service (SystemService outside tests).
func NewAPIKeys(f *File, service string, timeout time.Duration) *APIKeys {
	sys := NewSystemKeys(service+"-api-key", timeout)
	sys.label = "tkauth Turnkey API key "
	return &APIKeys{file: f, sys: sys}
}

// NameError: an API key's name holds a path separator, or is . or ..;
// each front end says where a path goes instead.
type NameError struct{ Name string }

func (e *NameError) Error() string { return fmt.Sprintf("API key name %q is not a name", e.Name) }

// ErrNoKeyring: the system keyring does not answer here.
var ErrNoKeyring = errors.New("no system keyring here")

// Probe reports whether the keyring answers (ErrNoKeyring wrapping why
// not).
func (a *APIKeys) Probe(ctx context.Context) error {
	if err := a.sys.Probe(ctx); err != nil {
		return fmt.Errorf("%w (%v)", ErrNoKeyring, err)
	}
	return nil
}

// CheckName refuses a name that could not be a tkcli key's file name.
func CheckName(name string) error {
	switch {
	case name == "" || len(name) > 128:
		return fmt.Errorf("an API key's name is 1 to 128 characters; %q is not", name)
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return &NameError{Name: name}
	case strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0:
		return fmt.Errorf("API key name %q holds a space or a character that does not print", name)
	}
	return nil
}

// Add stores secret as the API key info names, then reads it back: the
// key is listed only once the keyring gives back what was stored. A key
// of that name is refused unless it is the same key.
func (a *APIKeys) Add(ctx context.Context, info APIKeyInfo, secret string) error {
	if err := CheckName(info.Name); err != nil {
		return err
	}
	return a.update(ctx, func(keys []APIKeyInfo) ([]APIKeyInfo, error) {
		if i := slices.IndexFunc(keys, func(k APIKeyInfo) bool { return k.Name == info.Name }); i >= 0 && keys[i].PublicKey != info.PublicKey {
			return nil, fmt.Errorf("tkauth keeps another API key named %s already (public key %s): remove it first (tkauth api-keys remove %s)", info.Name, session.Short(keys[i].PublicKey), info.Name)
		}
		if err := a.sys.put(ctx, info.Name, secret); err != nil {
			return nil, err
		}
		back, err := a.sys.get(ctx, info.Name)
		if err != nil || back != secret {
			a.sys.delete(ctx, info.Name)
			return nil, fmt.Errorf("the keyring did not give back the API key just stored (%v); nothing was kept", err)
		}
		keys = slices.DeleteFunc(keys, func(k APIKeyInfo) bool { return k.Name == info.Name })
		return append(keys, info), nil
	})
}

// Secret reads the named key's secret from the keyring:
// session.ErrKeyNotFound if tkauth keeps none by that name.
func (a *APIKeys) Secret(ctx context.Context, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	return a.sys.get(ctx, name)
}

// List is the API keys tkauth keeps, by name.
func (a *APIKeys) List(ctx context.Context) ([]APIKeyInfo, error) {
	keys, err := a.read()
	slices.SortFunc(keys, func(x, y APIKeyInfo) int { return strings.Compare(x.Name, y.Name) })
	return keys, err
}

// Remove deletes the named key from the keyring, then from the list;
// session.ErrKeyNotFound if tkauth keeps none by that name.
func (a *APIKeys) Remove(ctx context.Context, name string) (APIKeyInfo, error) {
	var gone APIKeyInfo
	err := a.update(ctx, func(keys []APIKeyInfo) ([]APIKeyInfo, error) {
		i := slices.IndexFunc(keys, func(k APIKeyInfo) bool { return k.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("%w: tkauth keeps no API key named %s", session.ErrKeyNotFound, name)
		}
		if err := a.sys.delete(ctx, name); err != nil {
			return nil, err
		}
		gone = keys[i]
		return slices.Delete(keys, i, i+1), nil
	})
	return gone, err
}

// update runs fn on the list under the store's lock and writes what it
// returns.
func (a *APIKeys) update(ctx context.Context, fn func([]APIKeyInfo) ([]APIKeyInfo, error)) error {
	return a.file.locked(ctx, func() error { return a.write(fn) })
}

// write writes what fn makes of the list; the store's lock is held.
func (a *APIKeys) write(fn func([]APIKeyInfo) ([]APIKeyInfo, error)) error {
	f := a.file
	keys, err := a.read()
	if err != nil {
		return err
	}
	if keys, err = fn(keys); err != nil {
		return err
	}
	data, err := json.MarshalIndent(struct {
		Version int          `json:"version"`
		APIKeys []APIKeyInfo `json:"apiKeys"`
	}{1, keys}, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(f.dir, apiKeysFile)
	if err := writeFile(f.dir, path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return syncDir(f.dir)
}

func (a *APIKeys) read() ([]APIKeyInfo, error) {
	path := filepath.Join(a.file.dir, apiKeysFile)
	file, _, err := a.file.openIn(path, path)
	if file == nil {
		return nil, err
	}
	defer file.Close()
	data, err := readCapped(file, maxAPIKeysFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var v struct {
		Version int          `json:"version"`
		APIKeys []APIKeyInfo `json:"apiKeys"`
	}
	if err := json.Unmarshal(data, &v); err != nil || v.Version != 1 {
		return nil, fmt.Errorf("%s is not a list of API keys tkauth can read (version %d, %v); it was left as it is", path, v.Version, err)
	}
	return v.APIKeys, nil
}
