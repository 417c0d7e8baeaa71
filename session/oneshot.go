package session

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// OneShot is a session made for one command: its key pair lives in this
// process only, and nothing of it is stored.
type OneShot struct {
	Session Session
	Key     P256Key
	api     TurnkeyAPI
	apiKey  Signer
}

// LoginOneShot logs in to org with the user's long-lived apiKey, as Login
// does, for expires, with a key pair that is never stored: it is for one
// command, and End ends it. A session Turnkey issues that is not the one
// asked for is ended on Turnkey at once.
func (m *Manager) LoginOneShot(ctx context.Context, api TurnkeyAPI, apiKey Signer, org string, expires time.Duration) (*OneShot, error) {
	who, err := api.Whoami(ctx, apiKey, org)
	if err != nil {
		return nil, fmt.Errorf("asking Turnkey whose API key this is: %w", err)
	}
	priv, pub, err := NewPrivateKey()
	if err != nil {
		return nil, err
	}
	o := &OneShot{Key: P256Key{Public: pub, Private: priv}, api: api, apiKey: apiKey}
	token, err := api.StampLogin(ctx, apiKey, LoginRequest{Org: org, PublicKey: pub, Expires: lifetime(expires)})
	if err != nil {
		return nil, err
	}
	s, err := m.parse(token)
	if err == nil {
		err = sessionPlan{want: Claims{OrganizationID: org, UserID: who.UserID}}.check(s, pub)
	}
	if err != nil {
		o.Session = Session{Claims: Claims{OrganizationID: org, UserID: who.UserID, PublicKey: pub}}
		if rerr := o.End(ctx); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return nil, fmt.Errorf("the session Turnkey issued: %w", err)
	}
	s.APIBaseURL, s.OrganizationName, s.Username = api.BaseURL(), who.OrganizationName, who.Username
	o.Session = s
	return o, nil
}

// ErrOneShotLeft: a one-command session could not be ended on Turnkey; it
// lives until it expires.
var ErrOneShotLeft = errors.New("the session could not be ended on Turnkey")

// End deletes the session's key on Turnkey, signed by the key itself, else
// by the long-lived key (which may delete any of the user's keys). A key
// Turnkey no longer has is ended already.
func (o *OneShot) End(ctx context.Context) error {
	s := o.Session
	err := o.api.RevokeSessionKey(ctx, o.Key, s.OrganizationID, s.UserID, s.PublicKey)
	if err != nil && !errors.Is(err, ErrSignerDead) && !errors.Is(err, ErrKeyNotOnTurnkey) {
		err = o.api.RevokeSessionKey(ctx, o.apiKey, s.OrganizationID, s.UserID, s.PublicKey)
	}
	switch {
	case err == nil, errors.Is(err, ErrSignerDead), errors.Is(err, ErrKeyNotOnTurnkey):
		return nil
	}
	return fmt.Errorf("%w (%v); it lives until %s", ErrOneShotLeft, err, s.Expiry.UTC().Format(time.RFC3339))
}
