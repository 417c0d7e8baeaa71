package cli

import (
	"context"
	"fmt"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// inUse is a session ready to do work, for exec, env, api and stamp: not
// expired, its P-256 key pair at hand, and the API it belongs to.
type inUse struct {
	session session.Session
	key     session.P256Key
	api     session.TurnkeyAPI
}

// useSession resolves key (or the active session) to a session that can
// sign now, for command: not expired (an error says so, and how to renew
// it), its key pair in its key store; it warns on stderr when the session
// is in its last minute. Requests go to the session's own API (servers).
func useSession(ctx context.Context, ios *IOStreams, open func(context.Context) (*Env, error), servers func() (session.Servers, error), key, command string) (*inUse, error) {
	sv, err := servers()
	if err != nil {
		return nil, err
	}
	env, st, err := openState(ctx, open)
	if err != nil {
		return nil, err
	}
	if key, err = keyOrActive(st, key, command); err != nil {
		return nil, err
	}
	s := *st.Sessions[key]
	now := env.Manager.Now()
	name := escape.Clean(key)
	if s.Expired(now) {
		return nil, fmt.Errorf("session %s %s: Turnkey refuses it, and an expired session cannot be refreshed; `tkauth login` makes a new one", name, text.Expiry(now, s.Expiry))
	}
	signer, err := env.Manager.Signer(ctx, s.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("session %s cannot be used: %w", name, err)
	}
	k, ok := signer.(session.P256Key)
	if !ok {
		return nil, fmt.Errorf("session %s: its key pair is not a P-256 key", name)
	}
	api, err := sv.For(s)
	if err != nil {
		return nil, err
	}
	if s.InLastMinute(now) {
		ios.warn("session %s %s: `tkauth refresh` renews it", name, text.Expiry(now, s.Expiry))
	}
	return &inUse{session: s, key: k, api: api}, nil
}

// envVar is one variable exec and env hand out.
type envVar struct{ name, value string }

// vars are the variables that let a program use the session: those
// Turnkey's own examples read, the same under a TURNKEY_ prefix, the
// user's ID, and the session's key. Never a long-lived API key: only the
// session's own key pair.
func (u *inUse) vars() ([]envVar, error) {
	priv, err := session.EncodePrivateKey(u.key.Private)
	if err != nil {
		return nil, err
	}
	s := u.session
	var out []envVar
	for _, prefix := range []string{"", "TURNKEY_"} {
		out = append(out,
			envVar{prefix + "API_PUBLIC_KEY", u.key.Public},
			envVar{prefix + "API_PRIVATE_KEY", priv},
			envVar{prefix + "BASE_URL", u.api.BaseURL()},
			envVar{prefix + "ORGANIZATION_ID", s.OrganizationID},
		)
	}
	out = append(out, envVar{"TURNKEY_USER_ID", s.UserID})
	if s.Key == "" { // exec --login's: a session of the command's own, not stored
		return append(out, envVar{oneShotEnv, u.key.Public}), nil
	}
	return append(out, envVar{sessionEnv, s.Key}), nil
}

// sessionEnv names the variable exec sets to the session's key: a
// program (and a nested tkauth exec) can tell which session it runs as.
const sessionEnv = "TKAUTH_SESSION"

// oneShotEnv names the variable exec --login sets, in place of
// sessionEnv, to the public key of the session it made for its command
// alone: tkauth commands inside refuse to act as a stored session in its
// place.
const oneShotEnv = "TKAUTH_EXEC_LOGIN"
