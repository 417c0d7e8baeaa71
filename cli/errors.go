package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// usageError marks a mistake in how tkauth was called.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// errDeclined: the user answered no to a confirmation.
var errDeclined = errors.New("cancelled; nothing was changed")

// withHint adds the way out to the errors a person can fix, for command
// (as typed after tkauth: "logout", "show").
func withHint(err error, command string) error {
	switch {
	case errors.Is(err, session.ErrNoActiveSession):
		return fmt.Errorf("%w: name one (`tkauth %s KEY`), or choose one with `tkauth switch KEY`", err, command)
	case errors.Is(err, session.ErrNotFound):
		return fmt.Errorf("%w; `tkauth list` shows the stored session keys", err)
	}
	return err
}

// flagHints are the ways out, in flags, of the errors below cli that say
// only what went wrong: what follows the message of an error of kind.
var flagHints = []struct {
	kind error
	says string
}{
	{store.ErrKeyringTimeout, ": unlock it, or use --keyring file"},
	{store.ErrKeyringLocked, ", or use --keyring file"},
	{store.ErrNoKeychain, ", or use --keyring file"},
	{store.ErrPromptDismissed, "; answer it, or use --keyring file"},
	{store.ErrNoSessionBus, "; use --keyring file"},
	{store.ErrNoCollection, ", or use --keyring file"},
	{session.ErrOtherServer, "; leave the API URL out, or give --other-api with --api-url to send it there"},
	{session.ErrUnrecordedServer, ": give --other-api with --api-url, or answer yes on a terminal"},
	{turnkey.ErrNoKeyFile, ", or name another with --api-key or --api-key-file"},
	{turnkey.ErrCaptcha, "; --org logs in from a parent organization's API key"},
	{turnkey.ErrUnknownConfig, "; --auth-proxy gives the configuration ID"},
}

// explain is err as the command line says it: its message, then the way
// out, in flags, of each error in it that needs one (flagHints, and the
// errors whose way out depends on their data); "" for nil.
func explain(err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(err.Error())
	for _, h := range flagHints {
		if errors.Is(err, h.kind) {
			b.WriteString(h.says)
		}
	}
	var (
		keys     *session.KeyStoreUnavailableError
		dir      *store.DirError
		name     *store.NameError
		keyName  *turnkey.KeyNameError
		subOrg   *turnkey.SubOrgError
		mfa      *turnkey.MFAError
		redirect *turnkey.RedirectError
		scope    *session.ScopeError
	)
	switch {
	case errors.As(err, &keys):
		b.WriteString(" (choose it with --keyring " + keys.Name + ")")
	case errors.As(err, &dir) && dir.Env == "" && dir.Tilde():
		b.WriteString(" (--home ~/x, not --home=~/x)")
	case errors.As(err, &dir) && dir.Env == "":
		b.WriteString(" (--home)")
	case errors.As(err, &name):
		b.WriteString(": give a path with --file")
	case errors.As(err, &keyName):
		b.WriteString(": use --api-key-file for a path")
	case errors.As(err, &subOrg) && len(subOrg.IDs) == 0:
		b.WriteString(", or give --sub-org")
	case errors.As(err, &subOrg):
		b.WriteString(": give --sub-org")
	case errors.As(err, &scope):
		b.WriteString("; sign it with the user's long-lived API key instead: --api-key NAME or --api-key-file FILE")
	case errors.As(err, &mfa) && mfa.Consensus:
		b.WriteString("; once they approve it, ask again, or wait for them with --wait")
	case errors.As(err, &mfa) && !mfa.Waited:
		b.WriteString("; prove them with --mfa (api-key=NAME, api-key-file=PATH, email=ADDRESS, sms=NUMBER, session=KEY), or give them elsewhere within --wait")
	case errors.As(err, &redirect) && redirect.AuthProxy:
		b.WriteString(": check --auth-proxy-url")
	case errors.As(err, &redirect):
		b.WriteString(": check --api-url")
	}
	return b.String()
}

// quiet is an error the command has already told the user: Run exits
// with its code and prints nothing more.
type quiet struct{ error }

func (q quiet) Unwrap() error { return q.error }
