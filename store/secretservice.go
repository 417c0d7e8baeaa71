//go:build !darwin && !windows

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	dbus "github.com/godbus/dbus/v5"
	"github.com/tkauth/tkauth/session"
)

// secretService is the Secret Service's items of one service, over
// D-Bus: the keyring of Linux and the BSDs (gnome-keyring, KeePassXC,
// KWallet). Every call has a connection of its own, closed when the call
// ends or its context does, on the session bus named by
// DBUS_SESSION_BUS_ADDRESS and no other: a bus is never autolaunched.
// Only tkauth's own items count (isOurs); prompts are performed
// (promptFor).
type secretService struct {
	service, label string
	// name is the Secret Service's bus name: secretsName outside tests.
	name string
}

func (k *SystemKeys) backend() backend {
	if k.test != nil {
		return k.test
	}
	return secretService{service: k.service, label: k.label, name: secretsName}
}

// The Secret Service's names tkauth uses.
const (
	secretsName         = "org.freedesktop.secrets"
	secretsPath         = "/org/freedesktop/secrets"
	serviceInterface    = "org.freedesktop.Secret.Service"
	collectionInterface = "org.freedesktop.Secret.Collection"
	itemInterface       = "org.freedesktop.Secret.Item"
	promptInterface     = "org.freedesktop.Secret.Prompt"
	propertiesGet       = "org.freedesktop.DBus.Properties.Get"
	searchItems         = collectionInterface + ".SearchItems"
	createItem          = collectionInterface + ".CreateItem"
	itemAttributes      = "Attributes"
)

// tkauthSchema marks the items tkauth makes (as the attribute
// xdg:schema, where libsecret keeps an item's schema): with it an item is
// recognised as tkauth's whatever attributes the Secret Service adds
// beside tkauth's (KeePassXC adds Title, UserName, URL, Notes, Path and
// Uuid).
const tkauthSchema = "io.github.tkauth.PrivateKey"

// attributes are those tkauth searches its keyring items by, for pub.
func (k secretService) attributes(pub string) map[string]string {
	return map[string]string{"service": k.service, "username": pub}
}

// newAttributes are those tkauth gives a new item: attributes and the
// schema that marks it as tkauth's.
func (k secretService) newAttributes(pub string) map[string]string {
	a := k.attributes(pub)
	a["xdg:schema"] = tkauthSchema
	return a
}

// genericSchema is the schema gnome-keyring records (as the attribute
// xdg:schema) for an item stored without one, as tkauth's were before it
// set its own.
const genericSchema = "org.freedesktop.Secret.Generic"

// isOurs reports whether an item with attrs is tkauth's item with the
// attributes want: want's all there with their values, and either
// tkauth's schema, whatever the Secret Service adds beside, or (an item
// from before tkauth set a schema) exactly want and at most the generic
// schema. Another program's item that shares want's attributes has
// neither, and is left alone.
func isOurs(attrs, want map[string]string) bool {
	for k, v := range want {
		if got, ok := attrs[k]; !ok || got != v {
			return false
		}
	}
	schema, hasSchema := attrs["xdg:schema"]
	switch {
	case schema == tkauthSchema:
		return true
	case hasSchema && schema != genericSchema:
		return false
	case hasSchema:
		return len(attrs) == len(want)+1
	}
	return len(attrs) == len(want)
}

// secretsConn is one call's connection to the Secret Service.
type secretsConn struct {
	*dbus.Conn
	name string // the Secret Service's bus name

	mu    sync.Mutex
	shown dbus.ObjectPath // the prompt being shown (prompting)
}

// connect opens a connection of the call's own to the session bus that
// DBUS_SESSION_BUS_ADDRESS names, closed when ctx ends. With no address,
// or an autolaunch: one, it is ErrNoSessionBus: godbus would otherwise run
// dbus-launch, which leaves a bus (and a keyring it activates) running
// after tkauth exits.
func (k secretService) connect(ctx context.Context) (*secretsConn, func(), error) {
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if addr == "" || strings.Contains(addr, "autolaunch:") {
		return nil, nil, ErrNoSessionBus
	}
	// Not dbus.WithContext(ctx): that closes the connection as ctx ends,
	// before a prompt still shown can be dismissed.
	conn, err := dbus.Connect(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to the D-Bus session bus: %w", err)
	}
	c := &secretsConn{Conn: conn, name: k.name}
	// When the call ends, or ctx does first, a prompt still shown is
	// dismissed and the connection closed, so that a call waiting on it
	// ends too.
	finish := sync.OnceFunc(func() { c.dismiss(); conn.Close() })
	stop := context.AfterFunc(ctx, finish)
	return c, func() { stop(); finish() }, nil
}

func (c *secretsConn) obj(p dbus.ObjectPath) dbus.BusObject { return c.Object(c.name, p) }

// keyringName names the Secret Service for the user: the program that
// serves it (gnome-keyring-daemon, keepassxc, kwalletd5), where the system
// says so.
func (c *secretsConn) keyringName() string {
	if p := c.program(); p != "" {
		return "the Secret Service (" + p + ")"
	}
	return "the Secret Service"
}

// program is the name of the program that serves the Secret Service, as
// it was started (its command line's first word, whole, where comm cuts
// gnome-keyring-daemon to 15 bytes); "" where the system does not say.
func (c *secretsConn) program() string {
	var pid uint32
	if err := c.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, c.name).Store(&pid); err != nil {
		return ""
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
		argv0, _, _ := strings.Cut(string(b), "\x00")
		if name := clean(filepath.Base(argv0)); argv0 != "" && name != "" {
			return name
		}
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil {
		return clean(strings.TrimSpace(string(b)))
	}
	return ""
}

// unlockHow says how to unlock the keyring that program serves.
func unlockHow(program string) string {
	switch {
	case strings.HasPrefix(program, "gnome-keyring"):
		return "log in to the desktop, or run gnome-keyring-daemon --unlock"
	case strings.HasPrefix(program, "keepassxc"):
		return "open and unlock the database in KeePassXC"
	case strings.HasPrefix(program, "kwalletd"), strings.HasPrefix(program, "ksecretd"):
		return "open the wallet: log in to the desktop, or open it in KWalletManager"
	}
	return "unlock it in the program that serves it, or log in to the desktop"
}

// openSession opens a plain session, the secret travelling unencrypted
// over the private bus as it does with go-keyring.
func (c *secretsConn) openSession() (dbus.ObjectPath, error) {
	var out dbus.Variant
	var sess dbus.ObjectPath
	err := c.obj(secretsPath).Call(serviceInterface+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &sess)
	return sess, err
}

func (c *secretsConn) closeSession(sess dbus.ObjectPath) {
	c.obj(sess).Call("org.freedesktop.Secret.Session.Close", 0)
}

// secret is the Secret Service's Secret struct.
type secret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// unlock unlocks the objects (a collection, an item), performing the
// prompt the Secret Service may answer with.
func (c *secretsConn) unlock(ctx context.Context, what string, paths ...dbus.ObjectPath) error {
	var unlocked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := c.obj(secretsPath).Call(serviceInterface+".Unlock", 0, paths).Store(&unlocked, &prompt); err != nil {
		return err
	}
	if prompt == "/" {
		if len(unlocked) < len(paths) {
			return c.locked(what)
		}
		return nil
	}
	result, err := c.prompt(ctx, prompt, what)
	if errors.Is(err, ErrPromptDismissed) {
		// gnome-keyring's unlock prompt with no desktop to show it on.
		return c.locked(what)
	}
	if err != nil {
		return err
	}
	if done, _ := result.Value().([]dbus.ObjectPath); len(done) < len(paths) {
		return c.locked(what)
	}
	return nil
}

// locked is ErrKeyringLocked, naming the keyring, what it was asked and
// how to unlock it.
func (c *secretsConn) locked(what string) error {
	p := c.program()
	name := "the Secret Service"
	if p != "" {
		name += " (" + p + ")"
	}
	return &promptError{keyring: name, what: what, cause: ErrKeyringLocked, unlock: unlockHow(p)}
}

// defaultCollection is the collection new items go to: the one the alias
// "default" names, asked with ReadAlias. Never the alias's own path
// (/org/freedesktop/secrets/aliases/default): gnome-keyring (42) resolves
// it in its D-Bus thread while its main thread replaces the alias's name
// for every client that connects, so that a call to it can reach a
// collection named by freed memory ("Object does not exist at path
// …/collection/V_3e_97_23V") or be refused as locked.
func (c *secretsConn) defaultCollection() (dbus.BusObject, error) {
	var coll dbus.ObjectPath
	// ReadAlias is the first call on a connection. gnome-keyring (42)
	// registers a client in an idle callback its message filter queues
	// (service_message_filter, daemon/dbus/gkd-secret-service.c), which can
	// run after the client's first call is served: ReadAlias then finds no
	// collection and answers "/" ("assertion 'client' failed" in its log).
	// No reply says that apart from a real "no default collection", so "/"
	// is asked once more, when the client is known, before it is believed.
	for try := 0; try < 2 && (coll == "" || coll == "/"); try++ {
		if err := c.obj(secretsPath).Call(serviceInterface+".ReadAlias", 0, "default").Store(&coll); err != nil {
			return nil, err
		}
	}
	if coll == "/" || !coll.IsValid() {
		return nil, noCollection{keyring: c.keyringName()}
	}
	return c.obj(coll), nil
}

// noCollection is ErrNoCollection, naming the keyring.
type noCollection struct{ keyring string }

func (e noCollection) Error() string {
	return e.keyring + " has no default collection for tkauth's keys: make one, or log in to the desktop that makes it"
}

func (e noCollection) Is(target error) bool { return target == ErrNoCollection }

// unlockedCollection is defaultCollection, unlocked.
func (c *secretsConn) unlockedCollection(ctx context.Context) (dbus.BusObject, error) {
	coll, err := c.defaultCollection()
	if err != nil {
		return nil, err
	}
	if err := c.unlock(ctx, "to unlock the keyring", coll.Path()); err != nil {
		return nil, err
	}
	return coll, nil
}

// put stores priv as pub's private key, in a new item of tkauth's,
// after deleting the one it may replace. A Secret Service asked to
// replace an item with the same attributes may replace another program's
// item that has them among others (gnome-keyring does).
func (k secretService) put(ctx context.Context, pub, priv string) error {
	c, closeConn, err := k.connect(ctx)
	if err != nil {
		return err
	}
	defer closeConn()
	coll, err := c.unlockedCollection(ctx)
	if err != nil {
		return err
	}
	if err := k.deleteExact(ctx, c, coll, pub); err != nil {
		return err
	}
	sess, err := c.openSession()
	if err != nil {
		return err
	}
	defer c.closeSession(sess)
	props := map[string]dbus.Variant{
		itemInterface + ".Label":      dbus.MakeVariant(k.label + pub),
		itemInterface + ".Attributes": dbus.MakeVariant(k.newAttributes(pub)),
	}
	s := secret{Session: sess, Parameters: []byte{}, Value: []byte(priv), ContentType: "text/plain; charset=utf8"}
	var item, prompt dbus.ObjectPath
	const replace = false
	if err := coll.Call(createItem, 0, props, s, replace).Store(&item, &prompt); err != nil {
		return err
	}
	if prompt != "/" {
		if _, err := c.prompt(ctx, prompt, "to store tkauth's key "+session.Short(pub)); err != nil {
			return err
		}
	}
	return nil
}

// probe checks that the keyring answers and takes a new item: it stores
// one of tkauth's and deletes it, performing the prompts a store would.
// A keyring that unlocks but cannot store (KeePassXC with its database
// locked, a read-only collection) is not chosen.
func (k secretService) probe(ctx context.Context) error {
	const user = "tkauth-probe"
	if err := k.put(ctx, user, "probe"); err != nil {
		return err
	}
	return k.delete(ctx, user)
}

// check unlocks the default collection (performing its prompt), writing
// nothing, and names the Secret Service and the collection.
func (k secretService) check(ctx context.Context) (string, error) {
	c, closeConn, err := k.connect(ctx)
	if err != nil {
		return "", err
	}
	defer closeConn()
	coll, err := c.unlockedCollection(ctx)
	if err != nil {
		return "", err
	}
	return c.keyringName() + " " + string(coll.Path()), nil
}

// get reads pub's private key from tkauth's own item.
func (k secretService) get(ctx context.Context, pub string) (string, error) {
	c, closeConn, err := k.connect(ctx)
	if err != nil {
		return "", err
	}
	defer closeConn()
	coll, err := c.unlockedCollection(ctx)
	if err != nil {
		return "", err
	}
	items, err := k.findExact(c, coll, pub)
	if err != nil {
		return "", err
	}
	if len(items) == 0 {
		return "", errNoItem
	}
	item := items[0]
	if err := c.unlock(ctx, "to read tkauth's key "+session.Short(pub), item); err != nil {
		// Deleted by another process since the search: not there, not locked.
		if attrs, aerr := c.attributesOf([]dbus.ObjectPath{item}); aerr == nil && attrs[0] == nil {
			return "", errNoItem
		}
		return "", err
	}
	sess, err := c.openSession()
	if err != nil {
		return "", err
	}
	defer c.closeSession(sess)
	var s secret
	if err := c.obj(item).Call(itemInterface+".GetSecret", 0, sess).Store(&s); err != nil {
		if gone(err, item) {
			return "", errNoItem
		}
		return "", err
	}
	return string(s.Value), nil
}

// errNoItem: tkauth has no item for the key (notFound recognises it).
var errNoItem = errors.New("the item is not in the keyring")

// delete deletes every item of tkauth's for pub, and no other.
func (k secretService) delete(ctx context.Context, pub string) error {
	c, closeConn, err := k.connect(ctx)
	if err != nil {
		return err
	}
	defer closeConn()
	coll, err := c.unlockedCollection(ctx)
	if err != nil {
		return err
	}
	return k.deleteExact(ctx, c, coll, pub)
}

// findExact returns tkauth's items for pub in coll, and nothing else's.
func (k secretService) findExact(c *secretsConn, coll dbus.BusObject, pub string) ([]dbus.ObjectPath, error) {
	var paths []dbus.ObjectPath
	if err := coll.Call(searchItems, 0, k.attributes(pub)).Store(&paths); err != nil {
		if gone(err, coll.Path()) {
			return nil, nil // the collection was deleted, and its items with it
		}
		return nil, err
	}
	want := k.attributes(pub)
	ours := make([]dbus.ObjectPath, 0, len(paths))
	attrs, err := c.attributesOf(paths)
	if err != nil {
		return nil, err
	}
	for i, a := range attrs {
		if a != nil && isOurs(a, want) {
			ours = append(ours, paths[i])
		}
	}
	return ours, nil
}

// attributesOf asks every item's attributes at once (reading them needs
// no unlock); an item deleted since it was found has none.
func (c *secretsConn) attributesOf(paths []dbus.ObjectPath) ([]map[string]string, error) {
	calls := make([]*dbus.Call, len(paths))
	for i, p := range paths {
		calls[i] = c.obj(p).Go(propertiesGet, 0, nil, itemInterface, itemAttributes)
	}
	out := make([]map[string]string, len(paths))
	for i, call := range calls {
		<-call.Done
		var v dbus.Variant
		if err := call.Store(&v); err != nil {
			if gone(err, paths[i]) {
				continue // deleted since the search
			}
			return nil, err
		}
		out[i], _ = v.Value().(map[string]string)
	}
	return out, nil
}

// deleteExact deletes tkauth's items for pub in coll, performing the
// prompt a Secret Service may ask to confirm a delete with, then checks
// that none is left: a delete the Secret Service did not carry out is not
// reported done.
func (k secretService) deleteExact(ctx context.Context, c *secretsConn, coll dbus.BusObject, pub string) error {
	items, err := k.findExact(c, coll, pub)
	if err != nil || len(items) == 0 {
		return err
	}
	for _, item := range items {
		var prompt dbus.ObjectPath
		if err := c.obj(item).Call(itemInterface+".Delete", 0).Store(&prompt); err != nil {
			if gone(err, item) {
				continue // another process deleted it first
			}
			return err
		}
		if prompt != "/" {
			if _, err := c.prompt(ctx, prompt, "to delete tkauth's key "+session.Short(pub)); err != nil {
				return err
			}
		}
	}
	left, err := k.findExact(c, coll, pub)
	if err != nil {
		return err
	}
	if len(left) > 0 {
		return fmt.Errorf("%s still holds %d of tkauth's items for %s after deleting them", c.keyringName(), len(left), session.Short(pub))
	}
	return nil
}

// has sends every search on one connection before any answer is
// awaited, then asks every candidate's attributes, and reads no secret;
// neither needs an unlock, so it answers for a locked keyring too.
func (k secretService) has(ctx context.Context, pubs []string) (map[string]bool, error) {
	c, closeConn, err := k.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer closeConn()
	coll, err := c.defaultCollection()
	if err != nil {
		return nil, err
	}
	calls := make([]*dbus.Call, len(pubs))
	for i, pub := range pubs {
		calls[i] = coll.Go(searchItems, 0, nil, k.attributes(pub))
	}
	var candidates []dbus.ObjectPath
	owner := map[dbus.ObjectPath]string{}
	for i, call := range calls {
		<-call.Done
		var paths []dbus.ObjectPath
		if err := call.Store(&paths); err != nil {
			if gone(err, coll.Path()) {
				continue // the collection was deleted, and its items with it
			}
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
	attrs, err := c.attributesOf(candidates)
	if err != nil {
		return nil, err
	}
	for i, a := range attrs {
		pub := owner[candidates[i]]
		if a != nil && isOurs(a, k.attributes(pub)) {
			m[pub] = true
		}
	}
	return m, nil
}

// notFound recognises no item of tkauth's (errNoItem). An item that
// another process deleted after a search found it is recognised where it
// is called (gone), so that no other error is taken for it.
func notFound(err error) bool { return errors.Is(err, errNoItem) }

// gone reports whether err is the Secret Service saying that the object
// at path, which this call addressed, does not exist (any more): GDBus's
// UnknownMethod ("Object does not exist at path “p”", "No such interface
// “i” on object at path p": gnome-keyring), Qt's UnknownObject ("No such
// object path 'p'": KeePassXC, KWallet), UnknownInterface, or the
// specification's NoSuchObject. The path must be named whole in the
// words: an error about another object (a session, a collection whose
// name gnome-keyring garbled) is not that object gone.
func gone(err error, path dbus.ObjectPath) bool {
	var de dbus.Error
	if !errors.As(err, &de) {
		return false
	}
	switch de.Name {
	case "org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownInterface",
		"org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.Secret.Error.NoSuchObject":
	default:
		return false
	}
	msg, p := de.Error(), string(path)
	for i := 0; ; {
		j := strings.Index(msg[i:], p)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(p)
		if (start == 0 || !isPathByte(msg[start-1])) && (end == len(msg) || !isPathByte(msg[end])) {
			return true
		}
		i = start + 1
	}
}

// isPathByte reports whether b may continue a D-Bus object path.
func isPathByte(b byte) bool {
	return b == '/' || b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}
