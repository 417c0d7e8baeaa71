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

// remedies are the ways out the command line offers, in its flags, for
// the errors below it that carry only the fact: each says, for err, what
// follows its message ("" if it is not one it knows).
var remedies = []func(err error) string{
	func(err error) string {
		if errors.Is(err, store.ErrKeyringTimeout) {
			return ": unlock it, or use --keyring file"
		}
		return ""
	},
	func(err error) string {
		if errors.Is(err, store.ErrKeyringLocked) || errors.Is(err, store.ErrNoKeychain) {
			return ", or use --keyring file"
		}
		return ""
	},
	func(err error) string {
		if e := (*session.KeyStoreUnavailableError)(nil); errors.As(err, &e) {
			return " (choose it with --keyring " + e.Name + ")"
		}
		return ""
	},
	func(err error) string {
		if errors.Is(err, session.ErrOtherServer) {
			return "; leave the API URL out, or give --other-api with --api-url to send it there"
		}
		return ""
	},
	func(err error) string {
		if errors.Is(err, session.ErrUnrecordedServer) {
			return ": give --other-api with --api-url, or answer yes on a terminal"
		}
		return ""
	},
	func(err error) string {
		if e := (*store.DirError)(nil); errors.As(err, &e) && e.Env == "" {
			if e.Tilde() {
				return " (--home ~/x, not --home=~/x)"
			}
			return " (--home)"
		}
		return ""
	},
	func(err error) string {
		if e := (*store.NameError)(nil); errors.As(err, &e) {
			return ": give a path with --file"
		}
		return ""
	},
	func(err error) string {
		if e := (*turnkey.KeyNameError)(nil); errors.As(err, &e) {
			return ": use --api-key-file for a path"
		}
		return ""
	},
	func(err error) string {
		if errors.Is(err, turnkey.ErrNoKeyFile) {
			return ", or name another with --api-key or --api-key-file"
		}
		return ""
	},
	func(err error) string {
		if e := (*turnkey.SubOrgError)(nil); errors.As(err, &e) {
			if len(e.IDs) == 0 {
				return ", or give --sub-org"
			}
			return ": give --sub-org"
		}
		return ""
	},
	func(err error) string {
		if e := (*turnkey.MFAError)(nil); errors.As(err, &e) && !e.Waited {
			return "; satisfy them elsewhere within --wait, or approve the activity there"
		}
		return ""
	},
	func(err error) string {
		if e := (*turnkey.RedirectError)(nil); errors.As(err, &e) {
			if e.AuthProxy {
				return ": check --auth-proxy-url"
			}
			return ": check --api-url"
		}
		return ""
	},
	func(err error) string {
		if errors.Is(err, turnkey.ErrCaptcha) {
			return "; --org logs in from a parent organization's API key"
		}
		return ""
	},
	func(err error) string {
		if errors.Is(err, turnkey.ErrUnknownConfig) {
			return "; --auth-proxy gives the configuration ID"
		}
		return ""
	},
}

// explain is err as the command line says it: its message, then the way
// out, in flags, of each error in it that needs one; "" for nil.
func explain(err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(err.Error())
	for _, remedy := range remedies {
		b.WriteString(remedy(err))
	}
	return b.String()
}

// quiet is an error the command has already told the user: Run exits
// with its code and prints nothing more.
type quiet struct{ error }

func (q quiet) Unwrap() error { return q.error }
