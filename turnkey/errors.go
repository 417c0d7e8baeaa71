package turnkey

import (
	"errors"
	"fmt"

	"github.com/tkauth/tkauth/internal/escape"
)

// Errors whose way out each front end says in its own terms: they carry
// the fact and the data, never a flag.

// ErrNoKeyFile: there is no API key file where one was looked for.
var ErrNoKeyFile = errors.New("no API key")

// KeyNameError: an API key's name holds a path separator, or is . or ..
type KeyNameError struct{ Name string }

func (e *KeyNameError) Error() string { return fmt.Sprintf("API key name %q is not a name", e.Name) }

// SubOrgError: code login could not tell the user's sub-organization:
// no sub-organization of Parent has a user who verified Contact, or more
// than one has (IDs).
type SubOrgError struct {
	Parent, Contact string
	IDs             []string
}

func (e *SubOrgError) Error() string {
	if len(e.IDs) == 0 {
		return fmt.Sprintf("no sub-organization of %s has a user who verified %s: sign them up first", escape.Clean(e.Parent), escape.Clean(e.Contact))
	}
	return fmt.Sprintf("%d sub-organizations of %s have a user who verified %s (%s)", len(e.IDs), escape.Clean(e.Parent), escape.Clean(e.Contact), escape.Join(e.IDs))
}

// RedirectError: the API, or the Auth Proxy, answered with a redirect,
// which tkauth does not follow: requests go only where the user named.
type RedirectError struct {
	Status    int
	Location  string
	AuthProxy bool // the Auth Proxy answered, not the API
}

func (e *RedirectError) Error() string {
	if e.AuthProxy {
		return fmt.Sprintf("the Auth Proxy answered %d, a redirect to %s, which tkauth does not follow", e.Status, escape.Clean(e.Location))
	}
	return fmt.Sprintf("the server answered %d, a redirect to %s, which tkauth does not follow with a signed request", e.Status, escape.Clean(e.Location))
}
