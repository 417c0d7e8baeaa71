package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CredentialLogin is the credential type of a session's key on Turnkey,
// whatever login made it (stamp_login, otp_login, oauth_login).
const CredentialLogin = "CREDENTIAL_TYPE_LOGIN"

// APIKey is one of a user's API keys on Turnkey (get_api_keys).
type APIKey struct {
	ID, Name         string
	PublicKey        string
	CredentialType   string // CREDENTIAL_TYPE_...
	SessionProfileID string
	Created          time.Time
	Expiry           time.Time // created plus expirationSeconds; zero if none
}

// IsSession tells a session's key from a long-lived API key: by its
// credential type (IsSessionType), never by an expiry, which long-lived
// keys may have too.
func (k APIKey) IsSession() bool { return IsSessionType(k.CredentialType) }

// RemoteAPI is what seeing and ending a user's sessions on Turnkey takes.
type RemoteAPI interface {
	BaseURL() string
	// GetAPIKeys lists the user's API keys, signed by by.
	GetAPIKeys(ctx context.Context, by Signer, org, userID string) ([]APIKey, error)
	// DeleteAPIKeys deletes the user's API keys ids, signed by by.
	DeleteAPIKeys(ctx context.Context, by Signer, org, userID string, ids []string) error
}

// Remote is what Turnkey holds for a user: their live sessions on every
// device, and, apart, their long-lived API keys.
type Remote struct {
	API                    string
	OrganizationID, UserID string
	Sessions               []RemoteSession // oldest first
	LongLived              []APIKey
	// Signer is the public key of the key that listed them; SignerIsSession
	// says it is the session's own key pair, not a long-lived key.
	Signer          string
	SignerIsSession bool
}

// RemoteSession is a session's key on Turnkey and Here, the key of the
// session stored on this machine that holds it ("" if none).
type RemoteSession struct {
	APIKey
	Here string
}

// Remote lists the live sessions on Turnkey of s's user in s's
// organization, signed by by (s's own key pair, or the user's long-lived
// key), and marks the ones stored here. A key counts as a session only
// if its credential type is a session's and it is neither a long-lived
// key this machine knows nor by, when by is a long-lived key, whatever
// Turnkey says: those are listed as long-lived.
func (m *Manager) Remote(ctx context.Context, api RemoteAPI, s Session, by Signer) (Remote, error) {
	keys, err := api.GetAPIKeys(ctx, by, s.OrganizationID, s.UserID)
	if err != nil {
		return Remote{}, err
	}
	st, err := m.State(ctx)
	if err != nil {
		return Remote{}, err
	}
	r := Remote{API: api.BaseURL(), OrganizationID: s.OrganizationID, UserID: s.UserID,
		Signer: by.PublicKey(), SignerIsSession: strings.EqualFold(by.PublicKey(), s.PublicKey)}
	now := m.now()
	known := m.known(ctx)
	for _, k := range keys {
		switch {
		case spare(known, k, by, r.SignerIsSession) != "":
			r.LongLived = append(r.LongLived, k)
		case k.Expiry.IsZero() || now.Before(k.Expiry):
			r.Sessions = append(r.Sessions, RemoteSession{APIKey: k, Here: holder(st, s, k.PublicKey)})
		}
	}
	slices.SortStableFunc(r.Sessions, func(a, b RemoteSession) int { return a.Created.Compare(b.Created) })
	return r, nil
}

// holder is the stored session of s's user and organization on publicKey.
func holder(st *State, s Session, publicKey string) string {
	for _, k := range st.Keys() {
		o := st.Sessions[k]
		if o.OrganizationID == s.OrganizationID && o.UserID == s.UserID && strings.EqualFold(o.PublicKey, publicKey) {
			return k
		}
	}
	return ""
}

// ErrNotASession: an API key named to end is a long-lived one, which
// ending sessions never deletes.
var ErrNotASession = errors.New("tkauth never deletes a long-lived API key")

// Pick is the sessions to end: those with the IDs given, or, with
// others, every one not stored here. A long-lived key or an ID that is
// not the user's live session is refused, and nothing is picked.
func (r Remote) Pick(ids []string, others bool) ([]RemoteSession, error) {
	if others {
		var out []RemoteSession
		for _, s := range r.Sessions {
			if s.Here == "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	var out []RemoteSession
	for _, id := range ids {
		if slices.ContainsFunc(out, func(s RemoteSession) bool { return s.ID == id }) {
			continue
		}
		if i := slices.IndexFunc(r.Sessions, func(s RemoteSession) bool { return s.ID == id }); i >= 0 {
			out = append(out, r.Sessions[i])
			continue
		}
		if i := slices.IndexFunc(r.LongLived, func(k APIKey) bool { return k.ID == id }); i >= 0 {
			return nil, fmt.Errorf("%s is the long-lived API key %q, not a session, and %w; nothing was ended", id, r.LongLived[i].Name, ErrNotASession)
		}
		return nil, fmt.Errorf("%w: the user has no live session with API key ID %s on Turnkey; nothing was ended", ErrNotFound, id)
	}
	return out, nil
}

// RemoteEnd is what ending sessions did: which ended on Turnkey, which
// of those asked for are still live there (Left, and LeftWhy, Turnkey's
// answer), and the sessions stored here that held the ended ones, logged
// out as logout does.
type RemoteEnd struct {
	Ended   []RemoteSession
	Left    []RemoteSession
	LeftWhy error
	Logout  LogoutResult
}

// EndRemote deletes the keys of sessions on Turnkey in one activity,
// signed by by, then logs out here every stored session of the user on
// one of those keys (two may share one): their tokens are dead. Each key
// is checked first as Remote checks it (a session's credential type, no
// long-lived key known here, not by when by is long-lived): if one is
// not a session's, nothing is asked. When Turnkey's answer does not say
// that every key was deleted (an error, a retry that finds them gone, a
// result naming only some), the user's keys are listed again: what is no
// longer there ended, the rest is Left. Nothing is logged out for a
// session that did not end. The error is Turnkey's when nothing ended,
// else what logging out here met.
func (m *Manager) EndRemote(ctx context.Context, api RemoteAPI, r Remote, by Signer, sessions []RemoteSession) (RemoteEnd, error) {
	if len(sessions) == 0 {
		return RemoteEnd{}, nil
	}
	byIsSession := r.SignerIsSession && strings.EqualFold(by.PublicKey(), r.Signer)
	ids := make([]string, len(sessions))
	known := m.known(ctx)
	for i, s := range sessions {
		if why := spare(known, s.APIKey, by, byIsSession); why != "" {
			return RemoteEnd{}, fmt.Errorf("%w; nothing was ended", &KeptError{PublicKey: s.PublicKey, Why: why})
		}
		ids[i] = s.ID
	}
	end := RemoteEnd{Ended: sessions}
	if derr := api.DeleteAPIKeys(ctx, by, r.OrganizationID, r.UserID, ids); derr != nil {
		listed, lerr := api.GetAPIKeys(ctx, by, r.OrganizationID, r.UserID)
		if lerr != nil {
			return RemoteEnd{}, fmt.Errorf("%w; listing the keys again to see what ended failed too (%v), so whether any ended is not known: `tkauth remote` shows it", derr, lerr)
		}
		end.Ended = nil
		for _, s := range sessions {
			if slices.ContainsFunc(listed, func(k APIKey) bool { return k.ID == s.ID }) {
				end.Left = append(end.Left, s)
			} else {
				end.Ended = append(end.Ended, s)
			}
		}
		if len(end.Ended) == 0 {
			return RemoteEnd{}, derr
		}
		if len(end.Left) > 0 {
			end.LeftWhy = derr
		}
	}
	return m.logoutEnded(ctx, r, end)
}

// logoutEnded logs out here every stored session of r's user on a key in
// end.Ended.
func (m *Manager) logoutEnded(ctx context.Context, r Remote, end RemoteEnd) (RemoteEnd, error) {
	st, err := m.State(ctx)
	if err != nil {
		return end, err
	}
	var here []string
	for _, k := range st.Keys() {
		o := st.Sessions[k]
		if o.OrganizationID == r.OrganizationID && o.UserID == r.UserID && slices.ContainsFunc(end.Ended, func(s RemoteSession) bool { return strings.EqualFold(s.PublicKey, o.PublicKey) }) {
			here = append(here, k)
		}
	}
	if len(here) == 0 {
		return end, nil
	}
	end.Logout, err = m.Logout(ctx, here...)
	if errors.Is(err, ErrNotFound) {
		err = nil // logged out meanwhile: what was asked is done
	}
	return end, err
}
