package store

import (
	"context"
	"sync"
	"time"

	"github.com/tkauth/tkauth/session"
)

// Deferred is a key store chosen on first use rather than at start: the
// TUI draws the sessions first, and auto's probe of the system keyring,
// which a frozen keyring makes last its whole timeout, runs after. Every
// method waits for the choice (made once), then goes to the store chosen.
type Deferred struct {
	open    func(ctx context.Context) (KeyStores, error)
	timeout time.Duration
	once    sync.Once
	done    chan struct{}
	ks      KeyStores
	err     error
}

var (
	_ session.KeyStore      = (*Deferred)(nil)
	_ session.BatchKeyStore = (*Deferred)(nil)
	_ session.Tidier        = (*Deferred)(nil)
)

// DeferKeyStores returns the key store OpenKeyStores would choose, chosen
// when first needed. The probe gets its own timeout, not the caller's
// context, since a caller that gives up must not leave the choice unmade.
func DeferKeyStores(mode, dir, service string, timeout time.Duration) *Deferred {
	return &Deferred{
		open: func(ctx context.Context) (KeyStores, error) {
			return OpenKeyStores(ctx, mode, dir, service, timeout)
		},
		timeout: timeout,
		done:    make(chan struct{}),
	}
}

// Resolve makes the choice if it is not made, and returns it.
func (d *Deferred) Resolve(ctx context.Context) (KeyStores, error) {
	d.once.Do(func() {
		go func() {
			defer close(d.done)
			// auto's choice is at most two keyring calls: a check, then,
			// the first time for a keyring, a probe (chooseSystem).
			pctx, cancel := context.WithTimeout(context.Background(), 2*d.timeout+time.Second)
			defer cancel()
			d.ks, d.err = d.open(pctx)
		}()
	})
	select {
	case <-d.done:
		return d.ks, d.err
	case <-ctx.Done():
		return KeyStores{}, ctx.Err()
	}
}

// chosen calls f with the store chosen, once the choice is made.
func chosen[T any](ctx context.Context, d *Deferred, f func(session.KeyStore) (T, error)) (T, error) {
	ks, err := d.Resolve(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return f(ks.Keys)
}

// done is chosen for a call that returns only an error.
func done(ctx context.Context, d *Deferred, f func(session.KeyStore) error) error {
	_, err := chosen(ctx, d, func(k session.KeyStore) (struct{}, error) { return struct{}{}, f(k) })
	return err
}

// Name waits for the choice: it has no context of its own.
func (d *Deferred) Name() string {
	ks, err := d.Resolve(context.Background())
	if err != nil || ks.Keys == nil {
		return KeyringAuto
	}
	return ks.Keys.Name()
}

func (d *Deferred) Put(ctx context.Context, pub, priv string) error {
	return done(ctx, d, func(k session.KeyStore) error { return k.Put(ctx, pub, priv) })
}

func (d *Deferred) Get(ctx context.Context, pub string) (string, error) {
	return chosen(ctx, d, func(k session.KeyStore) (string, error) { return k.Get(ctx, pub) })
}

func (d *Deferred) Has(ctx context.Context, pub string) (bool, error) {
	return chosen(ctx, d, func(k session.KeyStore) (bool, error) { return k.Has(ctx, pub) })
}

func (d *Deferred) Delete(ctx context.Context, pub string) error {
	return done(ctx, d, func(k session.KeyStore) error { return k.Delete(ctx, pub) })
}

// HasMany asks the chosen store in one go when it can, else a key at a
// time.
func (d *Deferred) HasMany(ctx context.Context, pubs []string) (map[string]bool, error) {
	return chosen(ctx, d, func(k session.KeyStore) (map[string]bool, error) {
		if b, ok := k.(session.BatchKeyStore); ok {
			return b.HasMany(ctx, pubs)
		}
		return hasEach(ctx, k, pubs)
	})
}

// hasEach is HasMany for a key store that answers one key at a time.
func hasEach(ctx context.Context, k session.KeyStore, pubs []string) (map[string]bool, error) {
	out := make(map[string]bool, len(pubs))
	for _, pub := range pubs {
		has, err := k.Has(ctx, pub)
		if err != nil {
			return nil, err
		}
		out[pub] = has
	}
	return out, nil
}

func (d *Deferred) Tidy(ctx context.Context) error {
	return done(ctx, d, func(k session.KeyStore) error {
		if t, ok := k.(session.Tidier); ok {
			return t.Tidy(ctx)
		}
		return nil
	})
}
