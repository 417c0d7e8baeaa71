package cli

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
	"github.com/tkauth/tkauth/ui"
)

// screenProbe is the TUI, publishing its screen after every update, so
// that a test waits on what it shows, not on the renderer's stream.
type screenProbe struct {
	ui.Model
	screen *atomic.Value
}

func (p screenProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := p.Model.Update(msg)
	p.Model = m.(ui.Model)
	p.screen.Store(ansi.Strip(p.Model.View().Content))
	return p, cmd
}

// waitScreen waits until the screen shows every one of want.
func waitScreen(t *testing.T, screen *atomic.Value, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s, _ := screen.Load().(string)
		flat := strings.Join(strings.Fields(s), " ")
		missing := ""
		for _, w := range want {
			if !strings.Contains(flat, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q; it shows:\n%s", missing, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The TUI, as tkauth assembles it, proves an SMS code factor of a login by
// code: the login's activity waits; a dialog offers the factors tkauth can
// prove; the phone number typed in its field (n and y are letters there)
// gets a code through the Auth Proxy; the code typed in the next dialog
// approves the login, which completes.
func TestTUIProvesACodeFactor(t *testing.T) {
	srv, m, _, tm, screen := tuiAtAnSMSFactor(t)
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	waitScreen(t, screen, "Prove a factor Turnkey asks for", "Turnkey needs an SMS code", "1) an SMS code", "2) none: give it in another app or device")
	tm.Send(tea.KeyPressMsg{Code: '1', Text: "1"})
	waitScreen(t, screen, "Phone number")
	tm.Type("ny")
	if s := waitScreen(t, screen, "> ny"); strings.Contains(s, "Logged in") {
		t.Fatal("n or y answered the dialog")
	}
	for range 2 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	tm.Type(turnkeytest.SandboxPhone)
	tm.Send(enter)
	waitScreen(t, screen, "Type the code", "Turnkey sent a 6-character code to "+turnkeytest.SandboxPhone)
	tm.Type(turnkeytest.SandboxCode)
	tm.Send(enter)
	waitScreen(t, screen, "Logged in to organization Ada's wallet")

	st, err := m.State(context.Background())
	if s := st.Sessions["ada-s-wallet/ada"]; err != nil || s == nil || !srv.HasKey(s.PublicKey) || len(srv.Waiting()) != 0 {
		t.Errorf("stored %v (%v); waiting %v", st.Keys(), err, srv.Waiting())
	}
}

// The TUI proves a session factor with another stored session of the
// same user: a refresh of a that Turnkey holds for a session factor is
// approved, picked in the dialog, by session b.
func TestTUIProvesASessionFactor(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	c.ok("login", "--org", "o", "--session-key", "b")
	old := c.state().Sessions["a"]
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_SESSION")
	m := newManager(store.NewFile(c.home), store.NewFileKeys(c.home))
	sv := session.Servers{Default: srv.URL}
	cfg := tuiConfig(tuiParts{Manager: m, StorePath: store.NewFile(c.home).Path(), KeyStore: "file", Servers: &sv, LoginURL: srv.URL})
	cfg.Watch = false
	screen := &atomic.Value{}
	tm := teatest.NewTestModel(t, screenProbe{ui.New(cfg), screen}, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })

	waitScreen(t, screen, "active: b", "present")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyHome})
	waitScreen(t, screen, "── a ")
	tm.Send(tea.KeyPressMsg{Code: 'R', Text: "R"})
	waitScreen(t, screen, "Turnkey needs a session", "1) session a", "2) session b")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitScreen(t, screen, "Refreshed a")
	if s := c.state().Sessions["a"]; s.Token == old.Token || !srv.HasKey(s.PublicKey) || len(srv.Waiting()) != 0 {
		t.Errorf("a after the refresh: renewed %v, live %v; waiting %v", s.Token != old.Token, srv.HasKey(s.PublicKey), srv.Waiting())
	}
}

// A code of the wrong shape typed in the TUI's MFA code dialog keeps the
// dialog open and says why, as the login form does, before it costs a
// try; the right code then approves the login.
func TestTUIMFACodeOfTheWrongShapeStays(t *testing.T) {
	_, _, _, tm, screen := tuiAtAnSMSFactor(t)
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	waitScreen(t, screen, "1) an SMS code")
	tm.Send(tea.KeyPressMsg{Code: '1', Text: "1"})
	waitScreen(t, screen, "Phone number")
	tm.Type(turnkeytest.SandboxPhone)
	tm.Send(enter)
	waitScreen(t, screen, "Type the code")
	tm.Type("ny")
	tm.Send(enter)
	waitScreen(t, screen, "Type the code", "the code has 2 characters; the one sent has 6: type it again.")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	tm.Type("12345x")
	tm.Send(enter)
	waitScreen(t, screen, "Type the code", "the code is digits only")
	for range 6 {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	tm.Type(turnkeytest.SandboxCode)
	tm.Send(enter)
	waitScreen(t, screen, "Logged in to organization Ada's wallet")
}

// The TUI's MFA dialogs say the factors in their order ("…, then …"),
// and once the API key is chosen for the first, only what is still
// needed; ctrl+c in the code dialog, with digits typed, gives up and
// says so, and the refresh leaves the session as it was.
func TestTUIMFASaysWhatIsStillNeeded(t *testing.T) {
	srv, keyFile := withAPI(t)
	srv.AddContact("o", "u", turnkeytest.SandboxPhone)
	trustStandIn(t, srv)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	old := c.state().Sessions["a"]
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_API_KEY", "AUTHENTICATION_TYPE_SMS_OTP")
	m := newManager(store.NewFile(c.home), store.NewFileKeys(c.home))
	sv := session.Servers{Default: srv.URL}
	load := func(context.Context, string, string) (session.Signer, error) { return turnkey.LoadKeyFile(keyFile) }
	cfg := tuiConfig(tuiParts{Manager: m, StorePath: store.NewFile(c.home).Path(), KeyStore: "file", Servers: &sv, LoginURL: srv.URL,
		LoadAPIKey: load, APIKey: "default"})
	cfg.Watch = false
	screen := &atomic.Value{}
	tm := teatest.NewTestModel(t, screenProbe{ui.New(cfg), screen}, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })

	waitScreen(t, screen, "active: a", "present")
	tm.Send(tea.KeyPressMsg{Code: 'R', Text: "R"})
	waitScreen(t, screen, "Turnkey needs an API key, then an SMS code before it does this.", "1) your API key default")
	tm.Send(tea.KeyPressMsg{Code: '1', Text: "1"})
	waitScreen(t, screen, "Turnkey needs an SMS code before it does this.", "1) an SMS code")
	tm.Send(tea.KeyPressMsg{Code: '1', Text: "1"})
	waitScreen(t, screen, "Phone number")
	tm.Type(turnkeytest.SandboxPhone)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitScreen(t, screen, "Type the code")
	tm.Type("12")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	s := waitScreen(t, screen, "you gave up typing the code", "it is as it was")
	if strings.Contains(s, "no code was typed") {
		t.Errorf("the refresh's end:\n%s", s)
	}
	if n := c.state().Sessions["a"]; n.Token != old.Token || len(srv.Waiting()) != 0 {
		t.Errorf("renewed %v; waiting %v", n.Token != old.Token, srv.Waiting())
	}
}

// tuiAtAnSMSFactor is the TUI as tkauth assembles it, in an empty store,
// where a login by code has been typed and sent for a user whose logins
// need an SMS code factor: Turnkey's activity waits for it.
func tuiAtAnSMSFactor(t *testing.T) (*turnkeytest.Server, *session.Manager, *store.FileKeys, *teatest.TestModel, *atomic.Value) {
	t.Helper()
	srv := withCodeLogin(t)
	srv.AddContact("sub", "ada", turnkeytest.SandboxPhone)
	srv.RequireMFA("ada", "AUTHENTICATION_TYPE_SMS_OTP")
	dir := t.TempDir()
	keys := store.NewFileKeys(dir)
	m := newManager(store.NewFile(dir), keys)
	sv := session.Servers{Default: srv.URL}
	cfg := tuiConfig(tuiParts{Manager: m, StorePath: store.NewFile(dir).Path(), KeyStore: "file", Servers: &sv, LoginURL: srv.URL,
		AuthProxyURL: srv.URL, AuthProxyID: "cfg"})
	cfg.Watch = false
	screen := &atomic.Value{}
	tm := teatest.NewTestModel(t, screenProbe{ui.New(cfg), screen}, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	t.Cleanup(func() { tm.Quit() })
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	waitScreen(t, screen, "No sessions")
	tm.Send(tea.KeyPressMsg{Code: 'l', Text: "l"})
	waitScreen(t, screen, "Email address")
	tm.Type(turnkeytest.SandboxEmail)
	tm.Send(enter)
	waitScreen(t, screen, "Turnkey sent")
	tm.Type(turnkeytest.SandboxCode)
	tm.Send(enter)
	return srv, m, keys, tm, screen
}
