package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// Factory holds the global flags, set once as the root parses them and
// never changed after, and makes from them what commands need; each
// command takes the few of its methods it uses into its options. What a
// command's own requests share (the spinner, its --wait, the answers it
// was given) is in the dialer it builds (Factory.dialer), not here.
type Factory struct {
	IO             *IOStreams
	Home           string // --home; empty: store.ResolveDir decides
	Keyring        string
	KeyringTimeout time.Duration
	// KeyringService is the system keyring's service name (tests change it).
	KeyringService string
	// APIURL is Turnkey's API base URL (--api-url).
	APIURL string
	// OtherAPI sends every session's requests to APIURL (--other-api).
	OtherAPI bool
}

// Env is what the global flags select: the store, its Manager, and the key
// store new key pairs go to.
type Env struct {
	Manager  *session.Manager
	Store    *store.File
	KeyStore string
	// Note says why the key store is not the one asked for; the user must
	// see it.
	Note string
}

// Dir is the store directory the flags select.
func (f *Factory) Dir() (string, error) {
	dir, err := store.ResolveDir(f.Home)
	if errors.Is(err, store.ErrBadDir) {
		return "", usageError{err}
	}
	return dir, err
}

// The store opens in one of two ways, by when the key store new key pairs
// go to is chosen: now (Open), which with auto probes the system keyring,
// or on first use (OpenLazy, OpenDeferred), for commands that may never
// use it (current, switch, rename, completion) and for the TUI, whose first
// frame must not wait for a keyring.

// Open opens the store and the key stores the flags select, chosen now.
// Why the key store is not the one asked for (env.Note) is said on
// stderr only where it matters: when the store holds key pairs kept in
// the system keyring, which cannot be reached now; and sessions `exec
// --login` left are said. Both are found in the first state the command
// reads (notices), at no read of their own. A command that makes key
// pairs opens with OpenForNewKeys.
func (f *Factory) Open(ctx context.Context) (*Env, error) {
	return f.open(ctx, true)
}

// OpenForNewKeys is Open for a command that makes key pairs (login,
// refresh, keys create): where they go when the keyring does not answer
// always matters, so env.Note is said.
func (f *Factory) OpenForNewKeys(ctx context.Context) (*Env, error) {
	env, err := f.openNow(ctx)
	if err == nil && env.Note != "" {
		f.IO.warn("%s", noteForGood(env.Note))
	}
	return env, err
}

// noteForGood is the key store's note with the way to keep files and
// not be told again.
func noteForGood(note string) string {
	return note + "; to keep keys in files for good, and not be told again, set TKAUTH_KEYRING=file (or give --keyring file)"
}

// openNow is Open saying nothing: the TUI shows env.Note in its header.
func (f *Factory) openNow(ctx context.Context) (*Env, error) { return f.open(ctx, false) }

// open opens the store and the key stores chosen now; with notices, the
// Manager says them of the first state it reads.
func (f *Factory) open(ctx context.Context, notices bool) (*Env, error) {
	dir, err := f.Dir()
	if err != nil {
		return nil, err
	}
	ks, err := store.OpenKeyStores(ctx, f.Keyring, dir, f.KeyringService, f.KeyringTimeout)
	if err != nil {
		return nil, usageError{err}
	}
	st := store.NewFile(dir)
	var over session.Store = st
	if notices {
		over = &firstRead{Store: st, seen: f.notices(ks.Note)}
	}
	return &Env{Manager: newManager(over, ks.Keys, ks.Others...).WithLongLivedKeys(f.knownLongLived), Store: st, KeyStore: ks.Keys.Name(), Note: ks.Note}, nil
}

// OpenDeferred opens the store for the TUI: with auto, the key store is
// chosen on first use (store.Deferred); env.KeyStore is then empty, and
// ready says what was chosen.
func (f *Factory) OpenDeferred(ctx context.Context) (env *Env, ready func(context.Context) (name, note string), err error) {
	if f.Keyring != store.KeyringAuto && f.Keyring != "" {
		env, err := f.openNow(ctx)
		return env, nil, err
	}
	dir, err := f.Dir()
	if err != nil {
		return nil, nil, err
	}
	d := store.DeferKeyStores(f.Keyring, dir, f.KeyringService, f.KeyringTimeout)
	st := store.NewFile(dir)
	ready = func(ctx context.Context) (string, string) {
		ks, err := d.Resolve(ctx)
		if err != nil {
			return store.KeyringAuto, "the key store is not chosen yet: " + err.Error()
		}
		return ks.Keys.Name(), ks.Note
	}
	return &Env{Manager: newManager(st, d, store.NewFileKeys(dir)).WithLongLivedKeys(f.knownLongLived), Store: st}, ready, nil
}

// OpenLazy is OpenDeferred for a command that uses no key store, and for
// completion: nothing is probed, and nothing said of the key store.
func (f *Factory) OpenLazy(ctx context.Context) (*Env, error) {
	env, _, err := f.OpenDeferred(ctx)
	return env, err
}

// newManager is a session.Manager that compares session keys in Unicode's
// NFC, so that two keys that look the same cannot both be stored.
func newManager(st session.Store, keys session.KeyStore, others ...session.KeyStore) *session.Manager {
	m := session.NewManager(st, keys, others...).WithKeyForm(norm.NFC.String)
	if a, _ := testSigner(); a != nil {
		m = m.WithTestSigner(a.Notarizer)
	}
	return m
}

// APIEnv names the environment variable that chooses Turnkey's API, as in
// Turnkey's own examples.
const APIEnv = "TURNKEY_API_BASE_URL"

// namedAPI is the API URL the user named, by --api-url or APIEnv, or "".
func (f *Factory) namedAPI() (string, error) {
	u := f.APIURL
	if u == "" {
		u = os.Getenv(APIEnv)
	}
	if u == "" {
		return "", nil
	}
	u = strings.TrimRight(u, "/")
	if err := turnkey.CheckBaseURL(u); err != nil {
		return "", usageError{err}
	}
	return u, nil
}

// loginURL is where a login goes: the API the user named, or Turnkey's own.
func (f *Factory) loginURL() (string, error) {
	u, err := f.namedAPI()
	if u == "" && err == nil {
		u = turnkey.DefaultBaseURL
	}
	return u, err
}

// dialer is one command's way to Turnkey: its clients wait for MFA
// factors as its --wait says and prove those its --mfa gives, share one spinner on
// stderr, and ask at most once a session and API whether the session's
// requests may go there. A command builds its own (Factory.dialer).
type dialer struct {
	f    *Factory
	opts *mfaOptions // --wait and --mfa; nil: none

	// mu guards spin and confirmed: list --check asks from several
	// goroutines, one question at a time.
	mu        sync.Mutex
	spin      *spinner
	confirmed map[string]bool // what the user answered, by session key and API
}

// dialer is a new dialer for a command whose --wait and --mfa, if it has
// them, are read into opts.
func (f *Factory) dialer(opts *mfaOptions) *dialer {
	return &dialer{f: f, opts: opts}
}

// API is a client of the Turnkey API the user named, or Turnkey's own:
// where a login goes.
func (d *dialer) API() (session.TurnkeyAPI, error) {
	return d.Client()
}

// Client is API as a *turnkey.Client, for what only it does (code login).
func (d *dialer) Client() (*turnkey.Client, error) {
	u, err := d.f.loginURL()
	if err != nil {
		return nil, err
	}
	return d.dial(u), nil
}

// dial is a client of the API at base whose requests show a spinner on
// stderr while they wait, when stderr is a terminal that can show one.
func (d *dialer) dial(base string) *turnkey.Client {
	c := turnkey.New(base)
	d.mfa(c)
	ios := d.f.IO
	if !ios.ErrTerminal || os.Getenv("TERM") == "dumb" {
		return c
	}
	d.mu.Lock()
	if d.spin == nil {
		d.spin = &spinner{w: ios.ErrOut, delay: spinDelay}
	}
	d.mu.Unlock()
	c.HTTP.Transport = d.spin.transport(c.HTTP.Transport)
	return c
}

// Servers says where each session's requests go (session.Servers): the
// API it was logged in with, else Turnkey's own. Another goes only where
// --other-api with --api-url says, never where only the environment does,
// or, for a session that records no API, where the user says yes to on a
// terminal.
func (d *dialer) Servers() (session.Servers, error) {
	f := d.f
	u, err := f.namedAPI()
	if err != nil {
		return session.Servers{}, err
	}
	if f.OtherAPI && f.APIURL == "" {
		return session.Servers{}, usageError{errors.New("--other-api sends the sessions' requests to the API that --api-url names: give --api-url too")}
	}
	sv := session.Servers{
		Dial:    func(base string) session.TurnkeyAPI { return d.dial(base) },
		Named:   u,
		Default: turnkey.DefaultBaseURL,
		Other:   f.OtherAPI,
	}
	if f.IO.CanPrompt() {
		sv.Confirm = d.confirmAPI
	}
	return sv, nil
}

// confirmAPI asks, once a session and API, whether the requests of s, which
// records no API, may go to url.
func (d *dialer) confirmAPI(s session.Session, url string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := s.Key + "\x00" + url
	if ok, asked := d.confirmed[id]; asked {
		return ok
	}
	if d.spin != nil {
		defer d.spin.hold()() // other sessions' checks may be waiting
	}
	ios := d.f.IO
	fmt.Fprintf(ios.ErrOut, "Session %s records no Turnkey API (it was added, not logged in): its requests, signed for it, go to Turnkey's own, %s.\n",
		escape.Clean(s.Key), turnkey.DefaultBaseURL)
	ok, _ := ios.confirm("Send them to " + escape.Clean(url) + " instead?")
	if d.confirmed == nil {
		d.confirmed = map[string]bool{}
	}
	d.confirmed[id] = ok
	return ok
}

// quietFileKey loads an API key from plain files only, and says nothing:
// the file, if given, else the one Turnkey's CLI keeps under name. The
// demo's TUI uses it, never the user's keyring.
func quietFileKey(_ context.Context, name, file string) (session.Signer, error) {
	if file != "" {
		return turnkey.LoadKeyFile(file)
	}
	return turnkey.LoadCLIKey(name)
}

// openState opens the store with open and reads its state as it is now.
func openState(ctx context.Context, open func(context.Context) (*Env, error)) (*Env, *session.State, error) {
	env, err := open(ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := env.Manager.State(ctx)
	if err != nil {
		return nil, nil, err
	}
	return env, st, nil
}

// shellSession is the session TKAUTH_SESSION selects for this shell (and
// tkauth exec for its command), or "": it stands in for the active one.
func shellSession() string { return os.Getenv(sessionEnv) }

// selectedSession is the session a command that is given none acts as:
// this shell's (TKAUTH_SESSION), else "" for the active one. Inside a
// command of `tkauth exec --login` it is neither: that command's session
// is not stored, and acting as another would be acting as someone else,
// so it refuses, in words.
func selectedSession(command string) (string, error) {
	return selectedIn(os.Getenv, command)
}

func selectedIn(getenv func(string) string, command string) (string, error) {
	if key := getenv(sessionEnv); key != "" {
		return key, nil
	}
	if pub := getenv(oneShotEnv); pub != "" {
		return "", usageError{fmt.Errorf("this runs inside `tkauth exec --login` (%s is set), whose command has a session of its own that tkauth does not store (key %s): `tkauth %s` will not act as the active session in its place; name a stored session (tkauth %s KEY), or use the command's own credentials (API_PUBLIC_KEY, API_PRIVATE_KEY, ORGANIZATION_ID in its environment)",
			oneShotEnv, escape.Clean(session.Short(pub)), command, command)}
	}
	return "", nil
}

// keyOrActive is key if it is stored; when key is empty, the session this
// shell selects (selectedSession), else the active one; the errors say the
// way out for command.
func keyOrActive(st *session.State, key, command string) (string, error) {
	if key == "" {
		var err error
		if key, err = selectedSession(command); err != nil {
			return "", err
		}
	}
	keys, err := session.Targets(st, session.Pick{Key: key}, time.Time{})
	if err != nil {
		return "", withHint(err, command)
	}
	return keys[0], nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
