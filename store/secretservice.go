//go:build !darwin && !windows

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	dbus "github.com/godbus/dbus/v5"
	"github.com/tkauth/tkauth/session"
	"github.com/zalando/go-keyring"
	ss "github.com/zalando/go-keyring/secret_service"
)

// secretService is the Secret Service's items of one service, over
// D-Bus: the keyring of Linux and the BSDs (gnome-keyring, KWallet).
// go-keyring's own calls read and delete the first item a search finds,
// whoever's it is; these count only tkauth's own (isOurs).
type secretService struct {
	service, label string
}

func (k *SystemKeys) backend() backend { return secretService{service: k.service, label: k.label} }

// The Secret Service's names tkauth uses beyond go-keyring's.
const (
	secretsName    = "org.freedesktop.secrets"
	itemInterface  = "org.freedesktop.Secret.Item"
	propertiesGet  = "org.freedesktop.DBus.Properties.Get"
	searchItems    = "org.freedesktop.Secret.Collection.SearchItems"
	createItem     = "org.freedesktop.Secret.Collection.CreateItem"
	itemAttributes = "Attributes"
)

// attributes are those tkauth gives its keyring item for pub, and
// searches by.
func (k secretService) attributes(pub string) map[string]string {
	return map[string]string{"service": k.service, "username": pub}
}

// genericSchema is the schema gnome-keyring records (as the attribute
// xdg:schema) for an item stored without one, as tkauth's are.
const genericSchema = "org.freedesktop.Secret.Generic"

// isOurs reports whether an item with attrs is tkauth's item with the
// attributes want: exactly those, and at most the generic schema the
// Secret Service adds. An item with any other attribute besides is
// another program's, whatever else it shares.
func isOurs(attrs, want map[string]string) bool {
	n := len(want)
	if schema, ok := attrs["xdg:schema"]; ok {
		if schema != genericSchema {
			return false
		}
		n++
	}
	if len(attrs) != n {
		return false
	}
	for k, v := range want {
		if got, ok := attrs[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// exactItems narrows the items a search found to tkauth's (isOurs): a
// search matches any item that has want's attributes among others, and
// such an item may be another program's (go-keyring reads and deletes the
// first one found, whoever's it is). The attributes are asked for all at
// once; reading them needs no unlock.
func exactItems(conn *dbus.Conn, paths []dbus.ObjectPath, want map[string]string) ([]dbus.ObjectPath, error) {
	calls := make([]*dbus.Call, len(paths))
	for i, p := range paths {
		calls[i] = conn.Object(secretsName, p).Go(propertiesGet, 0, nil, itemInterface, itemAttributes)
	}
	var exact []dbus.ObjectPath
	for i, c := range calls {
		<-c.Done
		var v dbus.Variant
		if err := c.Store(&v); err != nil {
			if notFound(err) {
				continue // deleted since the search
			}
			return nil, err
		}
		if attrs, ok := v.Value().(map[string]string); ok && isOurs(attrs, want) {
			exact = append(exact, paths[i])
		}
	}
	return exact, nil
}

// findExact returns tkauth's items for pub in the login collection, and
// nothing else's.
func (k secretService) findExact(svc *ss.SecretService, coll dbus.BusObject, pub string) ([]dbus.ObjectPath, error) {
	want := k.attributes(pub)
	paths, err := svc.SearchItems(coll, want)
	if err != nil {
		return nil, err
	}
	return exactItems(svc.Conn, paths, want)
}

// put stores priv as pub's private key, in a new item of tkauth's,
// after deleting the one it may replace. go-keyring asks the Secret
// Service to replace an item with the same attributes, and gnome-keyring
// then replaces another program's item that has them among others.
func (k secretService) put(_ context.Context, pub, priv string) error {
	svc, coll, err := unlockedLogin()
	if err != nil {
		return err
	}
	if err := k.deleteExact(svc, coll, pub); err != nil {
		return err
	}
	sess, err := svc.OpenSession()
	if err != nil {
		return err
	}
	defer svc.Close(sess)
	props := map[string]dbus.Variant{
		itemInterface + ".Label":      dbus.MakeVariant(k.label + pub),
		itemInterface + ".Attributes": dbus.MakeVariant(k.attributes(pub)),
	}
	var item, prompt dbus.ObjectPath
	const replace = false
	if err := coll.Call(createItem, 0, props, ss.NewSecret(sess.Path(), priv), replace).Store(&item, &prompt); err != nil {
		return err
	}
	if prompt != "/" {
		return fmt.Errorf("the Secret Service wants to show a prompt to store the key (%s): unlock the keyring first", prompt)
	}
	return nil
}

// unlockedLogin connects to the Secret Service and unlocks its login
// collection, as go-keyring does before every read or write (a prompt, if
// one can be shown, asks the user).
func unlockedLogin() (*ss.SecretService, dbus.BusObject, error) {
	svc, err := ss.NewSecretService()
	if err != nil {
		return nil, nil, err
	}
	coll := svc.GetLoginCollection()
	if err := svc.Unlock(coll.Path()); err != nil {
		return nil, nil, err
	}
	return svc, coll, nil
}

// probe unlocks the login collection, as every call that reads or writes
// a key does, and reads nothing.
func (k secretService) probe(context.Context) error {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		// godbus would otherwise try to autolaunch a bus with dbus-launch,
		// leaving a stray daemon behind.
		return ErrNoSessionBus
	}
	_, _, err := unlockedLogin()
	return err
}

// get reads pub's private key from tkauth's own item.
func (k secretService) get(_ context.Context, pub string) (string, error) {
	svc, coll, err := unlockedLogin()
	if err != nil {
		return "", err
	}
	items, err := k.findExact(svc, coll, pub)
	if err != nil {
		return "", err
	}
	if len(items) == 0 {
		return "", keyring.ErrNotFound
	}
	sess, err := svc.OpenSession()
	if err != nil {
		return "", err
	}
	defer svc.Close(sess)
	if err := svc.Unlock(items[0]); err != nil {
		return "", err
	}
	secret, err := svc.GetSecret(items[0], sess.Path())
	if err != nil {
		return "", err
	}
	return string(secret.Value), nil
}

// delete deletes every item of tkauth's for pub, and no other.
func (k secretService) delete(_ context.Context, pub string) error {
	svc, coll, err := unlockedLogin()
	if err != nil {
		return err
	}
	return k.deleteExact(svc, coll, pub)
}

// deleteExact deletes tkauth's items for pub in coll, then checks that
// none is left: a delete the Secret Service did not carry out is not
// reported done.
func (k secretService) deleteExact(svc *ss.SecretService, coll dbus.BusObject, pub string) error {
	items, err := k.findExact(svc, coll, pub)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	for _, item := range items {
		if err := svc.Delete(item); err != nil && !notFound(err) {
			return err
		}
	}
	left, err := k.findExact(svc, coll, pub)
	if err != nil {
		return err
	}
	if len(left) > 0 {
		return fmt.Errorf("the Secret Service still holds %d of tkauth's items for %s after deleting them", len(left), session.Short(pub))
	}
	return nil
}

// has sends every search on one connection before any answer is
// awaited, then asks every candidate's attributes, and reads no secret;
// neither needs an unlock, so it answers for a locked keyring too.
func (k secretService) has(_ context.Context, pubs []string) (map[string]bool, error) {
	svc, err := ss.NewSecretService()
	if err != nil {
		return nil, err
	}
	coll := svc.GetLoginCollection()
	calls := make([]*dbus.Call, len(pubs))
	for i, pub := range pubs {
		calls[i] = coll.Go(searchItems, 0, nil, k.attributes(pub))
	}
	var candidates []dbus.ObjectPath
	owner := map[dbus.ObjectPath]string{}
	for i, c := range calls {
		<-c.Done
		var paths []dbus.ObjectPath
		if err := c.Store(&paths); err != nil {
			return nil, err
		}
		for _, p := range paths {
			candidates = append(candidates, p)
			owner[p] = pubs[i]
		}
	}
	m := make(map[string]bool, len(pubs))
	for _, pub := range pubs {
		m[pub] = false
	}
	// The attributes of every candidate, at once; an item is tkauth's for
	// the public key it was searched by if it has exactly those.
	attrCalls := make([]*dbus.Call, len(candidates))
	for i, p := range candidates {
		attrCalls[i] = svc.Object(secretsName, p).Go(propertiesGet, 0, nil, itemInterface, itemAttributes)
	}
	for i, c := range attrCalls {
		<-c.Done
		var v dbus.Variant
		if err := c.Store(&v); err != nil {
			if notFound(err) {
				continue
			}
			return nil, err
		}
		pub := owner[candidates[i]]
		if attrs, ok := v.Value().(map[string]string); ok && isOurs(attrs, k.attributes(pub)) {
			m[pub] = true
		}
	}
	return m, nil
}

// notFound recognises go-keyring's not-found, and what the Secret
// Service says of an item another process deleted after the search found
// it: gnome-keyring's UnknownMethod ("No such interface" or "Object does
// not exist at path", seen in TestSystemKeysConcurrentDelete), others'
// UnknownObject or UnknownInterface.
func notFound(err error) bool {
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
			((strings.Contains(msg, "Object does not exist at path") || strings.Contains(msg, "No such interface")) &&
				strings.Contains(msg, "/org/freedesktop/secrets/collection/"))
	}
	return false
}
