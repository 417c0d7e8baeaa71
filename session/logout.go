package session

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Pick says which sessions a command acts on: the one stored under Key,
// every session (All), every expired one (Expired), or, as the zero Pick,
// the active one, as Turnkey's logout does when given no key.
type Pick struct {
	Key     string
	All     bool
	Expired bool
}

// ErrAmbiguousPick: a Pick names more than one of a key, all sessions and
// the expired ones.
var ErrAmbiguousPick = errors.New("pick one of a session key, all sessions or the expired ones")

// Targets returns the keys, in order, of the sessions p picks in st at
// now: the one place that decides what a logout (or show, or refresh) is
// about; the front ends confirm it and hand exactly that to Logout. An
// unknown Key is ErrNotFound; no active session is ErrNoActiveSession; All
// with nothing stored, or Expired with none expired, is no keys.
func Targets(st *State, p Pick, now time.Time) ([]string, error) {
	switch {
	case (p.Key != "" && (p.All || p.Expired)) || (p.All && p.Expired):
		return nil, ErrAmbiguousPick
	case p.All:
		return st.Keys(), nil
	case p.Expired:
		var keys []string
		for _, k := range st.Keys() {
			if st.Sessions[k].Expired(now) {
				keys = append(keys, k)
			}
		}
		return keys, nil
	case p.Key != "":
		if _, ok := st.Sessions[p.Key]; !ok {
			return nil, notFoundIn(st, p.Key)
		}
		return []string{p.Key}, nil
	case st.Active == "":
		return nil, ErrNoActiveSession
	}
	return []string{st.Active}, nil
}

// KeptKeyPair is a key pair a logout left in place because other sessions
// still use it.
type KeptKeyPair struct {
	PublicKey string
	UsedBy    []string // session keys
}

// LogoutResult is what a logout removed and what it kept.
type LogoutResult struct {
	Sessions        []string // session keys removed
	ClearedActive   bool     // the active pointer pointed at one of them
	DeletedKeyPairs []string // private keys deleted from the key store
	KeptKeyPairs    []KeptKeyPair
	// Unmanaged are key pairs tkauth did not create (the session was
	// imported): tkauth never deletes those.
	Unmanaged []string
	// Gone are sessions asked for that were no longer stored when the
	// logout ran: another process logged them out first.
	Gone []string
	// Pending are key pairs of the logged-out sessions whose key store did
	// not answer in time: the delete may still happen, so they stay listed
	// as being deleted, and the next ClearUnusedKeyPairs finishes it.
	Pending []string
	// Unrecorded: everything was done, but the store could not record the
	// last step; the key pairs concerned stay listed as being deleted
	// until a prune.
	Unrecorded error
	// Revoked says, for RevokeAndLogout, what revoking each session's key
	// on Turnkey came to.
	Revoked []Revocation
}

// Logout logs out exactly the sessions stored under keys, as Turnkey's
// logout does for each: the session is removed, the active pointer cleared
// if it pointed at one (no other is promoted), and each key pair deleted
// unless a session that stays uses it. A key no longer stored is reported
// in Gone; if none is, the error wraps ErrNotFound. If a key store refuses
// a delete, the sessions on that key pair are put back and the error says
// why: nothing is half-done.
func (m *Manager) Logout(ctx context.Context, keys ...string) (LogoutResult, error) {
	var res LogoutResult
	err := m.store.Update(ctx, func(st *State, commit Commit) error {
		res = LogoutResult{}
		var here []string
		seen := make(map[string]bool, len(keys))
		for _, k := range keys {
			switch {
			case seen[k]:
				continue
			case st.Sessions[k] != nil:
				here = append(here, k)
			default:
				res.Gone = append(res.Gone, k)
			}
			seen[k] = true
		}
		if len(here) == 0 {
			if len(res.Gone) == 0 {
				return nil
			}
			return notFound(res.Gone...)
		}
		return m.remove(ctx, st, commit, here, &res)
	})
	return res, err
}

// remove logs out the sessions under keys (all stored), in three durable
// steps under the caller's lock: (1) write the state without them, their
// key pairs marked Deleting; (2) delete those private keys; (3) write the
// state without the deleted key pairs. A crash between steps leaves a
// state that loads, and a prune finishes. It reports what is on disk: a
// refused delete puts its sessions back; an unanswered one may yet happen,
// so its key pair stays marked (res.Pending); if step 3 cannot be written,
// steps 1 and 2 stand (res.Unrecorded, or sessions left logged out).
func (m *Manager) remove(ctx context.Context, st *State, commit Commit, keys []string, res *LogoutResult) error {
	plan := PlanLogout(st, keys)
	res.KeptKeyPairs, res.Unmanaged = plan.Kept, plan.Unmanaged
	removed := make(map[string]*Session, len(keys))
	for _, k := range keys {
		removed[k] = st.Sessions[k]
		delete(st.Sessions, k)
	}
	activeBefore, previousBefore := st.Active, st.Previous
	if _, ok := removed[st.Active]; ok {
		st.Active = ""
	}
	if _, ok := removed[st.Previous]; ok {
		st.Previous = ""
	}
	markDeleting(st, plan.Delete)
	if err := commit(); err != nil {
		return fmt.Errorf("%w; nothing was logged out", err)
	}

	out := m.deleteKeys(ctx, st, plan.Delete)
	res.DeletedKeyPairs = out.deleted
	// Put back the sessions whose key pair is still there, so that what
	// is listed is what can still be used.
	var putBack []string
	for _, k := range keys {
		if _, ok := out.refused[removed[k].PublicKey]; ok {
			st.Sessions[k] = removed[k]
			if activeBefore == k {
				st.Active = k
			}
			if previousBefore == k {
				st.Previous = k
			}
			putBack = append(putBack, k)
		}
	}
	var errs []error
	if cerr := commit(); cerr != nil {
		if len(putBack) == 0 {
			res.Unrecorded = unrecorded(cerr)
		} else {
			// On disk, step 1 stands: every session is logged out, every
			// key pair marked as being deleted.
			maps.Copy(out.pending, out.refused)
			out.refused = nil
			putBack = nil
			st.Active, st.Previous = "", ""
			if _, ok := removed[activeBefore]; !ok {
				st.Active = activeBefore
			}
			if _, ok := removed[previousBefore]; !ok {
				st.Previous = previousBefore
			}
			errs = append(errs, fmt.Errorf("the store could not put back the sessions whose key pairs were not deleted (%w): they stay logged out, their key pairs listed as being deleted until a prune", cerr))
		}
	}
	for _, k := range putBack {
		errs = append(errs, fmt.Errorf("session %s was not logged out: %w", strconv.Quote(k), out.refused[removed[k].PublicKey]))
	}
	for _, k := range keys {
		if !slices.Contains(putBack, k) {
			res.Sessions = append(res.Sessions, k)
		}
	}
	res.Pending = slices.Sorted(maps.Keys(out.pending))
	errs = append(errs, values(out.pending)...)
	res.ClearedActive = activeBefore != "" && st.Active == ""
	return errors.Join(errs...)
}

// LogoutPlan is what logging out some sessions would do to their key pairs.
type LogoutPlan struct {
	Delete    []string      // tkauth's key pairs no remaining session uses
	Kept      []KeptKeyPair // key pairs other sessions still use
	Unmanaged []string      // key pairs tkauth did not create: left alone
}

// PlanLogout says, without changing st, what logging out the sessions
// under keys would do to their key pairs. Logout does exactly this, and a
// confirmation can show it beforehand.
func PlanLogout(st *State, keys []string) LogoutPlan {
	leaving := make(map[string]bool, len(keys))
	for _, k := range keys {
		leaving[k] = true
	}
	var plan LogoutPlan
	seen := map[string]bool{}
	usersOf := st.UsersByKeyPair()
	for _, k := range keys {
		s, ok := st.Sessions[k]
		if !ok || seen[s.PublicKey] {
			continue
		}
		seen[s.PublicKey] = true
		var users []string
		for _, u := range usersOf[s.PublicKey] {
			if !leaving[u] {
				users = append(users, u)
			}
		}
		switch {
		case len(users) > 0:
			plan.Kept = append(plan.Kept, KeptKeyPair{PublicKey: s.PublicKey, UsedBy: users})
		case st.KeyPairs[s.PublicKey].PublicKey != "": // one of tkauth's
			plan.Delete = append(plan.Delete, s.PublicKey)
		default:
			plan.Unmanaged = append(plan.Unmanaged, s.PublicKey)
		}
	}
	return plan
}

// Revocation is what revoking one session's key on Turnkey came to.
type Revocation struct {
	Key string
	API string // the Turnkey API asked, "" if none was
	// AlreadyGone: Turnkey had no such key (revoked before, or expired and
	// evicted), which counts as revoked.
	AlreadyGone bool
	// Err says why revoking failed; the session was then logged out only
	// if forced.
	Err error
}

// RevokeError says that revoking a session's key on Turnkey failed, so
// that session was not logged out here either.
type RevokeError struct {
	Key string
	Err error
}

func (e *RevokeError) Error() string {
	return fmt.Sprintf("revoking %s on Turnkey failed, so it was not logged out here either: %v", strconv.Quote(e.Key), e.Err)
}

func (e *RevokeError) Unwrap() error { return e.Err }

// RevokeTargets returns keys and every other session stored on the same
// key pairs, in order: revoking a key pair on Turnkey ends every session
// bound to it, so a confirmation names them all and all are logged out.
func RevokeTargets(st *State, keys []string) []string {
	pubs := map[string]bool{}
	for _, k := range keys {
		if s, ok := st.Sessions[k]; ok {
			pubs[s.PublicKey] = true
		}
	}
	out := slices.Clone(keys)
	for _, k := range st.Keys() {
		if pubs[st.Sessions[k].PublicKey] && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// RevokeAndLogout revokes on Turnkey the key of each session under keys
// and of every session sharing its key pair (RevokeTargets), each key pair
// once, signed by by (a long-lived API key) or, if nil, by each session's
// own key, each at the session's own API (sv); then it logs out those
// revoked, or all if force. A key Turnkey no longer has counts as revoked.
// A session whose revocation failed stays, unless force, so that it can
// sign another try (a *RevokeError). res.Revoked says what each came to.
func (m *Manager) RevokeAndLogout(ctx context.Context, sv Servers, by Signer, force bool, keys ...string) (LogoutResult, error) {
	st, err := m.store.Load(ctx)
	if err != nil {
		return LogoutResult{}, err
	}
	keys = RevokeTargets(st, keys)
	outcome := map[string]Revocation{} // by public key
	var revoked []Revocation
	var keep []string
	var errs []error
	for _, k := range keys {
		s, ok := st.Sessions[k]
		if !ok {
			keep = append(keep, k) // gone: Logout reports it
			continue
		}
		r, done := outcome[s.PublicKey]
		if !done {
			api, err := m.revoke(ctx, sv, by, k)
			r.API = api
			switch {
			case errors.Is(err, ErrKeyNotOnTurnkey):
				r.AlreadyGone = true
			case err != nil:
				r.Err = err
			}
			outcome[s.PublicKey] = r
		}
		r.Key = k
		revoked = append(revoked, r)
		if r.Err != nil && !force {
			errs = append(errs, &RevokeError{Key: k, Err: r.Err})
			continue
		}
		keep = append(keep, k)
	}
	var res LogoutResult
	if len(keep) > 0 {
		var err error
		res, err = m.Logout(ctx, keep...)
		errs = append(errs, err)
	}
	res.Revoked = revoked
	return res, errors.Join(errs...)
}

// ErrKeyNotOnTurnkey: the user has no API key with that public key on
// Turnkey (the session was already revoked, or expired and was evicted).
// A TurnkeyAPI's RevokeSessionKey returns it, wrapped or not.
var ErrKeyNotOnTurnkey = errors.New("the user has no API key on Turnkey with that public key")

func notFound(keys ...string) error {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = strconv.Quote(k)
	}
	slices.Sort(quoted)
	return fmt.Errorf("%w: no session with key %s", ErrNotFound, strings.Join(quoted, ", "))
}

// notFoundIn is notFound for key, with the stored keys nearest to it.
func notFoundIn(st *State, key string) error {
	err := notFound(key)
	if near := Nearest(st, key); len(near) > 0 {
		quoted := make([]string, len(near))
		for i, k := range near {
			quoted[i] = strconv.Quote(k)
		}
		err = fmt.Errorf("%w; did you mean %s?", err, strings.Join(quoted, " or "))
	}
	return err
}

// Nearest returns the stored session keys most like key, for a "did you
// mean" (NearestOf).
func Nearest(st *State, key string) []string { return NearestOf(st.Keys(), key) }

// NearestOf returns the words most like key, for a "did you mean": those
// within a few edits of it (fewer for a short key), or that contain it or
// it contains, nearest first, at most three.
func NearestOf(words []string, key string) []string {
	type cand struct {
		key  string
		dist int
	}
	k := strings.ToLower(key)
	limit := max(1, min(3, utf8.RuneCountInString(key)/3))
	var cands []cand
	for _, s := range words {
		l := strings.ToLower(s)
		d := editDistance(k, l)
		switch {
		case d <= limit:
		case len(k) >= 3 && (strings.Contains(l, k) || strings.Contains(k, l)):
			d = limit + 1
		default:
			continue
		}
		cands = append(cands, cand{s, d})
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return a.dist - b.dist })
	var out []string
	for _, c := range cands[:min(3, len(cands))] {
		out = append(out, c.key)
	}
	return out
}

// editDistance is the number of insertions, deletions, substitutions and
// swaps of two neighbours (the typo "wrok") that turn a into b, in runes:
// the optimal string alignment distance.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
