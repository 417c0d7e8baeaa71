package session

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// LoginRequest is a stamp_login: a session bound to PublicKey, in Org,
// lasting Expires, scoped by a session profile if SessionProfileID.
type LoginRequest struct {
	Org                string
	PublicKey          string
	Expires            time.Duration
	InvalidateExisting bool
	SessionProfileID   string
}

// Identity is who Turnkey says a key belongs to (whoami).
type Identity struct {
	OrganizationID, OrganizationName, UserID, Username string
}

// TurnkeyAPI is what the Manager needs of Turnkey's API; turnkey.Client
// implements it. A request signed by a key Turnkey no longer has (expired,
// evicted, deleted) is refused at authentication: its error wraps
// ErrSignerDead.
type TurnkeyAPI interface {
	// BaseURL is the API's address, recorded with each session it logs in.
	BaseURL() string
	// StampLogin asks for a session, signed by by.
	StampLogin(ctx context.Context, by Signer, r LoginRequest) (token string, err error)
	// RevokeSessionKey deletes the user's API key whose public key is
	// publicKey, signed by by; ErrKeyNotOnTurnkey if the user has none.
	RevokeSessionKey(ctx context.Context, by Signer, org, userID, publicKey string) error
	// Whoami says who by is in org.
	Whoami(ctx context.Context, by Signer, org string) (Identity, error)
	// Call posts body to path, signed by by, and returns the answer as it
	// came; an error if Turnkey refused it.
	Call(ctx context.Context, by Signer, path string, body []byte) ([]byte, error)
}

// ErrSignerDead: Turnkey refused a request at authentication because it
// no longer has the key that signed it (expired, evicted, deleted, or
// invalidated by a later login). For a session's own key, the session is
// dead on Turnkey.
var ErrSignerDead = errors.New("the key that signed is no longer accepted by Turnkey")

// ErrDenied: Turnkey refused a request by a policy of the organization or
// by the scope of the session that signed it (gRPC code 7): it knows the
// key that signed. Not bad credentials.
var ErrDenied = errors.New("turnkey refused the request by a policy or by the signing session's scope")

// ScopeError: a request signed by a session's own key was refused
// (ErrDenied). The session's scope may forbid it; signed by the user's
// long-lived API key, which no scope binds, it may go through. Err is
// Turnkey's refusal, which names the request.
type ScopeError struct {
	Key   string // the session's key
	Type  Type   // its session type: a profile's name when scoped
	Scope string // its scope claim, "" if none
	Err   error
}

func (e *ScopeError) Error() string {
	if !e.Type.Scoped() && e.Scope == "" {
		return fmt.Sprintf("%v (signed by session %s's own key)", e.Err, strconv.Quote(e.Key))
	}
	return fmt.Sprintf("%v (signed by session %s's own key, whose profile %s scopes it to %s)", e.Err, strconv.Quote(e.Key), strconv.Quote(string(e.Type)), strconv.Quote(e.Scope))
}

func (e *ScopeError) Unwrap() error { return e.Err }

// denied is err as a ScopeError when Turnkey refused, with ErrDenied, a
// request that s's own key signed.
func denied(s Session, err error) error {
	if errors.Is(err, ErrDenied) {
		return &ScopeError{Key: s.Key, Type: s.Type, Scope: s.Scope, Err: err}
	}
	return err
}

// ErrOtherServer: a session's requests would go to another Turnkey API
// than the one it was logged in with. Each front end says how to send
// them there, or not.
var ErrOtherServer = errors.New("the session belongs to another Turnkey API")

// ErrUnrecordedServer: a session that records no API (stored by add)
// would have its requests go elsewhere than Turnkey's own API, and no one
// said they may.
var ErrUnrecordedServer = errors.New("the session records no Turnkey API")

// Servers says which Turnkey API each session's requests go to, so that a
// request signed for a session (by its own key, or by the user's
// long-lived API key) goes only where the user chose: the API the session
// was logged in with; for a session that records none, Turnkey's own
// (Default). Named is the API named for this command, "" if none; it is
// used instead only if Other, or, for a session that records none, if
// Confirm says yes.
type Servers struct {
	Dial    func(baseURL string) TurnkeyAPI
	Named   string
	Default string
	// Other sends every session's requests to Named: the user said so for
	// this command.
	Other bool
	// Confirm, if set, asks whether a session that records no API may
	// have its requests go to url; nil is no.
	Confirm func(s Session, url string) bool
}

// For returns the API s is sent to, by the rule above.
func (sv Servers) For(s Session) (TurnkeyAPI, error) {
	key := strconv.Quote(s.Key)
	switch {
	case sv.Named == "" || sv.Other || sv.Named == s.APIBaseURL:
	case s.APIBaseURL != "":
		return nil, fmt.Errorf("%w: %s was logged in with %s, not %s", ErrOtherServer, key, s.APIBaseURL, sv.Named)
	case sv.Named == sv.Default, sv.Confirm != nil && sv.Confirm(s, sv.Named):
	default:
		return nil, fmt.Errorf("%w: %s was stored without one (tkauth add), so its requests go to Turnkey's own API, %s, not to %s, unless you say so", ErrUnrecordedServer, key, sv.Default, sv.Named)
	}
	switch {
	case sv.Named != "":
		return sv.Dial(sv.Named), nil
	case s.APIBaseURL != "":
		return sv.Dial(s.APIBaseURL), nil
	}
	return sv.Dial(sv.Default), nil
}

// DefaultLifetime is how long a session lasts unless asked otherwise, as
// in Turnkey's SDK.
const DefaultLifetime = 900 * time.Second

// MaxLifetime is the longest session Turnkey issues: a year.
const MaxLifetime = 365 * 24 * time.Hour

// Lifetime is how long s was to last when it was stored, as Turnkey's
// kit computes a session's expirationSeconds when it stores it; a refresh
// asks for as much again. DefaultLifetime if that is not a sane duration.
func (s Session) Lifetime() time.Duration {
	d := s.Expiry.Sub(s.StoredAt)
	if d <= 0 || d > MaxLifetime || s.StoredAt.IsZero() {
		return DefaultLifetime
	}
	return time.Duration(math.Ceil(d.Seconds())) * time.Second
}

// LoginOptions are what a login asks for besides the organization.
type LoginOptions struct {
	// Key is the session key to store it under; KeyFor's if "".
	Key                string
	Expires            time.Duration
	InvalidateExisting bool
	// SessionProfileID scopes the session by a session profile.
	SessionProfileID string
	// Replace lets the login replace a live session of another
	// organization or user stored under Key (else ErrWouldReplace).
	Replace bool
	// ConfirmReplace, if set, is asked whether the login may replace such
	// a session: before anything is made where the issuer expects a user,
	// else once the session says whose it is.
	ConfirmReplace func(why error) bool
}

// ErrWouldReplace: a login would replace a live session of another
// organization or user, whose key would stay live on Turnkey.
var ErrWouldReplace = errors.New("the login would replace a live session of another organization or user")

// KeyFor is the session key a login stores under when none is given:
// Turnkey's names for the organization and the user, "org/user", in a
// form a shell takes unquoted: lowercase, every run of characters other
// than letters, digits, '.', '_' and '-' made one '-' ("Acme Payments" is
// "acme-payments"); an ID's first characters where a name is unknown. A
// key that holds a session of another organization or user gets the
// organization's (then the user's) ID's first characters, "-3f1c2a9e",
// until it is free. A session of this user stored under the key an older
// tkauth chose ("Acme Payments/alice") keeps its key.
func KeyFor(who Identity, st *State) string { return keyFor(who, st, nil) }

// keyFor is KeyFor, comparing keys in form (the Manager's key form).
func keyFor(who Identity, st *State, form func(string) string) string {
	if form == nil {
		form = func(k string) string { return k }
	}
	ours := func(key string) bool {
		s, ok := st.Sessions[form(key)]
		return ok && s.OrganizationID == who.OrganizationID && s.UserID == who.UserID
	}
	if old := legacyKeyFor(who); ours(old) {
		return form(old)
	}
	orgID, userID := shellWord(who.OrganizationID, ""), shellWord(who.UserID, "")
	base := shellWord(who.OrganizationName, orgID) + "/" + shellWord(who.Username, userID)
	if r := []rune(base); len(r) > MaxKeyLength-24 {
		base = string(r[:MaxKeyLength-24])
	}
	id8 := func(id string) string { return string([]rune(id)[:min(8, len([]rune(id)))]) }
	candidates := []string{base, base + "-" + id8(orgID), base + "-" + id8(orgID) + "-" + id8(userID)}
	for _, key := range candidates {
		if _, taken := st.Sessions[form(key)]; !taken || ours(key) {
			return form(key)
		}
	}
	for n := 2; ; n++ {
		key := candidates[2] + "-" + strconv.Itoa(n)
		if _, taken := st.Sessions[form(key)]; !taken || ours(key) {
			return form(key)
		}
	}
}

// shellWord is name as a shell takes it unquoted (see KeyFor), or else
// if it leaves nothing.
func shellWord(name, ifEmpty string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '.' || r == '_' || r == '-' && !dash:
			b.WriteRune(r)
			dash = r == '-'
		case !dash && b.Len() > 0:
			b.WriteRune('-')
			dash = true
		}
	}
	w := strings.Trim(b.String(), "-.")
	if w == "" {
		return ifEmpty
	}
	return w
}

// legacyKeyFor is the key tkauth chose before KeyFor's shell-friendly
// form: the names as Turnkey has them, rid of Invisible characters.
func legacyKeyFor(who Identity) string {
	label := func(name, id string) string {
		name = strings.Map(func(r rune) rune {
			if Invisible(r) && r != ' ' {
				return -1
			}
			return r
		}, strings.TrimSpace(name))
		if name == "" {
			return Short(id)
		}
		return name
	}
	key := label(who.OrganizationName, who.OrganizationID) + "/" + label(who.Username, who.UserID)
	if r := []rune(key); len(r) > MaxKeyLength-11 {
		key = string(r[:MaxKeyLength-11])
	}
	return key
}

// ErrWrongSession: Turnkey issued a session that is not the one asked for:
// bound to another key, for another organization or user, or wider than
// the session it refreshes. It is not stored.
var ErrWrongSession = errors.New("turnkey issued a session other than the one asked for")

// wouldReplace is ErrWouldReplace when key holds a live session of
// another organization or user than org's user.
func (m *Manager) wouldReplace(st *State, key, org, user string) error {
	cur := st.Sessions[key]
	if cur == nil || cur.Expired(m.now()) || (cur.OrganizationID == org && cur.UserID == user) {
		return nil
	}
	return fmt.Errorf("%w: %s holds a live session of user %s in organization %s (%s left); replaced, its key would stay live on Turnkey until it expires: choose another session key, or log it out first",
		ErrWouldReplace, strconv.Quote(key), strconv.Quote(cur.UserLabel()), strconv.Quote(cur.OrganizationLabel()), cur.Expiry.Sub(m.now()).Round(time.Second))
}

// RefreshResult is what Refresh did.
type RefreshResult struct {
	StoreResult
	// OldKeyRevoked says what deleting the replaced session key on Turnkey
	// came to: nil when done or already gone there; ErrKeyShared when
	// other sessions still use it, so it was left alone.
	OldKeyRevoked error
}

// ErrKeyShared: a key pair other stored sessions also use.
var ErrKeyShared = errors.New("other sessions use the same key pair")

// Refresh renews the session stored under key as Turnkey's refreshSession
// does: a new key pair, a stamp_login signed by the session's own key (or
// by by, the user's long-lived API key, when the session's scope forbids
// it to refresh itself) for as long as it had (unless expires), in its
// session profile, stored under the same key at the session's own API
// (sv). Only the token changes: the active session stays, and a session
// issued wider or for someone else is refused. Then the replaced key is
// deleted on Turnkey (best effort, reported), signed by the new session,
// or by by. On failure the new key pair is deleted, the new session, if
// Turnkey issued one, is ended there, and the session stays; a session
// changed meanwhile is ErrChanged, a key Turnkey no longer has
// ErrSignerDead, a refusal of the session's own key a *ScopeError.
func (m *Manager) Refresh(ctx context.Context, sv Servers, key string, expires time.Duration, by Signer) (RefreshResult, error) {
	s, err := m.Get(ctx, key)
	if err != nil {
		return RefreshResult{}, err
	}
	api, err := sv.For(s)
	if err != nil {
		return RefreshResult{}, err
	}
	own := by == nil
	if own {
		if by, err = m.Signer(ctx, s.PublicKey); err != nil {
			return RefreshResult{}, fmt.Errorf("cannot refresh %s: %w", strconv.Quote(key), err)
		}
	}
	if expires <= 0 {
		expires = s.Lifetime()
	}
	names := Identity{OrganizationName: s.OrganizationName, Username: s.Username}
	res, err := m.newSession(ctx, sessionPlan{api: api, key: key, want: s.Claims, names: names, renews: &s},
		func(newKey Signer) (string, error) {
			tok, err := api.StampLogin(ctx, by, LoginRequest{Org: s.OrganizationID, PublicKey: newKey.PublicKey(), Expires: expires, SessionProfileID: s.SessionProfileID})
			switch {
			case own && errors.Is(err, ErrSignerDead):
				err = fmt.Errorf("the session %s is no longer accepted by Turnkey: it expired, or was revoked there; log in again: %w", strconv.Quote(key), err)
			case own:
				err = denied(s, err)
			}
			return tok, err
		})
	if err != nil {
		return RefreshResult{}, err
	}
	out := RefreshResult{StoreResult: res}
	if others, err := m.usersOf(ctx, s.PublicKey); err != nil {
		out.OldKeyRevoked = err
	} else if len(others) > 0 {
		out.OldKeyRevoked = fmt.Errorf("%w (%v): the replaced key stays live on Turnkey", ErrKeyShared, others)
	} else {
		if own {
			by, err = m.Signer(ctx, res.Session.PublicKey)
		}
		if err == nil {
			err = m.endKey(ctx, api, by, own, s.OrganizationID, s.UserID, s.PublicKey)
			if own {
				err = denied(res.Session, err)
			}
		}
		if err != nil && !errors.Is(err, ErrKeyNotOnTurnkey) {
			out.OldKeyRevoked = err
		}
	}
	return out, nil
}

// usersOf is the keys of the sessions stored now on key pair pub.
func (m *Manager) usersOf(ctx context.Context, pub string) ([]string, error) {
	st, err := m.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	return st.UsersOf(pub), nil
}

// Revoke deletes the session's key on Turnkey, so that token and key die
// at once rather than at expiry, signed by by, or by the session's own key
// if by is nil. It does not log out. A key Turnkey no longer has is
// ErrKeyNotOnTurnkey: dead already.
func (m *Manager) Revoke(ctx context.Context, sv Servers, by Signer, key string) error {
	_, err := m.revoke(ctx, sv, by, key)
	return err
}

// revoke is Revoke, returning too the API it asked.
func (m *Manager) revoke(ctx context.Context, sv Servers, by Signer, key string) (string, error) {
	s, err := m.Get(ctx, key)
	if err != nil {
		return "", err
	}
	api, err := sv.For(s)
	if err != nil {
		return "", err
	}
	own := by == nil
	if own {
		if by, err = m.Signer(ctx, s.PublicKey); err != nil {
			return "", fmt.Errorf("cannot revoke %s with its own key: %w", strconv.Quote(key), err)
		}
	}
	err = m.endKey(ctx, api, by, own, s.OrganizationID, s.UserID, s.PublicKey)
	switch {
	case own && errors.Is(err, ErrSignerDead):
		err = fmt.Errorf("%w (Turnkey refused the session's own key: %v)", ErrKeyNotOnTurnkey, err)
	case own:
		err = denied(s, err)
	}
	return api.BaseURL(), err
}

// Check is what Turnkey says of a session.
type Check struct {
	Key    string
	API    string // the Turnkey API asked, "" if none was
	Status CheckStatus
	// Identity is who Turnkey says the session is, when Valid.
	Identity Identity
	// Why says why it is not Valid.
	Why error
}

// CheckStatus is Turnkey's verdict on a session.
type CheckStatus string

// The verdicts.
const (
	Valid       CheckStatus = "valid"       // Turnkey accepts its key, for its user
	Rejected    CheckStatus = "rejected"    // Turnkey refuses it (Why says why)
	Unreachable CheckStatus = "unreachable" // Turnkey could not be asked
	Unchecked   CheckStatus = "unchecked"   // its key pair cannot sign here
)

// Check asks Turnkey whether it still accepts the session: signed by the
// session's own key pair, whoami; signed by by, the user's long-lived API
// key (for a session whose scope forbids it to ask), whether the user's
// keys still hold the session's. Valid, Rejected (its key is dead, or
// belongs to someone else), Unreachable (no answer, or an error that
// says nothing of the session), or Unchecked (the key pair cannot sign
// here, or Turnkey refused the question: Why is a *ScopeError).
func (m *Manager) Check(ctx context.Context, sv Servers, key string, by Signer) Check {
	c := Check{Key: key}
	s, err := m.Get(ctx, key)
	if err != nil {
		c.Status, c.Why = Unchecked, err
		return c
	}
	api, err := sv.For(s)
	if err != nil {
		c.Status, c.Why = Unchecked, err
		return c
	}
	if by != nil {
		return m.checkBy(ctx, c, s, api, by)
	}
	if by, err = m.Signer(ctx, s.PublicKey); err != nil {
		c.Status, c.Why = Unchecked, err
		return c
	}
	c.API = api.BaseURL()
	who, err := api.Whoami(ctx, by, s.OrganizationID)
	switch {
	case errors.Is(err, ErrSignerDead):
		c.Status, c.Why = Rejected, err
	case errors.Is(err, ErrDenied):
		// Turnkey knows the key (code 7 comes after authentication), and
		// will not say whose it is.
		c.Status, c.Why = Unchecked, denied(s, err)
	case err != nil:
		c.Status, c.Why = Unreachable, err
	case who.UserID != s.UserID || who.OrganizationID != s.OrganizationID:
		c.Status = Rejected
		c.Why = fmt.Errorf("the session's key belongs, Turnkey says, to user %s in organization %s, not to the session's", strconv.Quote(who.UserID), strconv.Quote(who.OrganizationID))
	default:
		c.Status, c.Identity = Valid, who
	}
	return c
}

// ErrKeyGone: the user's keys on Turnkey no longer hold the session's.
var ErrKeyGone = errors.New("turnkey no longer has the session's key: it expired, was revoked, or a later login invalidated it")

// checkBy is Check signed by the user's long-lived key: get_api_keys.
func (m *Manager) checkBy(ctx context.Context, c Check, s Session, api TurnkeyAPI, by Signer) Check {
	remote, ok := api.(RemoteAPI)
	if !ok {
		c.Status, c.Why = Unchecked, fmt.Errorf("this Turnkey API cannot list the user's keys")
		return c
	}
	c.API = api.BaseURL()
	keys, err := remote.GetAPIKeys(ctx, by, s.OrganizationID, s.UserID)
	if err != nil {
		c.Status, c.Why = Unreachable, err
		if errors.Is(err, ErrDenied) || errors.Is(err, ErrSignerDead) {
			c.Status = Unchecked // the long-lived key's trouble, not the session's
		}
		return c
	}
	now := m.now()
	for _, k := range keys {
		if strings.EqualFold(k.PublicKey, s.PublicKey) && (k.Expiry.IsZero() || now.Before(k.Expiry)) {
			c.Status = Valid
			c.Identity = Identity{OrganizationID: s.OrganizationID, OrganizationName: s.OrganizationName, UserID: s.UserID, Username: s.Username}
			return c
		}
	}
	c.Status, c.Why = Rejected, ErrKeyGone
	return c
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

// ErrKeyPairLeft: the key pair a failed login made could not be deleted
// (a full disk); it is recorded as unused, and a prune deletes it.
var ErrKeyPairLeft = errors.New("the new key pair could not be deleted")

// discardNewKeyPair deletes the key pair a failed login made, adding
// ErrKeyPairLeft to cause when it cannot: a front end says the key pair
// was deleted only when the error is not ErrKeyPairLeft.
func (m *Manager) discardNewKeyPair(ctx context.Context, pub string, cause error) error {
	if err := m.DeleteKeyPair(ctx, pub); err != nil {
		return errors.Join(cause, &keyPairLeft{pub: pub, err: err})
	}
	return cause
}

// keyPairLeft is ErrKeyPairLeft for one key pair, and why.
type keyPairLeft struct {
	pub string
	err error
}

func (e *keyPairLeft) Error() string {
	return fmt.Sprintf("%v: %s is left (`tkauth keys prune` deletes it once it can): %v", ErrKeyPairLeft, Short(e.pub), e.err)
}

func (e *keyPairLeft) Unwrap() []error { return []error{ErrKeyPairLeft, e.err} }

// check refuses a session that is not the one asked for.
func (p sessionPlan) check(s Session, pub string) error {
	q := strconv.Quote
	switch {
	case s.PublicKey != pub:
		return fmt.Errorf("%w (bound to %s)", ErrWrongKey, Short(s.PublicKey))
	case s.OrganizationID != p.want.OrganizationID:
		return fmt.Errorf("%w: it is for organization %s, not %s; nothing was stored", ErrWrongSession, q(s.OrganizationID), q(p.want.OrganizationID))
	case s.UserID != p.want.UserID:
		return fmt.Errorf("%w: it is for user %s, not %s; nothing was stored", ErrWrongSession, q(s.UserID), q(p.want.UserID))
	case p.renews != nil && (s.Type != p.want.Type || s.SessionProfileID != p.want.SessionProfileID):
		return fmt.Errorf("%w: it is %s (profile %s), the session was %s (profile %s): a refresh never changes a session's scope; nothing was stored",
			ErrWrongSession, q(string(s.Type)), q(s.SessionProfileID), q(string(p.want.Type)), q(p.want.SessionProfileID))
	}
	return nil
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
