package session

import (
	"context"
	"errors"
	"maps"
	"slices"
)

// State is everything tkauth persists except private keys. A *Session in
// Sessions is never changed in place: a change stores a new one under the
// key.
type State struct {
	Sessions map[string]*Session // by session key
	Active   string              // session key of the active session, or ""
	Previous string              // the session active before it (switch -), or ""
	KeyPairs map[string]KeyPair  // tkauth's own key pairs, by public key
	// AuthProxies are the Auth Proxy configurations code logins stored
	// sessions through, most recently used first.
	AuthProxies []AuthProxyConfig
}

// NewState returns an empty State.
func NewState() *State {
	return &State{Sessions: map[string]*Session{}, KeyPairs: map[string]KeyPair{}}
}

// List returns the sessions ordered by session key.
func (st *State) List() []Session {
	out := make([]Session, 0, len(st.Sessions))
	for _, k := range st.Keys() {
		out = append(out, *st.Sessions[k])
	}
	return out
}

// Keys returns the session keys in order.
func (st *State) Keys() []string {
	return slices.Sorted(maps.Keys(st.Sessions))
}

// UsersOf returns the keys, in order, of the sessions bound to publicKey.
func (st *State) UsersOf(publicKey string) []string {
	var keys []string
	for k, s := range st.Sessions {
		if s.PublicKey == publicKey {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// UsersByKeyPair maps each public key to the keys, in order, of the
// sessions bound to it: UsersOf for all key pairs at once.
func (st *State) UsersByKeyPair() map[string][]string {
	out := make(map[string][]string, len(st.KeyPairs))
	for _, k := range st.Keys() {
		pub := st.Sessions[k].PublicKey
		out[pub] = append(out[pub], k)
	}
	return out
}

// Store persists State. Implementations make Update exclusive across
// processes.
type Store interface {
	// Load returns the stored state, or an empty one if nothing is stored.
	Load(ctx context.Context) (*State, error)
	// Update takes an exclusive lock, reads the latest state and calls fn
	// with it. fn changes the state in place and calls commit to write it
	// durably; it may commit several times under the one lock, so that each
	// step of a change survives a crash. What was committed stays written
	// whatever fn returns; Update returns fn's error.
	Update(ctx context.Context, fn func(st *State, commit Commit) error) error
}

// Commit writes the state being changed, durably when it returns.
type Commit func() error

// ErrKeyNotFound is returned by KeyStore.Get for a key it does not hold.
var ErrKeyNotFound = errors.New("private key not found in the key store")

// KeyStore holds private keys, hex-encoded, by compressed public key.
// Implementations bound every call in time.
type KeyStore interface {
	// Name identifies the store ("system", "file"); it is recorded with
	// each key pair so that its key is later deleted from the right store.
	Name() string
	Put(ctx context.Context, publicKey, privateKey string) error
	// Get returns ErrKeyNotFound (wrapped or not) for an unknown key.
	Get(ctx context.Context, publicKey string) (string, error)
	// Has reports whether the store holds the key, without reading it out
	// where the store allows.
	Has(ctx context.Context, publicKey string) (bool, error)
	// Delete removes the key; a key that is not there counts as deleted.
	Delete(ctx context.Context, publicKey string) error
}

// Tidier is a KeyStore that can remove what crashes left in it (files
// half-written by an older tkauth). ClearUnusedKeyPairs calls Tidy.
type Tidier interface {
	Tidy(ctx context.Context) error
}

// BatchKeyStore is a KeyStore that can say in one go which of many keys it
// holds, where asking one at a time costs a round trip each.
type BatchKeyStore interface {
	KeyStore
	HasMany(ctx context.Context, publicKeys []string) (map[string]bool, error)
}
