package session_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// apiFixture is a store, and a fake Turnkey where user u of org o holds
// apiKey.
type apiFixture struct {
	*fixture
	srv    *turnkeytest.Server
	api    *turnkey.Client
	apiKey session.Signer
}

func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	f := newFixture(t)
	f.m.WithClock(time.Now)
	srv := turnkeytest.New()
	t.Cleanup(srv.Close)
	api := srv.Client()
	return &apiFixture{fixture: f, srv: srv, api: api, apiKey: srv.NewAPIKey("o", "u")}
}

// sv sends every session's requests to the fake Turnkey.
func (f *apiFixture) sv() session.Servers { return f.svOf(f.api) }

// svOf sends every session's requests to api.
func (f *apiFixture) svOf(api session.TurnkeyAPI) session.Servers {
	return session.Servers{Dial: func(string) session.TurnkeyAPI { return api }, Default: api.BaseURL()}
}

// snapshot is the stored state, as a new reader reads it, and the key
// files, to compare after a failure.
func (f *apiFixture) snapshot() string {
	f.t.Helper()
	var b []byte
	if st, err := store.NewFile(f.dir).Load(context.Background()); err == nil {
		b, _ = store.Encode(st)
	}
	files, _ := filepath.Glob(filepath.Join(store.NewFileKeys(f.dir).Dir(), "*.private"))
	slices.Sort(files)
	return string(b) + "\n" + filepath.Join(files...)
}

func TestLogin(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	res, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "work", Expires: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Session
	if s.Key != "work" || s.UserID != "u" || s.OrganizationID != "o" || time.Until(s.Expiry) < 9*time.Minute {
		t.Errorf("session %+v", s)
	}
	f.check([]string{"work"}, "work", []string{s.PublicKey}, nil)
	if f.state().KeyPairs[s.PublicKey].Unclaimed {
		t.Error("the session's key pair is still unclaimed")
	}
	if !f.srv.HasKey(s.PublicKey) {
		t.Error("Turnkey does not know the session's key")
	}
}

func TestLoginFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		setup func(f *apiFixture) session.Signer
		want  error
	}{
		{"bad credentials", func(f *apiFixture) session.Signer {
			priv, pub, _ := session.NewPrivateKey()
			return session.P256Key{Public: pub, Private: priv}
		}, turnkey.ErrBadCredentials},
		{"server errors", func(f *apiFixture) session.Signer { f.srv.FailNext(500, 500, 500, 500); return f.apiKey }, nil},
		{"timeout", func(f *apiFixture) session.Signer {
			// The one case with a short timeout: a busy machine slows every
			// other request too.
			f.api.RequestTimeout = 200 * time.Millisecond
			f.srv.DelayNext(time.Second)
			return f.apiKey
		}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newAPIFixture(t)
			f.add("old", f.keyPair())
			before := f.snapshot()
			by := tt.setup(f)
			_, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: by, Org: "o"}, session.LoginOptions{Key: "work", Expires: 0})
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v", err)
			}
			if after := f.snapshot(); after != before {
				t.Errorf("a failed login changed the store:\n%s\nthen\n%s", before, after)
			}
		})
	}
}

func TestRefresh(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	old, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "work", Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	other := f.keyPair()
	f.add("other", other) // now active
	res, err := f.m.Refresh(ctx, f.sv(), "work", 20*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Session
	if s.PublicKey == old.Session.PublicKey || s.Token == old.Session.Token || time.Until(s.Expiry) < 19*time.Minute {
		t.Errorf("refreshed session %+v", s.Claims)
	}
	if !slices.Equal(res.DeletedKeyPairs, []string{old.Session.PublicKey}) {
		t.Errorf("deleted %q, want the old key pair", res.DeletedKeyPairs)
	}
	// Stored under the same key; the active session is not changed.
	f.check([]string{"other", "work"}, "other", []string{s.PublicKey, other}, []string{old.Session.PublicKey})

	before := f.snapshot()
	f.srv.FailNext(400)
	if _, err := f.m.Refresh(ctx, f.sv(), "work", 0, nil); err == nil {
		t.Fatal("refresh succeeded against a 400")
	}
	if after := f.snapshot(); after != before {
		t.Error("a failed refresh changed the store or the key store")
	}
	if _, err := f.m.Refresh(ctx, f.sv(), "nope", 0, nil); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("refresh of an unknown key: %v", err)
	}
}

func TestRevoke(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	res, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "work", Expires: 0})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.FailNext(500, 500, 500, 500)
	if err := f.m.Revoke(ctx, f.sv(), nil, "work"); err == nil {
		t.Fatal("revoke succeeded against 500s")
	}
	if !f.srv.HasKey(res.Session.PublicKey) {
		t.Fatal("setup: the key went anyway")
	}
	if err := f.m.Revoke(ctx, f.sv(), nil, "work"); err != nil {
		t.Fatal(err)
	}
	if f.srv.HasKey(res.Session.PublicKey) {
		t.Error("Turnkey still has the session's key")
	}
	// Revoking does not log out; that is the caller's next step.
	f.check([]string{"work"}, "work", []string{res.Session.PublicKey}, nil)

	// Revoke, then log out, in one: against the fake Turnkey.
	res, err = f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "next", Expires: 0})
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.m.RevokeAndLogout(ctx, f.sv(), nil, false, "next")
	if err != nil || !slices.Equal(out.Sessions, []string{"next"}) || len(out.Revoked) != 1 || out.Revoked[0].Err != nil {
		t.Fatalf("revoke and log out: %+v, %v", out, err)
	}
	if f.srv.HasKey(res.Session.PublicKey) {
		t.Error("Turnkey still has the logged-out session's key")
	}
	f.check([]string{"work"}, "", nil, []string{res.Session.PublicKey}) // next was active
}

// hookedAPI runs before ahead of each StampLogin: what another process
// does while Turnkey is being asked.
type hookedAPI struct {
	session.TurnkeyAPI
	before func()
}

func (h hookedAPI) StampLogin(ctx context.Context, by session.Signer, r session.LoginRequest) (string, error) {
	h.before()
	return h.TurnkeyAPI.StampLogin(ctx, by, r)
}

// A login or refresh stores its session only if what it replaces is still
// what it read: it never undoes a logout, nor overwrites a session stored
// meanwhile. It deletes its new key pair and says what happened.
func TestLoginAndRefreshDoNotUndoOtherProcesses(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name      string
		refresh   bool
		meanwhile func(f *apiFixture, other *session.Manager) error
		says      string
		want      []string // sessions stored after
	}{
		{"refresh while the session is logged out", true, func(f *apiFixture, other *session.Manager) error {
			_, err := other.Logout(ctx, "work")
			return err
		}, `"work" was logged out by another process`, nil},
		{"refresh while another session is stored under its key", true, func(f *apiFixture, other *session.Manager) error {
			_, err := other.StoreSession(ctx, f.token(f.keyPair(), time.Hour), "work")
			return err
		}, `"work" was replaced by another process`, []string{"work"}},
		{"login while a session is stored under its key", false, func(f *apiFixture, other *session.Manager) error {
			_, err := other.StoreSession(ctx, f.token(f.keyPair(), time.Hour), "work")
			return err
		}, `"work" was stored by another process`, []string{"work"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newAPIFixture(t)
			if tt.refresh {
				if _, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "work", Expires: 0}); err != nil {
					t.Fatal(err)
				}
			}
			other := session.NewManager(store.NewFile(f.dir), store.NewFileKeys(f.dir))
			var theirs *session.State
			api := hookedAPI{TurnkeyAPI: f.api, before: func() {
				if err := tt.meanwhile(f, other); err != nil {
					t.Fatal(err)
				}
				theirs = f.state()
			}}
			var err error
			if tt.refresh {
				_, err = f.m.Refresh(ctx, f.svOf(api), "work", 0, nil)
			} else {
				_, err = f.m.Login(ctx, session.APIKeyLogin{Turnkey: api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "work", Expires: 0})
			}
			if !errors.Is(err, session.ErrChanged) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %v, want ErrChanged saying %q", err, tt.says)
			}
			// What the other process left is what is stored; the new key
			// pair is gone.
			st := f.state()
			if len(st.Sessions) != len(tt.want) || (len(tt.want) > 0 && st.Sessions["work"].Token != theirs.Sessions["work"].Token) {
				t.Errorf("stored %v, want the other process's", st.Keys())
			}
			for pub, kp := range theirs.KeyPairs {
				_, kept := st.KeyPairs[pub]
				switch {
				case kp.Unclaimed && kept: // the login's own, not yet used
					t.Errorf("the new key pair %s was left behind", session.Short(pub))
				case !kp.Unclaimed && !kept:
					t.Errorf("the other process's key pair %s was deleted", session.Short(pub))
				}
			}
		})
	}
}

// lyingAPI answers a login with a session for other claims than asked,
// bound to the asked key, as a broken or hostile server might.
type lyingAPI struct {
	session.TurnkeyAPI
	srv    *turnkeytest.Server
	change func(c *session.Claims)
}

func (l lyingAPI) StampLogin(ctx context.Context, by session.Signer, r session.LoginRequest) (string, error) {
	tok, err := l.TurnkeyAPI.StampLogin(ctx, by, r)
	if err != nil {
		return "", err
	}
	s, err := session.ParseWithNotarizer(tok, nil)
	if err != nil {
		return "", err
	}
	l.change(&s.Claims)
	return session.NewToken(s.Claims, l.srv.Notarizer)
}

// What Turnkey sends back is checked: a session for another organization
// or user, or, on refresh, with another scope, is refused; nothing is
// stored and the new key pair is deleted.
func TestTurnkeysAnswerIsChecked(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		refresh bool
		change  func(c *session.Claims)
		says    string
	}{
		{"login for another organization", false, func(c *session.Claims) { c.OrganizationID = "b" }, `for organization "b", not "o"`},
		{"login for another user", false, func(c *session.Claims) { c.UserID = "mallory" }, `for user "mallory", not "u"`},
		{"refresh for another user", true, func(c *session.Claims) { c.UserID = "mallory" }, `for user "mallory", not "u"`},
		{"refresh wider than the session", true, func(c *session.Claims) { c.Type, c.SessionProfileID = session.ReadWrite, "" }, "never changes a session's scope"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newAPIFixture(t)
			f.srv.AddProfile("prof-1", "signing-only")
			f.add("bystander", f.keyPair())
			if tt.refresh {
				// A scoped session, as a login with a session profile gives.
				pub := f.keyPair()
				tok, err := f.api.StampLogin(ctx, f.apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Hour, SessionProfileID: "prof-1"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.m.StoreSession(ctx, tok, "work"); err != nil {
					t.Fatal(err)
				}
			}
			before := f.snapshot()
			api := lyingAPI{TurnkeyAPI: f.api, srv: f.srv, change: tt.change}
			var err error
			if tt.refresh {
				_, err = f.m.Refresh(ctx, f.svOf(api), "work", 0, nil)
			} else {
				_, err = f.m.Login(ctx, session.APIKeyLogin{Turnkey: api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "work"})
			}
			if !errors.Is(err, session.ErrWrongSession) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %v, want ErrWrongSession saying %q", err, tt.says)
			}
			if f.snapshot() != before {
				t.Error("a refused session changed the store or the key store")
			}
		})
	}
}

// A scoped session (a session profile's name in session_type) is taken,
// and a refresh asks for the same profile and gets it.
func TestScopedSessionsRefreshInTheirProfile(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	f.srv.AddProfile("prof-1", "signing-only")
	pub := f.keyPair()
	tok, err := f.api.StampLogin(ctx, f.apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Hour, SessionProfileID: "prof-1"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.m.StoreSession(ctx, tok, "scoped")
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Session; s.Type != "signing-only" || !s.Type.Scoped() || s.SessionProfileID != "prof-1" {
		t.Fatalf("stored %+v", s.Claims)
	}
	out, err := f.m.Refresh(ctx, f.sv(), "scoped", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := out.Session; s.Type != "signing-only" || s.SessionProfileID != "prof-1" {
		t.Errorf("refreshed into %q (profile %q)", s.Type, s.SessionProfileID)
	}
	var login string
	for _, b := range f.srv.Bodies() {
		if strings.Contains(b, "ACTIVITY_TYPE_STAMP_LOGIN") {
			login = b // the last: the refresh's
		}
	}
	if !strings.Contains(login, `"sessionProfileId":"prof-1"`) {
		t.Errorf("the refresh did not ask for the profile: %s", login)
	}
}

func TestServersFor(t *testing.T) {
	dial := func(u string) session.TurnkeyAPI { return urlAPI(u) }
	at := func(u string) session.Session { return session.Session{Key: "k", APIBaseURL: u} }
	yes := func(session.Session, string) bool { return true }
	no := func(session.Session, string) bool { return false }
	for _, tt := range []struct {
		name string
		sv   session.Servers
		s    session.Session
		want string
		err  error
	}{
		{"its own", session.Servers{Dial: dial, Default: "https://prod"}, at("https://preprod"), "https://preprod", nil},
		{"none recorded: the default", session.Servers{Dial: dial, Default: "https://prod"}, at(""), "https://prod", nil},
		{"none recorded: the default, named", session.Servers{Dial: dial, Default: "https://prod", Named: "https://prod"}, at(""), "https://prod", nil},
		{"none recorded: another, not confirmed", session.Servers{Dial: dial, Default: "https://prod", Named: "https://x"}, at(""), "", session.ErrUnrecordedServer},
		{"none recorded: another, refused", session.Servers{Dial: dial, Default: "https://prod", Named: "https://x", Confirm: no}, at(""), "", session.ErrUnrecordedServer},
		{"none recorded: another, confirmed", session.Servers{Dial: dial, Default: "https://prod", Named: "https://x", Confirm: yes}, at(""), "https://x", nil},
		{"none recorded: another, other", session.Servers{Dial: dial, Default: "https://prod", Named: "https://x", Other: true}, at(""), "https://x", nil},
		{"named alike", session.Servers{Dial: dial, Named: "https://preprod"}, at("https://preprod"), "https://preprod", nil},
		{"named otherwise", session.Servers{Dial: dial, Named: "https://prod"}, at("https://preprod"), "", session.ErrOtherServer},
		{"named otherwise, confirmed: still refused", session.Servers{Dial: dial, Named: "https://prod", Confirm: yes}, at("https://preprod"), "", session.ErrOtherServer},
		{"named otherwise, other", session.Servers{Dial: dial, Named: "https://prod", Other: true}, at("https://preprod"), "https://prod", nil},
	} {
		api, err := tt.sv.For(tt.s)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || api.BaseURL() != tt.want {
			t.Errorf("%s: %v, %v; want %s", tt.name, api, err, tt.want)
		}
	}
}

// urlAPI is a TurnkeyAPI that only knows its address.
type urlAPI string

func (u urlAPI) BaseURL() string { return string(u) }
func (urlAPI) StampLogin(context.Context, session.Signer, session.LoginRequest) (string, error) {
	return "", errors.New("not here")
}
func (urlAPI) RevokeSessionKey(context.Context, session.Signer, string, string, string) error {
	return errors.New("not here")
}
func (urlAPI) Whoami(context.Context, session.Signer, string) (session.Identity, error) {
	return session.Identity{}, errors.New("not here")
}
func (urlAPI) Call(context.Context, session.Signer, string, []byte) ([]byte, error) {
	return nil, errors.New("not here")
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	if _, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "a"}); err != nil {
		t.Fatal(err)
	}
	if c := f.m.Check(ctx, f.sv(), "a", nil); c.Status != session.Valid || c.Identity.UserID != "u" {
		t.Errorf("a live session: %+v", c)
	}
	s, _ := f.m.Get(ctx, "a")
	f.srv.ExpireKey(s.PublicKey)
	if c := f.m.Check(ctx, f.sv(), "a", nil); c.Status != session.Rejected || !errors.Is(c.Why, session.ErrSignerDead) {
		t.Errorf("an expired key: %+v", c)
	}
	f.srv.Close()
	if c := f.m.Check(ctx, f.sv(), "a", nil); c.Status != session.Unreachable {
		t.Errorf("no server: %+v", c)
	}
}

// A scoped session whose scope forbids whoami is Unchecked, with a
// ScopeError, never Rejected; the user's long-lived key checks it by
// whether Turnkey still lists its key.
func TestCheckOfAScopedSession(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	f.srv.AddScopedProfile("p", "signer", "activity.action == 'SIGN'")
	if _, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "a", SessionProfileID: "p"}); err != nil {
		t.Fatal(err)
	}
	var scope *session.ScopeError
	if c := f.m.Check(ctx, f.sv(), "a", nil); c.Status != session.Unchecked || !errors.As(c.Why, &scope) || scope.Scope != "activity.action == 'SIGN'" {
		t.Errorf("by its own key: %+v", c)
	}
	if c := f.m.Check(ctx, f.sv(), "a", f.apiKey); c.Status != session.Valid || c.Identity.UserID != "u" {
		t.Errorf("by the API key: %+v", c)
	}
	s, _ := f.m.Get(ctx, "a")
	f.srv.DeleteKey(s.PublicKey)
	if c := f.m.Check(ctx, f.sv(), "a", f.apiKey); c.Status != session.Rejected || !errors.Is(c.Why, session.ErrKeyGone) {
		t.Errorf("its key deleted, by the API key: %+v", c)
	}
}
