package store

import (
	"context"
	"errors"

	"github.com/zalando/go-keyring"
)

// On Windows the system keyring is the Credential Manager, through
// go-keyring. tkauth does not build there yet (see the README); this keeps
// the key store's code whole for when it does.
func (k *SystemKeys) backend() backend {
	if k.test != nil {
		return k.test
	}
	return goKeyring{service: k.service}
}

type goKeyring struct{ service string }

func (g goKeyring) put(_ context.Context, user, secret string) error {
	return keyring.Set(g.service, user, secret)
}
func (g goKeyring) get(_ context.Context, user string) (string, error) {
	return keyring.Get(g.service, user)
}
func (g goKeyring) delete(_ context.Context, user string) error {
	return keyring.Delete(g.service, user)
}
func (g goKeyring) has(ctx context.Context, users []string) (map[string]bool, error) {
	m := make(map[string]bool, len(users))
	for _, u := range users {
		_, err := g.get(ctx, u)
		if err != nil && !notFound(err) {
			return nil, err
		}
		m[u] = err == nil
	}
	return m, nil
}
func (g goKeyring) probe(ctx context.Context) error {
	_, err := g.get(ctx, "tkauth-probe")
	return err
}

func (g goKeyring) check(ctx context.Context) (string, error) {
	if err := g.probe(ctx); err != nil && !notFound(err) {
		return "", err
	}
	return "the Credential Manager", nil
}

func notFound(err error) bool { return errors.Is(err, keyring.ErrNotFound) }
