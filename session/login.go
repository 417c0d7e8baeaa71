package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Issuer has Turnkey issue a session bound to a new key pair: with a
// long-lived API key (APIKeyLogin), or by a code (turnkey's CodeLogin).
// Manager.Login does the rest of a login, the same for every issuer.
type Issuer interface {
	// API is the Turnkey API that issues the session: the login asks it
	// who the session is for, ends the session there if the login fails,
	// and records it with the session.
	API() TurnkeyAPI
	// Expect says who the session will be for, asked before a key pair is
	// made, where the issuer can know (an API key's user, by whoami); the
	// zero Identity where only the session will tell (a code login).
	Expect(ctx context.Context) (Identity, error)
	// Issue has Turnkey issue a session token bound to key, the new key
	// pair, as r asks: r.PublicKey is key's; the issuer sets r.Org.
	Issue(ctx context.Context, key Signer, r LoginRequest) (token string, err error)
}

// APIKeyLogin logs in as Turnkey's SDK does with a long-lived API key:
// whoami for Key in Org, then a stamp_login signed by Key.
type APIKeyLogin struct {
	Turnkey TurnkeyAPI
	Key     Signer
	Org     string
}

// API is l.Turnkey.
func (l APIKeyLogin) API() TurnkeyAPI { return l.Turnkey }

// Expect asks Turnkey whose API key l.Key is in l.Org.
func (l APIKeyLogin) Expect(ctx context.Context) (Identity, error) {
	who, err := l.Turnkey.Whoami(ctx, l.Key, l.Org)
	if err != nil {
		return Identity{}, fmt.Errorf("asking Turnkey whose API key this is: %w", err)
	}
	who.OrganizationID = l.Org // the session must be for the organization asked for
	return who, nil
}

// Issue is a stamp_login in l.Org signed by l.Key.
func (l APIKeyLogin) Issue(ctx context.Context, _ Signer, r LoginRequest) (string, error) {
	r.Org = l.Org
	return l.Turnkey.StampLogin(ctx, l.Key, r)
}

// Login logs in with by: a new key pair, a session token by issues bound
// to it, checked to be for whom by expects, or else for whom Turnkey then
// says the new key is (whoami, signed by it), stored under o.Key (KeyFor's
// if ""), active, with by's API. A key holding a live session of someone
// else is replaced only if o.Replace or o.ConfirmReplace says so; where by
// expects a user this is asked before anything is made. On failure the
// new key pair is deleted and, once Turnkey issued the session, its key is
// deleted there too (the error says whether it could be); ErrChanged if
// o.Key changed meanwhile.
func (m *Manager) Login(ctx context.Context, by Issuer, o LoginOptions) (StoreResult, error) {
	if o.Key != "" {
		if err := m.keyInForm(o.Key); err != nil {
			return StoreResult{}, err
		}
	}
	who, err := by.Expect(ctx)
	if err != nil {
		return StoreResult{}, err
	}
	p := sessionPlan{api: by.API(), key: o.Key, replace: o.Replace, confirm: o.ConfirmReplace}
	if l, ok := by.(APIKeyLogin); ok {
		p.longLived = l.Key
	}
	if t, ok := by.(ThroughAuthProxy); ok {
		p.proxy = t.AuthProxy()
	}
	if who.UserID != "" {
		p.want, p.names = Claims{OrganizationID: who.OrganizationID, UserID: who.UserID}, who
	}
	r := LoginRequest{Expires: lifetime(o.Expires), InvalidateExisting: o.InvalidateExisting, SessionProfileID: o.SessionProfileID}
	return m.newSession(ctx, p, func(key Signer) (string, error) {
		r.PublicKey = key.PublicKey()
		return by.Issue(ctx, key, r)
	})
}

// sessionPlan is what newSession expects of the session Turnkey issues,
// and where it stores it.
type sessionPlan struct {
	api TurnkeyAPI
	// key is where it is stored; KeyFor's if "".
	key string
	// want: the organization and user it must be for; zero if whoever
	// Turnkey says the new key is (a code login learns it so).
	want Claims
	// names: Turnkey's names for them, stored with the session.
	names Identity
	// renews: the session a refresh renews, stored under key; it stays
	// active or not, and the new one must have its scope. Nil for a login,
	// which is stored active.
	renews *Session
	// replace and confirm: as LoginOptions' Replace and ConfirmReplace.
	replace bool
	confirm func(why error) bool
	// longLived is the long-lived API key a login signed with, if any: it
	// may end the replaced session's key where the new session cannot.
	longLived Signer
	// proxy is the Auth Proxy configuration the login went through, if
	// any, remembered with the session.
	proxy AuthProxyConfig
}

// newSession is every login and refresh: it makes a key pair, has issue
// turn it into a session token, checks the session against p, and stores
// it, if what is stored where it goes is still what was read. On failure
// the key pair is deleted and the session Turnkey issued, if any, is ended
// there.
func (m *Manager) newSession(ctx context.Context, p sessionPlan, issue func(key Signer) (string, error)) (StoreResult, error) {
	var dest *destination
	if p.want.UserID != "" {
		d, err := m.destination(ctx, p, p.names)
		if err != nil {
			return StoreResult{}, err
		}
		dest = &d
	}
	pub, err := m.CreateKeyPair(ctx)
	if err != nil {
		return StoreResult{}, err
	}
	var issued *Session
	var by Signer
	fail := func(cause error) (StoreResult, error) {
		// Cancelled or not, what this login made is undone.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if issued != nil {
			if err := m.endKey(ctx, p.api, by, true, issued.OrganizationID, issued.UserID, pub); err != nil && !errors.Is(err, ErrKeyNotOnTurnkey) {
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
	if dest != nil {
		if err := p.check(s, pub); err != nil {
			return fail(err)
		}
	} else {
		who, err := p.api.Whoami(ctx, by, s.OrganizationID)
		if err != nil {
			return fail(fmt.Errorf("asking Turnkey whose session this is: %w", err))
		}
		if who.OrganizationID != s.OrganizationID || who.UserID != s.UserID {
			return fail(fmt.Errorf("%w: the session says user %s in organization %s, Turnkey says %s in %s; nothing was stored", ErrWrongSession,
				strconv.Quote(s.UserID), strconv.Quote(s.OrganizationID), strconv.Quote(who.UserID), strconv.Quote(who.OrganizationID)))
		}
		p.names = who
		d, err := m.destination(ctx, p, who)
		if err != nil {
			return fail(err)
		}
		dest = &d
	}
	s.APIBaseURL = p.api.BaseURL()
	s.OrganizationName, s.Username = p.names.OrganizationName, p.names.Username
	res, err := m.put(ctx, s, dest.key, putOptions{
		unchanged:  func(cur *Session) error { return unchangedSince(dest.key, dest.read, cur) },
		keepActive: p.renews != nil,
		proxy:      p.proxy,
	})
	if err != nil {
		return fail(err)
	}
	if p.renews == nil && dest.read != nil {
		res.OldKey = m.endReplaced(ctx, p, *dest.read, res.Session, by)
	}
	return res, nil
}

// endReplaced ends on Turnkey the key of old, the session a login just
// replaced, as a refresh ends its old key, and says what came of it; nil
// when old was expired already. It is signed by the new session's key
// (a read-only session cannot delete keys), else by the long-lived key
// the login used: only for the same user, at the same API, when no other
// stored session shares the key pair; never a long-lived key (the client
// checks the credential type).
func (m *Manager) endReplaced(ctx context.Context, p sessionPlan, old, s Session, newKey Signer) *EndedKey {
	if old.Expired(m.now()) || old.PublicKey == s.PublicKey {
		return nil
	}
	e := &EndedKey{PublicKey: old.PublicKey, Expiry: old.Expiry}
	q := strconv.Quote
	switch others, err := m.usersOf(ctx, old.PublicKey); {
	case old.OrganizationID != s.OrganizationID || old.UserID != s.UserID:
		e.Err = fmt.Errorf("it was user %s's in organization %s, for whom this login cannot sign", q(old.UserLabel()), q(old.OrganizationLabel()))
	case strings.TrimRight(old.APIBaseURL, "/") != strings.TrimRight(p.api.BaseURL(), "/"):
		e.Err = fmt.Errorf("it was logged in at another Turnkey API (%s), not %s", q(old.APIBaseURL), q(p.api.BaseURL()))
	case err != nil:
		e.Err = err
	case len(others) > 0:
		e.Err = fmt.Errorf("%w (%v)", ErrKeyShared, others)
	default:
		var signers []Signer
		if s.Type != ReadOnly {
			signers = append(signers, newKey)
		}
		if p.longLived != nil {
			signers = append(signers, p.longLived)
		}
		e.Err = errors.New("the new session is read-only, which cannot delete keys, and no long-lived API key was used")
		for _, by := range signers {
			e.Err = p.api.RevokeSessionKey(ctx, by, old.OrganizationID, old.UserID, old.PublicKey)
			if e.Err == nil || errors.Is(e.Err, ErrKeyNotOnTurnkey) || errors.Is(e.Err, ErrNotASession) {
				break
			}
		}
		if errors.Is(e.Err, ErrKeyNotOnTurnkey) {
			e.Err = nil // gone there already
		}
	}
	return e
}

// destination is where a new session goes: its session key, and what was
// stored there when it was chosen (nil: nothing).
type destination struct {
	key  string
	read *Session
}

// destination chooses where the session of who goes: p.key, else KeyFor's;
// a key holding a live session of someone else only as p allows.
func (m *Manager) destination(ctx context.Context, p sessionPlan, who Identity) (destination, error) {
	if p.renews != nil {
		return destination{key: p.key, read: p.renews}, nil
	}
	st, err := m.store.Load(ctx)
	if err != nil {
		return destination{}, err
	}
	key := p.key
	if key == "" {
		key = keyFor(who, st, m.keyForm)
	}
	if err := m.wouldReplace(st, key, who.OrganizationID, who.UserID); err != nil && !p.replace && (p.confirm == nil || !p.confirm(err)) {
		return destination{}, err
	}
	return destination{key: key, read: st.Sessions[key]}, nil
}

// cleanupTimeout bounds undoing a login that failed or was cancelled:
// deleting its key pair, ending the session Turnkey issued.
const cleanupTimeout = 30 * time.Second
