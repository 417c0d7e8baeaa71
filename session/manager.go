package session

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Errors the Manager returns; test with errors.Is.
var (
	// ErrNotFound: no session is stored under the given key.
	ErrNotFound = errors.New("session not found")
	// ErrNoActiveSession: a command that acts on the active session when
	// none is named, and none is active. The front ends add the way out.
	ErrNoActiveSession = errors.New("no active session")
	// ErrKeyStoreUnavailable: a key pair is held by a key store that is not
	// in use, so its private key cannot be deleted now.
	ErrKeyStoreUnavailable = errors.New("key store not available")
	// ErrNoAnswer is wrapped by a KeyStore's error when the store did not
	// answer in time: the call may still take effect, so a delete is
	// reported as under way, never as failed.
	ErrNoAnswer = errors.New("the key store did not answer in time")
	// ErrChanged: the session a login or refresh would replace changed
	// while Turnkey was asked (another process logged it out or stored one).
	ErrChanged = errors.New("the session changed meanwhile")
)

// KeyStoreUnavailableError is ErrKeyStoreUnavailable for the key store
// Name: each front end says how to choose it.
type KeyStoreUnavailableError struct{ Name string }

func (e *KeyStoreUnavailableError) Error() string {
	return fmt.Sprintf("%v: it is held by the %q key store, which is not in use", ErrKeyStoreUnavailable, e.Name)
}

// Unwrap makes it ErrKeyStoreUnavailable.
func (e *KeyStoreUnavailableError) Unwrap() error { return ErrKeyStoreUnavailable }

// Manager implements Turnkey's session operations over a Store and a
// KeyStore. Every operation runs under the store's lock from first read to
// last write, so two processes never interleave.
type Manager struct {
	store   Store
	keys    KeyStore   // where new key pairs go
	other   []KeyStore // stores that may hold key pairs made earlier
	now     func() time.Time
	keyForm func(string) string // see WithKeyForm
	test    *ecdsa.PublicKey    // see WithTestSigner
	// longLived: see WithLongLivedKeys.
	longLived func(context.Context) []string
}

// NewManager returns a Manager that keeps state in store and creates key
// pairs in keys. others are key stores that may hold key pairs tkauth made
// earlier with another setting; they are used only to delete those.
func NewManager(store Store, keys KeyStore, others ...KeyStore) *Manager {
	return &Manager{store: store, keys: keys, other: others, now: time.Now}
}

// WithClock makes m read the time from now; for tests and the demo.
func (m *Manager) WithClock(now func() time.Time) *Manager {
	m.now = now
	return m
}

// WithKeyForm makes m compare session keys in the normal form that form
// returns (Unicode's NFC, which the front end brings): a new key must be
// given in that form, and one that looks the same as a stored key, once
// both are in it and rid of Invisible characters, is taken.
func (m *Manager) WithKeyForm(form func(string) string) *Manager {
	m.keyForm = form
	return m
}

// WithTestSigner makes m mark the sessions it stores that k signed as
// TestSigned: a stand-in's notarizer, which tkauth is told to accept.
func (m *Manager) WithTestSigner(k *ecdsa.PublicKey) *Manager {
	m.test = k
	return m
}

// parse is Parse, marking a token the test signer signed.
func (m *Manager) parse(token string) (Session, error) {
	s, err := Parse(token)
	if err == nil && !s.Verified && m.test != nil {
		t, _ := ParseWithNotarizer(token, m.test)
		s.TestSigned = t.Verified
	}
	return s, err
}

// keyInForm is CheckKey, and key in the Manager's key form.
func (m *Manager) keyInForm(key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if m.keyForm != nil {
		if f := m.keyForm(key); f != key {
			return fmt.Errorf("%w: it is not in Unicode's composed form (NFC), in which it reads %s: type it so", ErrInvalidKey, strconv.QuoteToASCII(f))
		}
	}
	return nil
}

// checkNewKey accepts key for a session not yet stored in st: keyInForm,
// and not looking like a stored key.
func (m *Manager) checkNewKey(st *State, key string) error {
	if err := m.keyInForm(key); err != nil {
		return err
	}
	looks := func(k string) string {
		k = strings.Map(func(r rune) rune {
			if Invisible(r) && r != ' ' {
				return -1
			}
			return r
		}, k)
		if m.keyForm != nil {
			k = m.keyForm(k)
		}
		return k
	}
	for k := range st.Sessions {
		if k != key && looks(k) == looks(key) {
			return fmt.Errorf("%w: %s looks the same as the stored %s", ErrExists, strconv.QuoteToASCII(key), strconv.QuoteToASCII(k))
		}
	}
	return nil
}

// Now returns the Manager's current time.
func (m *Manager) Now() time.Time { return m.now() }

// State returns what is stored now.
func (m *Manager) State(ctx context.Context) (*State, error) {
	return m.store.Load(ctx)
}

// Active returns the active session; ErrNoActiveSession if none is.
func (m *Manager) Active(ctx context.Context) (Session, error) {
	st, err := m.store.Load(ctx)
	if err != nil {
		return Session{}, err
	}
	s, ok := st.Sessions[st.Active]
	if !ok {
		return Session{}, ErrNoActiveSession
	}
	return *s, nil
}

// Get returns the session stored under key.
func (m *Manager) Get(ctx context.Context, key string) (Session, error) {
	st, err := m.store.Load(ctx)
	if err != nil {
		return Session{}, err
	}
	s, ok := st.Sessions[key]
	if !ok {
		return Session{}, notFoundIn(st, key)
	}
	return *s, nil
}

// SetActive makes the session stored under key the active one, or, for
// "", none; the one active before is remembered (State.Previous), for
// SwitchBack.
func (m *Manager) SetActive(ctx context.Context, key string) error {
	return m.store.Update(ctx, func(st *State, commit Commit) error {
		if _, ok := st.Sessions[key]; !ok && key != "" {
			return notFoundIn(st, key)
		}
		if st.Active == key {
			return nil
		}
		st.activate(key)
		return commit()
	})
}

// ErrNoPrevious: no session was active before the active one (or it has
// been logged out since).
var ErrNoPrevious = errors.New("no previous session to go back to")

// SwitchBack makes the previously active session active again, as cd -
// does, and returns its key; the one it replaces becomes the previous.
func (m *Manager) SwitchBack(ctx context.Context) (string, error) {
	var key string
	err := m.store.Update(ctx, func(st *State, commit Commit) error {
		key = st.Previous
		if _, ok := st.Sessions[key]; !ok || key == "" {
			return ErrNoPrevious
		}
		st.activate(key)
		return commit()
	})
	return key, err
}

// activate makes key the active session, remembering the one before.
func (st *State) activate(key string) {
	if st.Active != "" && st.Active != key {
		st.Previous = st.Active
	}
	st.Active = key
}

// ErrExists: a session is already stored under the key asked for.
var ErrExists = errors.New("a session is already stored under that key")

// Rename moves the session stored under old to new, which must pass
// CheckKey, be in the key form and not be taken; the active and previous
// pointers follow.
func (m *Manager) Rename(ctx context.Context, old, new string) error {
	if err := m.keyInForm(new); err != nil {
		return err
	}
	return m.store.Update(ctx, func(st *State, commit Commit) error {
		s, ok := st.Sessions[old]
		if !ok {
			return notFoundIn(st, old)
		}
		if _, taken := st.Sessions[new]; taken {
			return fmt.Errorf("%w: %s", ErrExists, strconv.Quote(new))
		}
		if old == new {
			return nil
		}
		others := &State{Sessions: maps.Clone(st.Sessions)}
		delete(others.Sessions, old) // renaming a look-alike away is fine
		if err := m.checkNewKey(others, new); err != nil {
			return err
		}
		moved := *s
		moved.Key = new
		delete(st.Sessions, old)
		st.Sessions[new] = &moved
		if st.Active == old {
			st.Active = new
		}
		if st.Previous == old {
			st.Previous = new
		}
		return commit()
	})
}

// StoreResult is what StoreSession did.
type StoreResult struct {
	Session  Session
	Replaced bool // a session was stored under the key before
	// WasActive is the session active before, when storing made another
	// one active.
	WasActive string
	// DeletedKeyPairs: the replaced session's key pair, when nothing else
	// used it.
	DeletedKeyPairs []string
	// Leftover says why that key pair is not deleted, or not recorded as
	// deleted: the session is stored all the same, and a prune finishes.
	Leftover error
	// OldKey: for a login that replaced a live session, what became of
	// that session's key on Turnkey; nil when none was live.
	OldKey *EndedKey
}

// EndedKey is what became, on Turnkey, of the key of a live session a
// login replaced.
type EndedKey struct {
	PublicKey string
	Expiry    time.Time // when it dies on its own
	// Err is nil when it was ended there (or was gone already); else why
	// it stays live there until Expiry.
	Err error
}

// StoreSession parses token, stores it under key (DefaultKey if empty) and
// makes it active, as Turnkey's storeSession does. A session already under
// key is replaced, and its key pair deleted if no session uses it any more.
// A session bound to a long-lived key m knows is refused
// (ErrLongLivedSession): revoking it would delete that key.
func (m *Manager) StoreSession(ctx context.Context, token, key string) (StoreResult, error) {
	s, err := m.parse(token)
	if err != nil {
		return StoreResult{}, err
	}
	if err := m.CheckNotLongLived(ctx, s); err != nil {
		return StoreResult{}, err
	}
	return m.Put(ctx, s, key)
}

// Put stores an already parsed session; see StoreSession. A new key must
// pass CheckKey.
func (m *Manager) Put(ctx context.Context, s Session, key string) (StoreResult, error) {
	return m.put(ctx, s, key, putOptions{})
}

// putOptions qualify a put.
type putOptions struct {
	// unchanged, if set, must accept what is stored under the key when
	// the lock is held (else ErrChanged, and nothing changes).
	unchanged func(cur *Session) error
	// keepActive leaves the active session as it is (a refresh);
	// otherwise the session stored becomes active, as in Turnkey's SDK.
	keepActive bool
	// proxy, if it has an ID, is remembered with the session: the Auth
	// Proxy configuration the login went through.
	proxy AuthProxyConfig
}

// put is Put, qualified by o. Once the session is stored (the first
// commit) it succeeds; what goes wrong after is res.Leftover.
func (m *Manager) put(ctx context.Context, s Session, key string, o putOptions) (StoreResult, error) {
	if key == "" {
		key = DefaultKey
	}
	s.Key = key
	var res StoreResult
	err := m.store.Update(ctx, func(st *State, commit Commit) error {
		res = StoreResult{}
		s.StoredAt = m.now().UTC()
		old, replaced := st.Sessions[key]
		if o.unchanged != nil {
			if err := o.unchanged(old); err != nil {
				return err
			}
		}
		if !replaced {
			// Keys stored before these checks existed stay usable.
			if err := m.checkNewKey(st, key); err != nil {
				return err
			}
		}
		st.Sessions[key] = &s
		st.rememberAuthProxy(o.proxy, s.StoredAt)
		wasActive := st.Active
		if !o.keepActive {
			st.activate(key)
		}
		if kp, ok := st.KeyPairs[s.PublicKey]; ok && (kp.Deleting || kp.Unclaimed) {
			// Claimed by the session; or left by a crash mid-logout, and
			// needed again.
			kp.Deleting, kp.Unclaimed = false, false
			st.KeyPairs[s.PublicKey] = kp
		}
		var doomed []string
		if replaced && old.PublicKey != s.PublicKey && len(st.UsersOf(old.PublicKey)) == 0 {
			if _, ours := st.KeyPairs[old.PublicKey]; ours {
				doomed = append(doomed, old.PublicKey)
			}
		}
		markDeleting(st, doomed)
		if err := commit(); err != nil {
			return err // nothing was stored
		}
		res.Session, res.Replaced = s, replaced
		if wasActive != st.Active {
			res.WasActive = wasActive
		}
		if len(doomed) == 0 {
			return nil
		}
		out := m.deleteKeys(ctx, st, doomed)
		res.DeletedKeyPairs = out.deleted
		res.Leftover = errors.Join(out.why()...)
		if err := commit(); err != nil {
			res.Leftover = errors.Join(res.Leftover, unrecorded(err))
		}
		return nil
	})
	return res, err
}

// unrecorded words a failed last commit: what was done stays done, and
// the key pairs stay listed as being deleted until a prune.
func unrecorded(err error) error {
	return fmt.Errorf("the store could not record the last step (%w); the key pairs concerned stay listed as being deleted until a prune", err)
}

// markDeleting marks tkauth's key pairs pubs as being deleted, to be
// committed before their keys are: a crash in between leaves a mark a
// prune finishes.
func markDeleting(st *State, pubs []string) {
	for _, pub := range pubs {
		kp := st.KeyPairs[pub]
		kp.Deleting = true
		st.KeyPairs[pub] = kp
	}
}

// keyDeletion is what deleting some private keys came to.
type keyDeletion struct {
	deleted []string
	// refused: the key store said no, or was not asked; the key is there.
	refused map[string]error
	// pending: the key store did not answer in time (ErrNoAnswer); the
	// delete may still happen. The key pair stays marked Deleting.
	pending map[string]error
}

// why is every reason a key pair is not deleted, refused then pending,
// each in the order of the keys.
func (d keyDeletion) why() []error {
	return append(values(d.refused), values(d.pending)...)
}

// deleteKeys deletes the private keys of pubs, marked Deleting and
// committed so, and records in st, for the caller to commit, what came of
// each: deleted, it leaves the index; refused, it is unmarked; unanswered,
// it stays marked for a prune. A key store that failed once is not asked
// again: a frozen keyring costs one timeout, not one a key pair.
func (m *Manager) deleteKeys(ctx context.Context, st *State, pubs []string) keyDeletion {
	d := keyDeletion{refused: map[string]error{}, pending: map[string]error{}}
	down := map[string]error{}
	for _, pub := range pubs {
		kp := st.KeyPairs[pub]
		if err, isDown := down[kp.KeyStore]; isDown {
			d.refused[pub] = fmt.Errorf("key pair %s not tried: %w", Short(pub), err)
		} else {
			err := m.deleteKey(ctx, kp)
			switch {
			case err == nil:
				delete(st.KeyPairs, pub)
				d.deleted = append(d.deleted, pub)
				continue
			case errors.Is(err, ErrNoAnswer):
				down[kp.KeyStore] = err
				d.pending[pub] = err
				continue
			}
			down[kp.KeyStore] = err
			d.refused[pub] = err
		}
		kp.Deleting = false
		st.KeyPairs[pub] = kp
	}
	return d
}

func (m *Manager) deleteKey(ctx context.Context, kp KeyPair) error {
	ks, err := m.keyStore(kp.KeyStore)
	if err != nil {
		return fmt.Errorf("key pair %s: %w", Short(kp.PublicKey), err)
	}
	if err := ks.Delete(ctx, kp.PublicKey); err != nil {
		return fmt.Errorf("deleting key pair %s from the %s key store: %w", Short(kp.PublicKey), ks.Name(), err)
	}
	return nil
}

// storeOf is the key store that holds pub's private key: the one tkauth
// recorded, or, for a key pair tkauth did not create, the one in use.
func (m *Manager) storeOf(st *State, pub string) (KeyStore, error) {
	if kp, ok := st.KeyPairs[pub]; ok {
		return m.keyStore(kp.KeyStore)
	}
	return m.keys, nil
}

// HasKeyPair is KeyPairPresence for one key pair, and, when its key store
// cannot say, what it answered.
func (m *Manager) HasKeyPair(ctx context.Context, st *State, pub string) (Presence, error) {
	ks, err := m.storeOf(st, pub)
	if err != nil {
		return PresenceUnknown, err
	}
	switch has, err := ks.Has(ctx, pub); {
	case err != nil:
		return PresenceUnknown, fmt.Errorf("the %s key store: %w", ks.Name(), err)
	case has:
		return Present, nil
	}
	return Missing, nil
}

func (m *Manager) keyStore(name string) (KeyStore, error) {
	if name == "" || name == m.keys.Name() {
		return m.keys, nil
	}
	for _, ks := range m.other {
		if ks.Name() == name {
			return ks, nil
		}
	}
	return nil, &KeyStoreUnavailableError{Name: name}
}

// PruneResult is what ClearUnusedKeyPairs deleted, what it could not, and
// the new key pairs it kept.
type PruneResult struct {
	Deleted []string
	// Failed: the key store refused (the key pair stays), or did not
	// answer (it stays marked as being deleted, for the next prune).
	Failed  map[string]error
	KeptNew []string // unclaimed and younger than ClaimWindow
	// Unrecorded: the keys were deleted, but the store could not record
	// it; the next prune tidies the index.
	Unrecorded error
}

// ClearUnusedKeyPairs deletes every key pair in tkauth's index that no
// stored session uses, as Turnkey's clearUnusedKeyPairs does, but only
// key pairs tkauth created, and finishes deletions a crash or a silent key
// store left under way. Unlike Turnkey's, it keeps a new key pair no
// session has claimed, for ClaimWindow, unless includeNew: a login in
// another process may be about to use it. First it tidies the key stores.
func (m *Manager) ClearUnusedKeyPairs(ctx context.Context, includeNew bool) (PruneResult, error) {
	var res PruneResult
	err := m.store.Update(ctx, func(st *State, commit Commit) error {
		res = PruneResult{}
		for _, ks := range append([]KeyStore{m.keys}, m.other...) {
			if t, ok := ks.(Tidier); ok {
				if err := t.Tidy(ctx); err != nil {
					return fmt.Errorf("tidying the %s key store: %w", ks.Name(), err)
				}
			}
		}
		prune, kept := PruneCandidates(st, m.now(), includeNew)
		res.KeptNew = kept
		if len(prune) == 0 {
			return nil
		}
		markDeleting(st, prune)
		if err := commit(); err != nil {
			return err
		}
		out := m.deleteKeys(ctx, st, prune)
		res.Deleted, res.Failed = out.deleted, out.refused
		maps.Copy(res.Failed, out.pending)
		if err := commit(); err != nil {
			res.Unrecorded = unrecorded(err)
		}
		if len(res.Failed) > 0 {
			return errors.Join(out.why()...)
		}
		return nil
	})
	return res, err
}

// Presence says whether a key pair's private key is in its key store.
type Presence string

// The answers KeyPairPresence gives.
const (
	PresenceUnknown Presence = "unknown" // the key store could not be asked
	Present         Presence = "present"
	Missing         Presence = "missing"
	// InProcess: the key pair of a note of `exec --login` (OneShotKey),
	// which lives only in the process that made it; no key store is asked.
	InProcess Presence = "in-process"
)

// KeyPairPresence asks the key stores whether they hold the private key of
// each key pair in st (tkauth's in their own store, imported ones in the
// current one), each store once where it can answer for many. A store that
// fails gives PresenceUnknown and is not asked again in this call.
func (m *Manager) KeyPairPresence(ctx context.Context, st *State) map[string]Presence {
	out := map[string]Presence{}
	byStore := map[KeyStore][]string{}
	var order []KeyStore
	want := func(pub string) {
		if _, seen := out[pub]; seen {
			return
		}
		out[pub] = PresenceUnknown
		ks, err := m.storeOf(st, pub)
		if err != nil {
			return
		}
		if _, ok := byStore[ks]; !ok {
			order = append(order, ks)
		}
		byStore[ks] = append(byStore[ks], pub)
	}
	for _, k := range st.Keys() {
		if s := st.Sessions[k]; st.IsOneShotNote(s) {
			out[s.PublicKey] = InProcess
		}
	}
	for _, k := range st.Keys() {
		want(st.Sessions[k].PublicKey)
	}
	for _, pub := range slices.Sorted(maps.Keys(st.KeyPairs)) {
		want(pub)
	}
	answer := func(pub string, has bool) {
		if has {
			out[pub] = Present
		} else {
			out[pub] = Missing
		}
	}
	for _, ks := range order {
		pubs := byStore[ks]
		if b, ok := ks.(BatchKeyStore); ok {
			if have, err := b.HasMany(ctx, pubs); err == nil {
				for _, pub := range pubs {
					answer(pub, have[pub])
				}
			}
			continue
		}
		for _, pub := range pubs {
			has, err := ks.Has(ctx, pub)
			if err != nil {
				break // the rest stay unknown
			}
			answer(pub, has)
		}
	}
	return out
}

// PruneCandidates says which key pairs ClearUnusedKeyPairs would delete at
// now, and which new, unclaimed ones it would keep.
func PruneCandidates(st *State, now time.Time, includeNew bool) (prune, keptNew []string) {
	usersOf := st.UsersByKeyPair()
	for _, pub := range slices.Sorted(maps.Keys(st.KeyPairs)) {
		if len(usersOf[pub]) > 0 {
			continue
		}
		kp := st.KeyPairs[pub]
		if kp.Unclaimed && !kp.Deleting && !includeNew && now.Sub(kp.CreatedAt) < ClaimWindow {
			keptNew = append(keptNew, pub)
			continue
		}
		prune = append(prune, pub)
	}
	return prune, keptNew
}

// CreateKeyPair makes a new P-256 key pair, as Turnkey's createApiKeyPair
// does, and returns its public key in compressed hex; the private key goes
// only to the key store. The index entry is written first, so that a crash
// leaves an entry a prune removes, never an item tkauth has forgotten; a
// failed Put leaves it marked for deletion, since the item may yet land.
func (m *Manager) CreateKeyPair(ctx context.Context) (string, error) {
	priv, pub, err := NewPrivateKey()
	if err != nil {
		return "", err
	}
	secret, err := EncodePrivateKey(priv)
	if err != nil {
		return "", err
	}
	err = m.store.Update(ctx, func(st *State, commit Commit) error {
		st.KeyPairs[pub] = KeyPair{PublicKey: pub, KeyStore: m.keys.Name(), CreatedAt: m.now().UTC(), Unclaimed: true}
		if err := commit(); err != nil {
			return err
		}
		if err := m.keys.Put(ctx, pub, secret); err != nil {
			err = fmt.Errorf("storing the private key in the %s key store: %w", m.keys.Name(), err)
			markDeleting(st, []string{pub})
			if cerr := commit(); cerr != nil {
				return fmt.Errorf("%w; and the store could not mark the new key pair for deletion (%v): it stays listed as new, and a prune deletes it after %s", err, cerr, ClaimWindow)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return pub, nil
}

// Short abbreviates a public key or ID for messages: its first 8 and last 4
// characters.
func Short(id string) string {
	if len(id) <= 16 {
		return id
	}
	return id[:8] + "…" + id[len(id)-4:]
}

func values(m map[string]error) []error {
	out := make([]error, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// DeleteKeyPair deletes one of tkauth's key pairs that no session uses.
// A key pair tkauth does not know is left alone.
func (m *Manager) DeleteKeyPair(ctx context.Context, pub string) error {
	return m.store.Update(ctx, func(st *State, commit Commit) error {
		if users := st.UsersOf(pub); len(users) > 0 {
			return fmt.Errorf("key pair %s is used by %v", Short(pub), users)
		}
		if _, ours := st.KeyPairs[pub]; !ours {
			return nil
		}
		markDeleting(st, []string{pub})
		if err := commit(); err != nil {
			return err
		}
		out := m.deleteKeys(ctx, st, []string{pub})
		if err := commit(); err != nil && len(out.deleted) == 0 {
			return errors.Join(append(out.why(), unrecorded(err))...)
		}
		return errors.Join(out.why()...)
	})
}
