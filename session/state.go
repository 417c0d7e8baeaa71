package session

import (
	"context"
	"errors"
	"maps"
	"slices"
)

// State is everything tkauth persists except private keys.
//
// A *Session in Sessions is never changed in place: a change stores a new
// one under the key. So a copy of the map (which stores keep, to skip
// decoding) shares sessions safely and costs a pointer a session.
type State struct {
	Sessions map[string]*Session // by session key
	Active   string              // session key of the active session, or ""
	Previous string              // the session active before it (switch -), or ""
	KeyPairs map[string]KeyPair  // tkauth's own key pairs, by public key

	// Order may hold the keys of Sessions in order, as a store read them,
	// to spare Keys a sort (a third of a first frame's indexing at 10,000
	// sessions). Keys checks it against Sessions before trusting it, so a
	// state changed since is only sorted again.
	Order []string
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

// Keys returns the session keys in order: for walking many sessions
// without copying them.
func (st *State) Keys() []string {
	if st.inOrder() {
		return slices.Clone(st.Order)
	}
	return slices.Sorted(maps.Keys(st.Sessions))
}

// inOrder says whether Order is the keys of Sessions in order: as many,
// each stored, each after the one before.
func (st *State) inOrder() bool {
	if len(st.Order) != len(st.Sessions) {
		return false
	}
	for i, k := range st.Order {
		if _, ok := st.Sessions[k]; !ok || (i > 0 && st.Order[i-1] >= k) {
			return false
		}
	}
	return true
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
// sessions bound to it: UsersOf for all key pairs at once, in one pass.
func (st *State) UsersByKeyPair() map[string][]string {
	out := make(map[string][]string, len(st.KeyPairs))
	for _, k := range st.Keys() {
		pub := st.Sessions[k].PublicKey
		out[pub] = append(out[pub], k)
	}
	return out
}

// usersOfEach is UsersByKeyPair for the public keys in pubs only: one pass
// over the sessions, and only the few lists it makes are sorted, so that
// logging out one session of 10,000 sorts nothing large.
func (st *State) usersOfEach(pubs map[string]bool) map[string][]string {
	out := make(map[string][]string, len(pubs))
	if len(pubs) == 1 {
		// One key pair, the common case: a comparison a session, not a
		// lookup.
		for pub := range pubs {
			if keys := st.UsersOf(pub); keys != nil {
				out[pub] = keys
			}
		}
		return out
	}
	for k, s := range st.Sessions {
		if pubs[s.PublicKey] {
			out[s.PublicKey] = append(out[s.PublicKey], k)
		}
	}
	for _, users := range out {
		slices.Sort(users)
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

// Lister is a Store that can read the state for display only, without the
// sessions' tokens, which are most of a session's size: listing 10,000
// sessions then holds about half the memory. Such a state must never be
// stored.
type Lister interface {
	Listing(ctx context.Context) (*State, error)
}

// Commit writes the state being changed. Without options the write is
// durable when Commit returns.
type Commit func(opts ...CommitOption) error

// CommitOption relaxes a commit.
type CommitOption int

// Recoverable marks a commit that a crash may undo: the state before it is
// one tkauth recovers from (the last step of a logout, which only drops key
// pairs marked Deleting whose keys are deleted). A store may record it in
// any way that, lost or torn, leaves the state before it: store.File
// writes such a change as a small unsynced note beside the session file
// instead of rewriting the file.
const Recoverable CommitOption = 1

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

// Syncer is a KeyStore whose deletes can be made durable together: given
// a context from DeferSync, Delete may leave its change to be made
// durable by one Sync (files: one sync of their directory for a whole
// logout, not one a key).
type Syncer interface {
	Sync(ctx context.Context) error
}

type deferSyncKey struct{}

// DeferSync returns ctx marked for a run of deletes that the caller will
// make durable with Syncer.Sync.
func DeferSync(ctx context.Context) context.Context {
	return context.WithValue(ctx, deferSyncKey{}, true)
}

// SyncDeferred says whether ctx is marked by DeferSync.
func SyncDeferred(ctx context.Context) bool {
	v, _ := ctx.Value(deferSyncKey{}).(bool)
	return v
}

// BatchKeyStore is a KeyStore that can say in one go which of many keys it
// holds, where asking one at a time costs a round trip each.
type BatchKeyStore interface {
	KeyStore
	HasMany(ctx context.Context, publicKeys []string) (map[string]bool, error)
}
