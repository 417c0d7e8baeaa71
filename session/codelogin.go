package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Issue turns a new session key into a session token: the steps of a
// login that need the key itself (a code login encrypts its public key
// with the code, and signs the login with it).
type Issue func(key Signer) (token string, err error)

// LoginBy logs in as Turnkey's SDK's loginWithOtp does: a new key pair,
// issue for a token bound to it, whose organization and user Turnkey then
// confirms (whoami, signed by the new key); stored under o.Key (KeyFor's
// if ""), active, with api's address. Who the session is for is learnt
// from the session: a key holding a live session of someone else is
// replaced only if o.Replace or o.ConfirmReplace says so. On failure the
// new key pair is deleted and, once Turnkey issued the session, its key
// is deleted there too (the error says whether it could be).
func (m *Manager) LoginBy(ctx context.Context, api TurnkeyAPI, o LoginOptions, issue Issue) (StoreResult, error) {
	if o.Key != "" {
		if err := m.keyInForm(o.Key); err != nil {
			return StoreResult{}, err
		}
	}
	pub, err := m.CreateKeyPair(ctx)
	if err != nil {
		return StoreResult{}, err
	}
	var issued *Session
	var by Signer
	fail := func(cause error) (StoreResult, error) {
		if issued != nil {
			if err := api.RevokeSessionKey(ctx, by, issued.OrganizationID, issued.UserID, pub); err != nil && !errors.Is(err, ErrKeyNotOnTurnkey) {
				cause = errors.Join(cause, fmt.Errorf("the session Turnkey issued could not be ended there (%w): it stays live on Turnkey until %s", err, issued.Expiry.UTC().Format(time.RFC3339)))
			} else {
				cause = errors.Join(cause, errors.New("the session Turnkey issued was ended there"))
			}
		}
		return StoreResult{}, m.discardNewKeyPair(ctx, pub, cause)
	}
	if by, err = m.Signer(ctx, pub); err != nil {
		return fail(err)
	}
	token, err := issue(by)
	if err != nil {
		return fail(err)
	}
	s, err := m.parse(token)
	if err != nil {
		return fail(fmt.Errorf("the session token Turnkey sent: %w", err))
	}
	if s.PublicKey != pub {
		return fail(fmt.Errorf("%w (bound to %s)", ErrWrongKey, Short(s.PublicKey)))
	}
	issued = &s
	who, err := api.Whoami(ctx, by, s.OrganizationID)
	if err != nil {
		return fail(fmt.Errorf("asking Turnkey whose session this is: %w", err))
	}
	if who.OrganizationID != s.OrganizationID || who.UserID != s.UserID {
		return fail(fmt.Errorf("%w: the session says user %s in organization %s, Turnkey says %s in %s; nothing was stored", ErrWrongSession,
			strconv.Quote(s.UserID), strconv.Quote(s.OrganizationID), strconv.Quote(who.UserID), strconv.Quote(who.OrganizationID)))
	}
	st, err := m.store.Load(ctx)
	if err != nil {
		return fail(err)
	}
	key := o.Key
	if key == "" {
		key = KeyFor(who, st)
		if m.keyForm != nil {
			key = m.keyForm(key)
		}
	}
	if err := m.wouldReplace(st, key, s.OrganizationID, s.UserID); err != nil && !o.Replace && (o.ConfirmReplace == nil || !o.ConfirmReplace(err)) {
		return fail(err)
	}
	read := st.Sessions[key]
	s.APIBaseURL = api.BaseURL()
	s.OrganizationName, s.Username = who.OrganizationName, who.Username
	res, err := m.put(ctx, s, key, putOptions{unchanged: func(cur *Session) error { return unchangedSince(key, read, cur) }})
	if err != nil {
		return fail(err)
	}
	return res, nil
}
