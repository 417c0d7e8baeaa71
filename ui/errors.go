package ui

import (
	"errors"
	"strconv"

	"github.com/tkauth/tkauth/session"
)

// describe is err as the TUI says it: its message, which names no flag,
// then the way out the TUI knows for the errors that need one.
func describe(err error) string {
	msg := err.Error()
	var ks *session.KeyStoreUnavailableError
	var scope *session.ScopeError
	switch {
	case errors.As(err, &scope):
		msg += "; signed by the user's long-lived API key instead, it may go through: the command line's refresh, status, logout and remote can sign with it"
	case errors.As(err, &ks):
		msg += "; quit, and start tkauth with the " + strconv.Quote(ks.Name) + " key store to reach it"
	case errors.Is(err, session.ErrOtherServer):
		msg += "; quit, and start tkauth without an API URL to send it where it was logged in"
	case errors.Is(err, session.ErrUnrecordedServer):
		msg += "; quit, and start tkauth without an API URL to send it to Turnkey's own"
	case errors.Is(err, session.ErrNoAnswer):
		msg += "; unlock it, then try again"
	}
	return msg
}
