package store

import (
	"context"
	"errors"
	"runtime"
	"strings"

	dbus "github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
	ss "github.com/zalando/go-keyring/secret_service"
)

// usesDBus: go-keyring reaches the keyring over D-Bus here (not on macOS,
// which has the Keychain, nor Windows, which has the Credential Manager).
var usesDBus = runtime.GOOS != "darwin" && runtime.GOOS != "windows"

// HasMany implements session.BatchKeyStore. Over D-Bus (the Secret
// Service): one connection, every search sent before any answer is
// awaited, no secret read; searching needs no unlock, so it answers for a
// locked keyring too. Elsewhere (the macOS Keychain) it asks one key at a
// time, through go-keyring.
func (k *SystemKeys) HasMany(ctx context.Context, pubs []string) (map[string]bool, error) {
	if !usesDBus {
		found := make(map[string]bool, len(pubs))
		for _, pub := range pubs {
			has, err := k.Has(ctx, pub)
			if err != nil {
				return nil, err
			}
			found[pub] = has
		}
		return found, nil
	}
	var found map[string]bool
	err := k.call(ctx, func() error {
		svc, err := ss.NewSecretService()
		if err != nil {
			return err
		}
		coll := svc.GetLoginCollection()
		calls := make([]*dbus.Call, len(pubs))
		for i, pub := range pubs {
			calls[i] = coll.Go("org.freedesktop.Secret.Collection.SearchItems", 0, nil,
				map[string]string{"service": k.service, "username": pub})
		}
		m := make(map[string]bool, len(pubs))
		for i, c := range calls {
			<-c.Done
			var paths []dbus.ObjectPath
			if err := c.Store(&paths); err != nil {
				return err
			}
			m[pubs[i]] = len(paths) > 0
		}
		found = m
		return nil
	})
	if err != nil {
		return nil, err // on a timeout, the call may still be writing found
	}
	return found, nil
}

// isNotFound recognises go-keyring's not-found, and the D-Bus error the
// Secret Service gives when an item found by a search is deleted by another
// process before this one deletes or reads it: gnome-keyring answers
// UnknownMethod, with `No such interface “org.freedesktop.Secret.Item”` or
// `Object does not exist at path “/org/freedesktop/secrets/collection/…”`
// (both seen in TestSystemKeysConcurrentDelete); other services answer
// UnknownObject or UnknownInterface.
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, keyring.ErrNotFound) {
		return true
	}
	var de dbus.Error
	if !errors.As(err, &de) {
		return false
	}
	switch de.Name {
	case "org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownInterface":
		return true
	case "org.freedesktop.DBus.Error.UnknownMethod":
		msg := de.Error()
		return strings.Contains(msg, "org.freedesktop.Secret.Item") ||
			(strings.Contains(msg, "Object does not exist at path") && strings.Contains(msg, "/org/freedesktop/secrets/collection/"))
	}
	return false
}
