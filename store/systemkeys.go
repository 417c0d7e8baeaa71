package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/tkauth/tkauth/session"
)

// DefaultKeyringTimeout bounds each call to the system keyring. The Secret
// Service can wait forever on an unlock prompt that nobody sees.
const DefaultKeyringTimeout = 5 * time.Second

// SystemService is the keyring service name tkauth's items are stored under;
// the item's user is the key pair's public key.
const SystemService = "tkauth"

// ErrKeyringTimeout is returned when the system keyring does not answer in
// time. Each front end says how to do without it.
var ErrKeyringTimeout = errors.New("the system keyring did not answer in time (is it locked, or waiting on a prompt?)")

// ErrKeyringLocked is returned when the keyring's collection is locked and
// could not be unlocked: no prompt can be shown here (SSH, no desktop), or
// it was dismissed. The error it is in names the keyring and how to
// unlock it; each front end says how to do without it.
var ErrKeyringLocked = errors.New("the system keyring is locked and could not be unlocked here: unlock it, then try again")

// ErrNoCollection: the Secret Service answers, but has no default
// collection for new items (a keyring daemon started with no keyring, a
// KWallet with no wallet). Each front end says how to do without it.
var ErrNoCollection = errors.New("the system keyring has no default collection for tkauth's keys")

// ErrNoKeychain: macOS has no default keychain for tkauth to use. Each
// front end says how to do without it.
var ErrNoKeychain = errors.New("there is no default keychain")

// SystemKeys keeps private keys in the OS keyring (the Secret Service on
// Linux and the BSDs, the Keychain on macOS): service SystemService, user
// the public key. Every call is bounded by a timeout.
type SystemKeys struct {
	service string
	label   string // an item's label, before its user
	timeout time.Duration
	test    backend // in tests, the backend instead of the system's
	// keychainFile is the macOS default keychain's file, once found.
	keychainFile keychainFile
	// probed is auto's record that this keyring takes items (probedFile),
	// when auto chose it: a write that fails removes it, so that the next
	// command probes again rather than trusting it.
	probed string
}

var _ session.BatchKeyStore = (*SystemKeys)(nil)

// backend is the OS keyring's items of one service: the Secret Service
// (secretservice.go), the Keychain (keychain.go), or go-keyring.
type backend interface {
	put(ctx context.Context, user, secret string) error
	// get returns an error notFound recognises for no item.
	get(ctx context.Context, user string) (string, error)
	// delete deletes tkauth's item of user, if any, and no other.
	delete(ctx context.Context, user string) error
	// has reports, for each user, whether tkauth's item is there, reading
	// no secret, in as few round trips as the keyring allows.
	has(ctx context.Context, users []string) (map[string]bool, error)
	// probe reports whether the keyring answers, and takes new items: it
	// stores one and deletes it.
	probe(ctx context.Context) error
	// check reports whether the keyring answers, writing nothing, and
	// names the keyring and the collection or keychain that new items
	// go to: auto probes again when that changes.
	check(ctx context.Context) (where string, err error)
}

// NewSystemKeys returns the system key store using service (SystemService
// outside tests), each call bounded by timeout.
func NewSystemKeys(service string, timeout time.Duration) *SystemKeys {
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	return &SystemKeys{service: service, label: "tkauth private key ", timeout: timeout}
}

// Name implements session.KeyStore.
func (k *SystemKeys) Name() string { return KeyringSystem }

// Put implements session.KeyStore.
func (k *SystemKeys) Put(ctx context.Context, pub, priv string) error {
	if err := checkPublicKey(pub); err != nil {
		return err
	}
	return k.put(ctx, pub, priv)
}

// put stores secret as user's, in an item of tkauth's own.
func (k *SystemKeys) put(ctx context.Context, user, secret string) error {
	err := k.call(ctx, func(ctx context.Context) error { return k.backend().put(ctx, user, secret) })
	k.writeFailed(ctx, err)
	return err
}

// writeFailed forgets auto's record that the keyring takes items when a
// write to it failed, other than by the caller giving up.
func (k *SystemKeys) writeFailed(ctx context.Context, err error) {
	if err != nil && ctx.Err() == nil && k.probed != "" {
		_ = os.Remove(k.probed)
	}
}

// Get implements session.KeyStore.
func (k *SystemKeys) Get(ctx context.Context, pub string) (string, error) {
	if err := checkPublicKey(pub); err != nil {
		return "", err
	}
	return k.get(ctx, pub)
}

// get reads user's secret from tkauth's own item: session.ErrKeyNotFound
// if there is none.
func (k *SystemKeys) get(ctx context.Context, user string) (string, error) {
	var secret string
	err := k.call(ctx, func(ctx context.Context) error {
		var err error
		secret, err = k.backend().get(ctx, user)
		return err
	})
	switch {
	case notFound(err):
		return "", session.ErrKeyNotFound
	case err != nil:
		return "", err // on a timeout, the call may still be writing secret
	}
	return secret, nil
}

// Has implements session.KeyStore, reading no secret.
func (k *SystemKeys) Has(ctx context.Context, pub string) (bool, error) {
	found, err := k.HasMany(ctx, []string{pub})
	return found[pub], err
}

// HasMany implements session.BatchKeyStore: one round trip where the
// keyring allows (one D-Bus connection; one security process), no secret
// read. Only tkauth's own items count.
func (k *SystemKeys) HasMany(ctx context.Context, pubs []string) (map[string]bool, error) {
	var found map[string]bool
	err := k.call(ctx, func(ctx context.Context) error {
		var err error
		found, err = k.backend().has(ctx, pubs)
		return err
	})
	if err != nil {
		return nil, err // on a timeout, the call may still be writing found
	}
	return found, nil
}

// Delete implements session.KeyStore. An item that is already gone,
// including one another process deleted while this one looked it up,
// counts as deleted.
func (k *SystemKeys) Delete(ctx context.Context, pub string) error {
	if err := checkPublicKey(pub); err != nil {
		return err
	}
	return k.delete(ctx, pub)
}

// delete deletes user's items of tkauth's own, and no other.
func (k *SystemKeys) delete(ctx context.Context, user string) error {
	err := k.call(ctx, func(ctx context.Context) error { return k.backend().delete(ctx, user) })
	if notFound(err) {
		return nil
	}
	k.writeFailed(ctx, err)
	return err
}

// ErrNoSessionBus: on Linux and the BSDs the Secret Service is reached over
// the D-Bus session bus, and there is none (an SSH login, CI, a container).
var ErrNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service")

// Probe reports whether the system keyring answers and would take a new
// item, without reading or keeping any.
func (k *SystemKeys) Probe(ctx context.Context) error {
	err := k.call(ctx, func(ctx context.Context) error { return k.backend().probe(ctx) })
	if notFound(err) {
		return nil
	}
	return err
}

// Check reports whether the system keyring answers, writing nothing, and
// where its new items go (a collection, a keychain file).
func (k *SystemKeys) Check(ctx context.Context) (where string, err error) {
	err = k.call(ctx, func(ctx context.Context) error {
		var err error
		where, err = k.backend().check(ctx)
		return err
	})
	return where, err
}

// call runs f, giving up after k.timeout or when ctx ends. A D-Bus call
// cannot be taken back: on time-out f finishes in the background, and
// the error says it may still take effect (session.ErrNoAnswer). The
// Keychain's security process is ended when f's ctx ends.
func (k *SystemKeys) call(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	ps := &promptState{}
	ctx = context.WithValue(ctx, promptStateKey{}, ps)
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	select {
	case err := <-done:
		var ke *keychainError
		var pe *promptError
		switch {
		case err == nil || notFound(err), errors.As(err, &ke), errors.As(err, &pe), errors.Is(err, ErrNoSessionBus), errors.Is(err, ErrNoCollection):
			return err
		}
		return fmt.Errorf("system keyring: %w", err)
	case <-ctx.Done():
		return noAnswer{waited: k.timeout, cause: ctx.Err(), asked: ps.get()}
	}
}

// noAnswer: the keyring did not answer before the time-out (or ctx ended).
// It is ErrKeyringTimeout and session.ErrNoAnswer.
type noAnswer struct {
	waited time.Duration
	cause  error  // ctx's error
	asked  string // what the keyring was asking, if it was
}

func (e noAnswer) Error() string {
	if e.asked != "" {
		if errors.Is(e.cause, context.DeadlineExceeded) {
			return fmt.Sprintf("%s, and no one answered in %s (the system keyring did not answer in time)", e.asked, e.waited)
		}
		return fmt.Sprintf("%s, and tkauth stopped waiting for an answer: %v", e.asked, e.cause)
	}
	if errors.Is(e.cause, context.DeadlineExceeded) {
		return fmt.Sprintf("%v (waited %s)", ErrKeyringTimeout, e.waited)
	}
	return fmt.Sprintf("the system keyring had not answered when tkauth stopped waiting: %v", e.cause)
}

func (e noAnswer) Is(target error) bool {
	return target == ErrKeyringTimeout || target == session.ErrNoAnswer
}

func (e noAnswer) Unwrap() error { return e.cause }

// ErrPromptDismissed: the keyring's prompt was dismissed, by the user or
// because it could not be shown (no desktop).
var ErrPromptDismissed = errors.New("the prompt was dismissed, or could not be shown here")

// errKeyringQuit: the keyring left while it asked.
var errKeyringQuit = errors.New("it quit before answering")

// promptError: the keyring asked something (a prompt, an unlock) and got
// no yes. It names the keyring and what it asked.
type promptError struct {
	keyring string // "the Secret Service (keepassxc)"
	what    string // "to store tkauth's key 02ab…"
	cause   error  // ErrPromptDismissed, ErrKeyringLocked, noAnswer, ctx's error
	unlock  string // with ErrKeyringLocked: how to unlock this keyring
}

func (e *promptError) Error() string {
	switch {
	case errors.Is(e.cause, ErrKeyringLocked):
		return fmt.Sprintf("%s is locked and could not be unlocked here when asked %s: %s", e.keyring, e.what, e.unlock)
	case errors.Is(e.cause, ErrPromptDismissed), errors.Is(e.cause, errKeyringQuit):
		return fmt.Sprintf("%s asked %s, and %v", e.keyring, e.what, e.cause)
	}
	return fmt.Sprintf("%s asked %s, and had no answer: %v", e.keyring, e.what, e.cause)
}

func (e *promptError) Unwrap() error { return e.cause }

// WithPromptNotice returns ctx with notice, which is told, before the system
// keyring shows a prompt, what it asks and where. A front end that can
// say it (a terminal) sets one; without one, or with nil (under a TUI,
// which owns the screen), a prompt nobody answers fails in words once the
// keyring timeout passes.
func WithPromptNotice(ctx context.Context, notice func(string)) context.Context {
	return context.WithValue(ctx, promptNoticeKey{}, notice)
}

type promptNoticeKey struct{}

// promptState is what a keyring call is asking, while it asks: call says
// it when the call times out.
type promptState struct {
	mu     sync.Mutex
	asking string
}

type promptStateKey struct{}

func (s *promptState) get() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.asking
}
