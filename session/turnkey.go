package session

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Signer is a P-256 key pair that signs requests to Turnkey: a user's
// long-lived API key, or a session's own key pair.
type Signer struct {
	PublicKey string // compressed, hex
	Private   *ecdsa.PrivateKey
}

// TurnkeyAPI is what Login, Refresh and Revoke need of Turnkey's API;
// turnkey.Client implements it.
type TurnkeyAPI interface {
	// StampLogin asks for a session bound to publicKey, signed by by.
	StampLogin(ctx context.Context, by Signer, org, publicKey string, expires time.Duration, invalidateExisting bool) (token string, err error)
	// RevokeSessionKey deletes the user's API key whose public key is
	// publicKey, signed by by.
	RevokeSessionKey(ctx context.Context, by Signer, org, userID, publicKey string) error
}

// DefaultLifetime is how long a session lasts unless asked otherwise, as
// in Turnkey's SDK.
const DefaultLifetime = 900 * time.Second

// Login logs in as Turnkey's SDK does with an API key: it makes a key
// pair, asks Turnkey (stamp_login, signed by apiKey) for a session bound to
// it, and stores that session under key, active. If anything fails, the new
// key pair is deleted and nothing else changes; that includes another
// process storing a session under key, or logging out the one there, while
// Turnkey is asked (ErrChanged).
func (m *Manager) Login(ctx context.Context, api TurnkeyAPI, apiKey Signer, org, key string, expires time.Duration, invalidateExisting bool) (StoreResult, error) {
	if key == "" {
		key = DefaultKey
	}
	if err := CheckKey(key); err != nil {
		return StoreResult{}, err
	}
	st, err := m.store.Load(ctx)
	if err != nil {
		return StoreResult{}, err
	}
	return m.newSession(ctx, key, st.Sessions[key], func(pub string) (string, error) {
		return api.StampLogin(ctx, apiKey, org, pub, lifetime(expires), invalidateExisting)
	})
}

// Refresh renews the session stored under key as Turnkey's refreshSession
// does: a new key pair, a stamp_login signed by the session's own key pair,
// the new session stored under the same key (active), and the old key pair
// deleted if nothing else uses it. If anything fails, the new key pair is
// deleted and the old session stays as it was. If, when the new session
// comes, the old one is no longer stored as it was read (another process
// logged it out, or stored another), the new one is not stored: the error
// wraps ErrChanged.
func (m *Manager) Refresh(ctx context.Context, api TurnkeyAPI, key string, expires time.Duration) (StoreResult, error) {
	s, err := m.Get(ctx, key)
	if err != nil {
		return StoreResult{}, err
	}
	by, err := m.Signer(ctx, s.PublicKey)
	if err != nil {
		return StoreResult{}, fmt.Errorf("cannot refresh %q: %w", key, err)
	}
	return m.newSession(ctx, key, &s, func(pub string) (string, error) {
		return api.StampLogin(ctx, by, s.OrganizationID, pub, lifetime(expires), false)
	})
}

// Revoke deletes the session's key from Turnkey (the user's API key with
// its public key), signed by the session's own key pair, so that the token
// and key are dead at once rather than at expiry. It does not log out.
func (m *Manager) Revoke(ctx context.Context, api TurnkeyAPI, key string) error {
	s, err := m.Get(ctx, key)
	if err != nil {
		return err
	}
	by, err := m.Signer(ctx, s.PublicKey)
	if err != nil {
		return fmt.Errorf("cannot revoke %q: %w", key, err)
	}
	return api.RevokeSessionKey(ctx, by, s.OrganizationID, s.UserID, s.PublicKey)
}

func lifetime(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultLifetime
	}
	return d
}

// ErrWrongKey: Turnkey issued a session for another key than the one
// asked for.
var ErrWrongKey = errors.New("the session Turnkey issued is not bound to the new key pair")

// newSession makes a key pair, has issue turn its public key into a
// session token, and stores the session under key, if what is stored
// there is still read (nil: nothing). On failure the key pair is deleted.
func (m *Manager) newSession(ctx context.Context, key string, read *Session, issue func(pub string) (string, error)) (StoreResult, error) {
	pub, err := m.CreateKeyPair(ctx)
	if err != nil {
		return StoreResult{}, err
	}
	fail := func(cause error) (StoreResult, error) {
		if err := m.DeleteKeyPair(ctx, pub); err != nil {
			cause = errors.Join(cause, fmt.Errorf("the new key pair %s could not be deleted either (a prune will): %w", Short(pub), err))
		}
		return StoreResult{}, cause
	}
	token, err := issue(pub)
	if err != nil {
		return fail(err)
	}
	s, err := Parse(token)
	if err != nil {
		return fail(fmt.Errorf("the session token Turnkey sent: %w", err))
	}
	if s.PublicKey != pub {
		return fail(fmt.Errorf("%w (bound to %s)", ErrWrongKey, Short(s.PublicKey)))
	}
	res, err := m.put(ctx, s, key, func(cur *Session) error { return unchangedSince(key, read, cur) })
	if err != nil {
		return fail(err)
	}
	return res, nil
}

// unchangedSince says, as ErrChanged, how what is stored under key (cur)
// differs from what was read before Turnkey was asked.
func unchangedSince(key string, read, cur *Session) error {
	var what string
	switch {
	case read == nil && cur == nil, read != nil && cur != nil && cur.Token == read.Token:
		return nil
	case cur == nil:
		what = "was logged out"
	case read == nil:
		what = "was stored"
	default:
		what = "was replaced"
	}
	return fmt.Errorf("%w: %s %s by another process; the new session was not stored", ErrChanged, strconv.Quote(key), what)
}

// DeleteKeyPair deletes one of tkauth's key pairs that no session uses.
// A key pair tkauth does not know is left alone.
func (m *Manager) DeleteKeyPair(ctx context.Context, pub string) error {
	return m.store.Update(ctx, func(st *State, commit Commit) error {
		if users := st.UsersOf(pub); len(users) > 0 {
			return fmt.Errorf("key pair %s is used by %v", Short(pub), users)
		}
		if !isIndexed(st, pub) {
			return nil
		}
		markDeleting(st, []string{pub})
		if err := commit(); err != nil {
			return err
		}
		out := m.deleteKeys(ctx, st, []string{pub})
		if err := commit(out.commitOptions()...); err != nil && len(out.deleted) == 0 {
			return errors.Join(append(out.why(), unrecorded(err))...)
		}
		return errors.Join(out.why()...)
	})
}

// Signer returns the key pair of publicKey from its key store, to sign
// requests to Turnkey.
func (m *Manager) Signer(ctx context.Context, publicKey string) (Signer, error) {
	st, err := m.store.Load(ctx)
	if err != nil {
		return Signer{}, err
	}
	ks := m.keys
	if kp, ok := st.KeyPairs[publicKey]; ok {
		if ks, err = m.keyStore(kp.KeyStore); err != nil {
			return Signer{}, err
		}
	}
	secret, err := ks.Get(ctx, publicKey)
	if errors.Is(err, ErrKeyNotFound) {
		return Signer{}, fmt.Errorf("the private key of %s is not in the %s key store, so it cannot sign", Short(publicKey), ks.Name())
	}
	if err != nil {
		return Signer{}, err
	}
	k, err := DecodePrivateKey(secret)
	if err != nil || CompressPublicKey(&k.PublicKey) != publicKey {
		return Signer{}, fmt.Errorf("the %s key store's private key for %s is not its own", ks.Name(), Short(publicKey))
	}
	return Signer{PublicKey: publicKey, Private: k}, nil
}
