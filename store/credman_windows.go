package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/danieljoos/wincred"
	"golang.org/x/sys/windows"
)

// On Windows the system keyring is the Credential Manager: a generic
// credential a key, its target "<service>:<user>", its user name the user
// and its comment the label. Only an item with all three is tkauth's: one
// another program made under the same target is neither read, nor
// deleted, nor replaced. Items persist on this machine only
// (CRED_PERSIST_LOCAL_MACHINE): private keys do not roam with a profile.
func (k *SystemKeys) backend() backend {
	if k.test != nil {
		return k.test
	}
	return credManager{service: k.service, comment: strings.TrimSpace(k.label)}
}

type credManager struct {
	service, comment string
}

// maxCredentialBlob is the Credential Manager's limit on a secret
// (CRED_MAX_CREDENTIAL_BLOB_SIZE, wincred.h).
const maxCredentialBlob = 5 * 512

// ErrSecretTooLarge: the secret is over what the Credential Manager keeps.
var ErrSecretTooLarge = errors.New("the Windows Credential Manager keeps at most 2,560 bytes a secret")

// errNotOurs stands for a missing item: the item at the target is another
// program's.
var errNotOurs = errors.New("no item of tkauth's")

func (c credManager) target(user string) string { return c.service + ":" + user }

// ours reports whether cred is tkauth's item for user.
func (c credManager) ours(cred *wincred.Credential, user string) bool {
	return cred.TargetName == c.target(user) && cred.UserName == user && cred.Comment == c.comment
}

// read returns tkauth's item for user: errNotOurs if there is none.
func (c credManager) read(user string) (*wincred.GenericCredential, error) {
	cred, err := wincred.GetGenericCredential(c.target(user))
	switch {
	case errors.Is(err, windows.ERROR_NOT_FOUND):
		return nil, errNotOurs
	case err != nil:
		return nil, credError(err)
	case !c.ours(&cred.Credential, user):
		return nil, errNotOurs
	}
	return cred, nil
}

func (c credManager) put(_ context.Context, user, secret string) error {
	if len(secret) > maxCredentialBlob {
		return fmt.Errorf("%w, and this one is %d bytes", ErrSecretTooLarge, len(secret))
	}
	existing, err := wincred.GetGenericCredential(c.target(user))
	if err == nil && !c.ours(&existing.Credential, user) {
		return fmt.Errorf("the Windows Credential Manager holds an item of another program's under %s; tkauth leaves it as it is", c.target(user))
	}
	if err != nil && !errors.Is(err, windows.ERROR_NOT_FOUND) {
		return credError(err)
	}
	cred := wincred.NewGenericCredential(c.target(user))
	cred.UserName, cred.Comment, cred.CredentialBlob = user, c.comment, []byte(secret)
	cred.Persist = wincred.PersistLocalMachine
	return credError(cred.Write())
}

func (c credManager) get(_ context.Context, user string) (string, error) {
	cred, err := c.read(user)
	if err != nil {
		return "", err
	}
	return string(cred.CredentialBlob), nil
}

func (c credManager) delete(_ context.Context, user string) error {
	cred, err := c.read(user)
	if err != nil {
		return err
	}
	err = cred.Delete()
	if errors.Is(err, windows.ERROR_NOT_FOUND) {
		return errNotOurs
	}
	return credError(err)
}

// has reads each user's item: the Credential Manager has no call that
// lists items without their secrets, and CredEnumerate, which returns
// every item of the service with its secret, races with writers under
// Wine (its buffer is sized, then filled, apart).
func (c credManager) has(_ context.Context, users []string) (map[string]bool, error) {
	m := make(map[string]bool, len(users))
	for _, u := range users {
		cred, err := c.read(u)
		if err != nil && !errors.Is(err, errNotOurs) {
			return nil, err
		}
		if cred != nil {
			clear(cred.CredentialBlob)
		}
		m[u] = err == nil
	}
	return m, nil
}

// probe reads an item that is never there: the Credential Manager
// answers, or says why not.
func (c credManager) probe(context.Context) error {
	_, err := wincred.GetGenericCredential(c.target("tkauth-probe"))
	if err != nil && !errors.Is(err, windows.ERROR_NOT_FOUND) {
		return credError(err)
	}
	return nil
}

// check is probe: the Credential Manager asks nothing and refuses no new
// item where it answers a read, so reading is what auto needs to know.
func (c credManager) check(ctx context.Context) (string, error) {
	return "the Credential Manager", c.probe(ctx)
}

// credError says in words why the Credential Manager cannot be used.
func credError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_NO_SUCH_LOGON_SESSION):
		return fmt.Errorf("the Windows Credential Manager is not available to this logon (a service, or a network logon such as SSH with a key): %w", err)
	}
	return fmt.Errorf("the Windows Credential Manager: %w", err)
}

func notFound(err error) bool { return errors.Is(err, errNotOurs) }
