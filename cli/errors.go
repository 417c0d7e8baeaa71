package cli

import (
	"errors"
	"fmt"

	"github.com/tkauth/tkauth/session"
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

// quiet is an error the command has already told the user: Run exits
// with its code and prints nothing more.
type quiet struct{ error }

func (q quiet) Unwrap() error { return q.error }
