package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The credential types of a session's key: every expiring key Turnkey's
// logins issue, today's and older flows' (docs features/users/
// credentials.mdx; swagger CredentialType). Long-lived keys are
// CREDENTIAL_TYPE_API_KEY_*; a passkey is no API key. A type not named
// here is not a session's: tkauth never deletes what it cannot tell.
var sessionTypes = map[string]bool{
	CredentialLogin: true,
	"CREDENTIAL_TYPE_READ_WRITE_SESSION_KEY_P256": true, // create_read_write_session
	"CREDENTIAL_TYPE_OTP_AUTH_KEY_P256":           true, // otp_auth (email, SMS)
	"CREDENTIAL_TYPE_EMAIL_AUTH_KEY_P256":         true, // email_auth (credential bundle)
	"CREDENTIAL_TYPE_OAUTH_KEY_P256":              true, // oauth
	"CREDENTIAL_TYPE_RECOVER_USER_KEY_P256":       true, // init_user_email_recovery
}

// IsSessionType reports whether a credential type is a session's.
func IsSessionType(t string) bool { return sessionTypes[t] }

// SessionTypes is every session credential type, for tests and the fake.
func SessionTypes() []string {
	out := make([]string, 0, len(sessionTypes))
	for t := range sessionTypes {
		out = append(out, t)
	}
	return out
}

// WithLongLivedKeys gives m the public keys of the user's long-lived API
// keys this machine knows (tkauth's keyring, Turnkey's CLIs' key files):
// no revoke deletes one of them, whatever Turnkey calls it, and no
// session on one is stored.
func (m *Manager) WithLongLivedKeys(known func(ctx context.Context) []string) *Manager {
	m.longLived = known
	return m
}

// knownKeys is the long-lived keys m knows, read once for an operation.
type knownKeys map[string]bool

// known reads the long-lived keys m knows, in lower case.
func (m *Manager) known(ctx context.Context) knownKeys {
	out := knownKeys{}
	if m.longLived != nil {
		for _, k := range m.longLived(ctx) {
			out[strings.ToLower(k)] = true
		}
	}
	return out
}

func (k knownKeys) has(pub string) bool { return k[strings.ToLower(pub)] }

// knownLongLived is whether pub is one of the long-lived keys m knows.
func (m *Manager) knownLongLived(ctx context.Context, pub string) bool {
	return m.known(ctx).has(pub)
}

// KeptError: tkauth refused to delete a key on Turnkey, which it left as
// it was, because the key is, or may be, a long-lived API key.
type KeptError struct {
	PublicKey string
	Why       string
}

func (e *KeptError) Error() string {
	return fmt.Sprintf("the API key %s was left on Turnkey: %s, and %v", Short(e.PublicKey), e.Why, ErrNotASession)
}

// Unwrap makes it ErrNotASession.
func (e *KeptError) Unwrap() error { return ErrNotASession }

// ErrLongLivedSession: a session token bound to one of the user's
// long-lived API keys: tkauth does not store it, since revoking it would
// delete that key.
var ErrLongLivedSession = errors.New("the session's key is one of the user's long-lived API keys")

// CheckNotLongLived refuses a session bound to a long-lived key m knows.
func (m *Manager) CheckNotLongLived(ctx context.Context, s Session) error {
	if m.knownLongLived(ctx, s.PublicKey) {
		return fmt.Errorf("%w (%s): revoking it would delete that key; nothing was stored", ErrLongLivedSession, Short(s.PublicKey))
	}
	return nil
}

// spare says why k must not be deleted by a request signed by by, ""
// if it may: k must have a session's credential type, not be one of
// known, nor by's own key unless byIsSession (a session's key pair
// ending itself).
func spare(known knownKeys, k APIKey, by Signer, byIsSession bool) string {
	switch {
	case !k.IsSession():
		return fmt.Sprintf("Turnkey lists it as %s, not a session", quoteType(k.CredentialType))
	case known.has(k.PublicKey):
		return "it is one of your long-lived API keys on this machine, whatever Turnkey calls it"
	case !byIsSession && by != nil && strings.EqualFold(by.PublicKey(), k.PublicKey):
		return "it is the long-lived key that signed the request, whatever Turnkey calls it"
	}
	return ""
}

func quoteType(t string) string {
	if t == "" {
		return "of no credential type"
	}
	return fmt.Sprintf("%q", t)
}

// endKey deletes on Turnkey the user's API key whose public key is pub,
// signed by by (a session's own key pair if byIsSession, else a long-lived
// key), only if spare allows: a known long-lived key, or by's, is refused
// before any request; then the key Turnkey lists must be a session's.
// ErrKeyNotOnTurnkey if the user has no such key.
func (m *Manager) endKey(ctx context.Context, api TurnkeyAPI, by Signer, byIsSession bool, org, user, pub string) error {
	known := m.known(ctx)
	guess := APIKey{PublicKey: pub, CredentialType: CredentialLogin}
	if why := spare(known, guess, by, byIsSession); why != "" {
		return &KeptError{PublicKey: pub, Why: why}
	}
	r, ok := api.(RemoteAPI)
	if !ok {
		// An API that cannot list: its RevokeSessionKey checks the type.
		return api.RevokeSessionKey(ctx, by, org, user, pub)
	}
	keys, err := r.GetAPIKeys(ctx, by, org, user)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if !strings.EqualFold(k.PublicKey, pub) {
			continue
		}
		if why := spare(known, k, by, byIsSession); why != "" {
			return &KeptError{PublicKey: pub, Why: why}
		}
		derr := r.DeleteAPIKeys(ctx, by, org, user, []string{k.ID})
		if derr == nil || errors.Is(derr, ErrSignerDead) && !byIsSession {
			return derr
		}
		// The answer does not say the key is gone (a retry after a 5xx
		// that finds it deleted, an answer that does not name it, an
		// outage): listing again does.
		again, lerr := r.GetAPIKeys(ctx, by, org, user)
		switch {
		case errors.Is(lerr, ErrSignerDead) && byIsSession && strings.EqualFold(by.PublicKey(), pub):
			return nil // the key that signed was the one deleted
		case lerr != nil:
			return derr
		case slices.ContainsFunc(again, func(a APIKey) bool { return a.ID == k.ID }):
			return derr
		}
		return nil
	}
	return ErrKeyNotOnTurnkey
}
