package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tkauth/tkauth/session"
)

// APIKeyInfo is what tkauth records of a long-lived API key it keeps: no
// secret, only what `api-keys list` shows, and where the keyring holds it.
type APIKeyInfo struct {
	Name          string    `json:"name"`
	PublicKey     string    `json:"publicKey"`
	Curve         string    `json:"curve"`
	Organizations []string  `json:"organizations,omitempty"`
	Added         time.Time `json:"addedAt"`
	// Account is its keyring item's user: "<name>/<store id>", this
	// store's own. Empty for an item an older tkauth made, whose user is
	// the name alone, the same in every store on the machine.
	Account string `json:"keyringAccount,omitempty"`
}

// account is the user of info's keyring item.
func (info APIKeyInfo) account() string { return cmp.Or(info.Account, info.Name) }

// apiKeysFile lists the API keys in the keyring, in the store directory:
// the Keychain cannot list items, and listing should not need an unlock.
const apiKeysFile = "api-keys.json"

// maxAPIKeysFile bounds the list read: a few hundred bytes a key.
const maxAPIKeysFile = 1 << 20

// apiKeysList is api-keys.json. Version 1 (older tkauth) has no store id,
// and its keys' items are named by the key's name alone.
type apiKeysList struct {
	Version int `json:"version"`
	// Store is this store's random id, which its keyring items' users
	// end with: two stores never share or replace an item.
	Store   string       `json:"store,omitempty"`
	APIKeys []APIKeyInfo `json:"apiKeys"`
}

// APIKeys keeps long-lived Turnkey API keys in the system keyring: service
// "<service>-api-key", user "<name>/<store id>" (the key's name alone
// for an item an older tkauth made), the secret in tkcli's format
// ("<private hex>:<curve>"), under the exact-attribute rules of session
// keys (tkauth's own items only). api-keys.json in the store directory
// lists them, with their public halves and the store's id.
type APIKeys struct {
	file *File
	sys  *SystemKeys
	// publicKey is the public key of a secret in tkcli's format.
	publicKey func(secret string) (string, error)
}

// NewAPIKeys is the API key store beside the session store f, in the
// keyring under service (SystemService outside tests); publicKey gives
// a secret's public key, which must be the one listed.
func NewAPIKeys(f *File, service string, timeout time.Duration, publicKey func(secret string) (string, error)) *APIKeys {
	sys := NewSystemKeys(service+"-api-key", timeout)
	sys.label = "tkauth Turnkey API key "
	return &APIKeys{file: f, sys: sys, publicKey: publicKey}
}

// Service is the keyring service of the API keys' items.
func (a *APIKeys) Service() string { return a.sys.service }

// NameError: an API key's name holds a path separator, or is . or ..;
// each front end says where a path goes instead.
type NameError struct{ Name string }

func (e *NameError) Error() string { return fmt.Sprintf("API key name %q is not a name", e.Name) }

// ErrNoKeyring: the system keyring does not answer here.
var ErrNoKeyring = errors.New("no system keyring here")

// MismatchError: the keyring item of a listed key holds another key
// (replaced by another program, or, for an item an older tkauth made,
// by another store): it is not used.
type MismatchError struct {
	Name, Listed, Found, Service, Account string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("the keyring item of the API key %s (service %s, account %s) holds the key %s, not the %s that %s lists: it was not used, and was left as it is",
		e.Name, e.Service, e.Account, session.Short(e.Found), session.Short(e.Listed), apiKeysFile)
}

// LeftError: a change stopped half-way, and the keyring holds an item
// that api-keys.json does not list (Service, Account): What says how.
type LeftError struct {
	What             string
	Service, Account string
	Err              error
}

func (e *LeftError) Error() string {
	return fmt.Sprintf("%s: %v; the keyring still holds its item (service %s, account %s), which %s does not list", e.What, e.Err, e.Service, e.Account, apiKeysFile)
}

func (e *LeftError) Unwrap() error { return e.Err }

// Probe reports whether the keyring answers (ErrNoKeyring wrapping why
// not).
func (a *APIKeys) Probe(ctx context.Context) error {
	if err := a.sys.Probe(ctx); err != nil {
		return fmt.Errorf("%w (%v)", ErrNoKeyring, err)
	}
	return nil
}

// CheckName refuses a name that could not be a tkcli key's file name, or
// that could look like another: as session keys, it must be in Unicode's
// composed form (NFC), hold no invisible character (session.Invisible)
// and no letters of two scripts (a Cyrillic а among Latin letters).
func CheckName(name string) error {
	switch {
	case name == "" || len(name) > 128:
		return fmt.Errorf("an API key's name is 1 to 128 bytes; %q is not", name)
	case !utf8.ValidString(name):
		return fmt.Errorf("API key name %q is not UTF-8 text", name)
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return &NameError{Name: name}
	case strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) || session.Invisible(r) }) >= 0:
		return fmt.Errorf("API key name %s holds a space or a character that does not print", strconv.QuoteToASCII(name))
	case !norm.NFC.IsNormalString(name):
		return fmt.Errorf("API key name %s is not in Unicode's composed form (NFC), in which it reads %s: type it so", strconv.QuoteToASCII(name), strconv.QuoteToASCII(norm.NFC.String(name)))
	}
	if a, b := scripts(name); b != "" {
		return fmt.Errorf("API key name %s mixes letters of %s and %s, which can look alike: use one script", strconv.QuoteToASCII(name), a, b)
	}
	return nil
}

// confusableScripts are the scripts whose letters look like each other's.
var confusableScripts = []struct {
	name  string
	table *unicode.RangeTable
}{{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek}, {"Armenian", unicode.Armenian}, {"Cherokee", unicode.Cherokee}}

// scripts returns the first two confusable scripts whose letters name
// holds, or "" for each not found.
func scripts(name string) (first, second string) {
	for _, r := range name {
		for _, s := range confusableScripts {
			if unicode.Is(s.table, r) {
				switch {
				case first == "":
					first = s.name
				case first != s.name:
					return first, s.name
				}
			}
		}
	}
	return first, ""
}

// skeleton is what a name looks like: in NFKC and lower case, each
// Cyrillic or Greek letter that looks like a Latin one as that letter.
func skeleton(name string) string {
	return strings.Map(func(r rune) rune {
		if l, ok := lookAlike[r]; ok {
			return l
		}
		return r
	}, strings.ToLower(norm.NFKC.String(name)))
}

// lookAlike maps the lower-case Cyrillic and Greek letters that print as
// Latin ones (Unicode's confusables.txt, the common ones).
var lookAlike = map[rune]rune{
	'а': 'a', 'в': 'b', 'с': 'c', 'ԁ': 'd', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'к': 'k', 'ӏ': 'l', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'ԛ': 'q', 'ѕ': 's', 'т': 't', 'υ': 'u', 'ѵ': 'v', 'ԝ': 'w', 'х': 'x', 'у': 'y',
	'α': 'a', 'β': 'b', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'χ': 'x', 'γ': 'y', 'ѡ': 'w',
}

// lookingAlike is the listed key, other than name, that looks like name.
func lookingAlike(keys []APIKeyInfo, name string) (APIKeyInfo, bool) {
	s := skeleton(name)
	for _, k := range keys {
		if k.Name != name && skeleton(k.Name) == s {
			return k, true
		}
	}
	return APIKeyInfo{}, false
}

// newStoreID is a store's random id.
func newStoreID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Add stores secret as the API key info names, in an item of this
// store's own, reads it back, and only then lists it. A key of that name
// is refused unless it is the same key, as is a name that looks like a
// listed one. If the list cannot be written, the new item is deleted
// again; a *LeftError says when that failed too.
func (a *APIKeys) Add(ctx context.Context, info APIKeyInfo, secret string) error {
	if err := CheckName(info.Name); err != nil {
		return err
	}
	if pub, err := a.publicKey(secret); err != nil || !strings.EqualFold(pub, info.PublicKey) {
		return fmt.Errorf("the secret is not the key %s (%v)", session.Short(info.PublicKey), err)
	}
	return a.locked(ctx, true, func(l *apiKeysList) error {
		if i := slices.IndexFunc(l.APIKeys, func(k APIKeyInfo) bool { return k.Name == info.Name }); i >= 0 && !strings.EqualFold(l.APIKeys[i].PublicKey, info.PublicKey) {
			return fmt.Errorf("tkauth keeps another API key named %s already (public key %s): remove it first (tkauth api-keys remove %s)", info.Name, session.Short(l.APIKeys[i].PublicKey), info.Name)
		}
		if k, ok := lookingAlike(l.APIKeys, info.Name); ok {
			return fmt.Errorf("the name %s looks the same as the API key %s tkauth keeps: give another", strconv.QuoteToASCII(info.Name), strconv.QuoteToASCII(k.Name))
		}
		info.Account = info.Name + "/" + l.Store
		if err := a.sys.put(ctx, info.Account, secret); err != nil {
			if errors.Is(err, session.ErrNoAnswer) {
				return &LeftError{What: "the keyring did not answer in time, and may yet store the key", Service: a.sys.service, Account: info.Account, Err: err}
			}
			return err
		}
		back, err := a.sys.get(ctx, info.Account)
		if err != nil || back != secret {
			if derr := a.sys.delete(ctx, info.Account); derr != nil {
				return &LeftError{What: fmt.Sprintf("the keyring did not give back the API key just stored (%v), and deleting it failed", err), Service: a.sys.service, Account: info.Account, Err: derr}
			}
			return fmt.Errorf("the keyring did not give back the API key just stored (%v); the item was deleted again", err)
		}
		l.APIKeys = slices.DeleteFunc(l.APIKeys, func(k APIKeyInfo) bool { return k.Name == info.Name })
		l.APIKeys = append(l.APIKeys, info)
		if werr := a.write(*l); werr != nil {
			// Not listed: the new item goes again.
			if derr := a.sys.delete(ctx, info.Account); derr != nil {
				return &LeftError{What: fmt.Sprintf("%v, and deleting the new key from the keyring failed", werr), Service: a.sys.service, Account: info.Account, Err: derr}
			}
			return fmt.Errorf("%w; the new key was deleted from the keyring again", werr)
		}
		return nil
	})
}

// Secret reads the named key's secret from its keyring item, and checks
// that it is the key listed (*MismatchError when not):
// session.ErrKeyNotFound if tkauth lists none by that name.
func (a *APIKeys) Secret(ctx context.Context, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	keys, err := a.List(ctx)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(keys, func(k APIKeyInfo) bool { return k.Name == name })
	if i < 0 {
		return "", fmt.Errorf("%w: tkauth keeps no API key named %s", session.ErrKeyNotFound, name)
	}
	return a.secret(ctx, keys[i])
}

// secret reads info's secret and checks it is info's key.
func (a *APIKeys) secret(ctx context.Context, info APIKeyInfo) (string, error) {
	secret, err := a.sys.get(ctx, info.account())
	if errors.Is(err, session.ErrKeyNotFound) {
		return "", fmt.Errorf("%w: %s lists the API key %s, but the keyring has no item for it (service %s, account %s)", session.ErrKeyNotFound, apiKeysFile, info.Name, a.sys.service, info.account())
	}
	if err != nil {
		return "", err
	}
	if pub, err := a.publicKey(secret); err != nil || !strings.EqualFold(pub, info.PublicKey) {
		if err != nil {
			pub = "(none: " + err.Error() + ")"
		}
		return "", &MismatchError{Name: info.Name, Listed: info.PublicKey, Found: pub, Service: a.sys.service, Account: info.account()}
	}
	return secret, nil
}

// List is the API keys tkauth keeps, by name.
func (a *APIKeys) List(ctx context.Context) ([]APIKeyInfo, error) {
	l, err := a.read()
	slices.SortFunc(l.APIKeys, func(x, y APIKeyInfo) int { return strings.Compare(x.Name, y.Name) })
	return l.APIKeys, err
}

// Removed is what Remove did.
type Removed struct {
	APIKeyInfo
	// Unlisted: no list named the key; its item, which an earlier
	// change left, was deleted.
	Unlisted bool
	// ItemLeft: the item, one an older tkauth made and every store
	// shares, was left: it holds another key than the one listed (a
	// *MismatchError), or is not there (session.ErrKeyNotFound).
	ItemLeft error
}

// Remove takes the named key off the list, then deletes its keyring item
// (a *LeftError says when that failed): a failure leaves at most an item
// nothing lists, never a listed key without its item. An item an older
// tkauth made is deleted only if it holds the key listed. A name not
// listed whose item this store left is deleted; session.ErrKeyNotFound
// if there is none.
func (a *APIKeys) Remove(ctx context.Context, name string) (Removed, error) {
	if err := CheckName(name); err != nil {
		return Removed{}, err
	}
	var gone Removed
	err := a.locked(ctx, false, func(l *apiKeysList) error {
		i := slices.IndexFunc(l.APIKeys, func(k APIKeyInfo) bool { return k.Name == name })
		if i < 0 {
			gone = Removed{APIKeyInfo: APIKeyInfo{Name: name, Account: name + "/" + l.Store}, Unlisted: true}
			found, err := a.sys.HasMany(ctx, []string{gone.Account})
			if err != nil {
				return err
			}
			if !found[gone.Account] {
				return fmt.Errorf("%w: tkauth keeps no API key named %s", session.ErrKeyNotFound, name)
			}
		} else {
			gone = Removed{APIKeyInfo: l.APIKeys[i]}
			if gone.Account == "" {
				// An older tkauth's item, which another store may have
				// replaced: deleted only if it holds this key.
				if _, err := a.secret(ctx, gone.APIKeyInfo); err != nil {
					var mismatch *MismatchError
					if !errors.As(err, &mismatch) && !errors.Is(err, session.ErrKeyNotFound) {
						return err
					}
					gone.ItemLeft = err
				}
			}
			l.APIKeys = slices.Delete(l.APIKeys, i, i+1)
			if err := a.write(*l); err != nil {
				return err // nothing changed
			}
		}
		if gone.ItemLeft != nil {
			return nil
		}
		if err := a.sys.delete(ctx, gone.account()); err != nil {
			what := fmt.Sprintf("the API key %s is no longer listed, but deleting it from the keyring failed", name)
			if gone.Unlisted {
				what = fmt.Sprintf("deleting the keyring item that an earlier change to the API key %s left failed", name)
			}
			return &LeftError{What: what, Service: a.sys.service, Account: gone.account(), Err: err}
		}
		return nil
	})
	if err != nil && !errors.As(err, new(*LeftError)) {
		return Removed{}, err
	}
	return gone, err
}

// locked runs fn on the list under the store's lock. A list with no
// store id gets a new one, written first when keep (before any item is
// named by it), else not written.
func (a *APIKeys) locked(ctx context.Context, keep bool, fn func(*apiKeysList) error) error {
	return a.file.locked(ctx, func() error {
		l, err := a.read()
		if err != nil {
			return err
		}
		if l.Store == "" {
			l.Store = newStoreID()
			if keep {
				if err := a.write(l); err != nil {
					return err
				}
			}
		}
		return fn(&l)
	})
}

// NoteOrganization records that the kept API key with public key pub
// logged in to organization org, as Turnkey's CLI records in a key's
// .meta; nothing is written when no kept key has pub, or it lists org.
func (a *APIKeys) NoteOrganization(ctx context.Context, pub, org string) error {
	missing := func(k APIKeyInfo) bool {
		return strings.EqualFold(k.PublicKey, pub) && !slices.Contains(k.Organizations, org)
	}
	if l, err := a.read(); err != nil || !slices.ContainsFunc(l.APIKeys, missing) {
		return err
	}
	return a.locked(ctx, false, func(l *apiKeysList) error {
		changed := false
		for i, k := range l.APIKeys {
			if missing(k) {
				l.APIKeys[i].Organizations, changed = append(k.Organizations, org), true
			}
		}
		if !changed {
			return nil
		}
		return a.write(*l)
	})
}

// write writes l as api-keys.json; the store's lock is held.
func (a *APIKeys) write(l apiKeysList) error {
	dir := a.file.dir
	l.Version = 2
	if l.APIKeys == nil {
		l.APIKeys = []APIKeyInfo{}
	}
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, apiKeysFile)
	if err := writeFile(dir, path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return syncDir(dir)
}

// read reads api-keys.json: version 1 or 2.
func (a *APIKeys) read() (apiKeysList, error) {
	path := filepath.Join(a.file.dir, apiKeysFile)
	file, _, err := a.file.openIn(path, path)
	if file == nil {
		return apiKeysList{}, err
	}
	defer file.Close()
	data, err := readCapped(file, maxAPIKeysFile)
	if err != nil {
		return apiKeysList{}, fmt.Errorf("%s: %w", path, err)
	}
	var l apiKeysList
	err = json.Unmarshal(data, &l)
	switch {
	case err == nil && l.Version == 1:
		for i := range l.APIKeys {
			l.APIKeys[i].Account = "" // named by the name alone
		}
		return apiKeysList{APIKeys: l.APIKeys}, nil
	case err == nil && l.Version == 2 && len(l.Store) == 32:
		return l, nil
	}
	return apiKeysList{}, fmt.Errorf("%s is not a list of API keys tkauth can read (version %d, %v); it was left as it is", path, l.Version, err)
}
