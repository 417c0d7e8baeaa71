package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// OneShot is a session made for one command: its key pair lives in this
// process only, and nothing of it is stored.
type OneShot struct {
	Session Session
	Key     P256Key
	api     TurnkeyAPI
	apiKey  Signer
	m       *Manager
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
	o := &OneShot{Key: P256Key{Public: pub, Private: priv}, api: api, apiKey: apiKey, m: m}
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
// by the long-lived key (which may delete any of the user's keys), only
// if Turnkey lists it as a session's and it is no long-lived key (the
// Manager's endKey). A key Turnkey no longer has is ended already.
func (o *OneShot) End(ctx context.Context) error {
	s := o.Session
	m := o.m
	if m == nil {
		m = &Manager{}
	}
	err := m.endKey(ctx, o.api, o.Key, true, s.OrganizationID, s.UserID, s.PublicKey)
	var kept *KeptError
	if err != nil && !errors.Is(err, ErrSignerDead) && !errors.Is(err, ErrKeyNotOnTurnkey) && !errors.As(err, &kept) {
		err = m.endKey(ctx, o.api, o.apiKey, false, s.OrganizationID, s.UserID, s.PublicKey)
	}
	switch {
	case err == nil, errors.Is(err, ErrSignerDead), errors.Is(err, ErrKeyNotOnTurnkey):
		return nil
	}
	return fmt.Errorf("%w (%w); it lives until %s", ErrOneShotLeft, err, s.Expiry.UTC().Format(time.RFC3339))
}

// The note `exec --login` leaves of the session it made, so that a kill
// -9 of tkauth cannot leave a session live on Turnkey that nothing
// knows of: the session is stored, before the command starts, under
// OneShotKey (not active, with no key pair: its key pair lives in the
// process only). A command that ends normally takes it away again.

// oneShotPrefix begins the session key of every note.
const oneShotPrefix = "exec-login/"

// OneShotKey is the session key of the note of the session pub that
// process pid made.
func OneShotKey(pid int, pub string) string {
	short := strings.TrimPrefix(strings.TrimPrefix(pub, "02"), "03")
	if len(short) > 8 {
		short = short[:8]
	}
	return fmt.Sprintf("%s%d-%s", oneShotPrefix, pid, short)
}

// OneShotPID is the process that made the note under key, if key is one.
func OneShotPID(key string) (int, bool) {
	rest, ok := strings.CutPrefix(key, oneShotPrefix)
	if !ok {
		return 0, false
	}
	pid, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(pid)
	return n, err == nil && n > 0
}

// Note stores the note of o under key, before its command starts. On
// failure nothing was stored.
func (m *Manager) Note(ctx context.Context, o *OneShot, key string) error {
	s := o.Session
	s.Key = key
	return m.store.Update(ctx, func(st *State, commit Commit) error {
		if _, taken := st.Sessions[key]; taken {
			return fmt.Errorf("%w: %s", ErrExists, strconv.Quote(key))
		}
		s.StoredAt = m.now().UTC()
		st.Sessions[key] = &s
		return commit()
	})
}

// Forget takes away the note under key, if it is still o's.
func (m *Manager) Forget(ctx context.Context, o *OneShot, key string) error {
	return m.store.Update(ctx, func(st *State, commit Commit) error {
		if s := st.Sessions[key]; s == nil || s.PublicKey != o.Session.PublicKey {
			return nil
		}
		delete(st.Sessions, key)
		return commit()
	})
}

// IsOneShotNote reports whether s is the note of a session made for one
// command: stored under OneShotKey, on a key pair tkauth does not keep
// (one it keeps makes it an ordinary session under such a key).
func (st *State) IsOneShotNote(s *Session) bool {
	if _, ok := OneShotPID(s.Key); !ok {
		return false
	}
	_, ours := st.KeyPairs[s.PublicKey]
	return !ours
}

// OneShotNotes are the notes of sessions made for one command that have
// not expired: each may be live on Turnkey, if its process is gone.
func OneShotNotes(st *State, now time.Time) []Session {
	var out []Session
	for _, k := range st.Keys() {
		if s := st.Sessions[k]; st.IsOneShotNote(s) && !s.Expired(now) {
			out = append(out, *s)
		}
	}
	return out
}
