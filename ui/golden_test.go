package ui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tkauth/tkauth/store"
)

// Golden screens, rendered by the real program loop at a fixed size,
// clock and colour profile. They compare View().Content with ANSI
// stripped, so they do not depend on the terminal. Update them with
// go test ./ui -run Golden -update, and read the diff.

// probe is the Model, publishing its screen after every update. The
// renderer writes only the cells that change, so waiting on the output
// stream for a phrase is a race; waiting on the model's own screen is not.
type probe struct {
	Model
	screen *atomic.Value
}

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := p.Model.Update(msg)
	p.Model = m.(Model)
	p.screen.Store(screen(p.Model))
	return p, cmd
}

type tui struct {
	*teatest.TestModel
	screen *atomic.Value
}

func startTUI(t *testing.T, cfg Config, w, h int) tui {
	t.Helper()
	p := probe{Model: New(cfg), screen: &atomic.Value{}}
	p.screen.Store("")
	tm := teatest.NewTestModel(t, p,
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return tui{tm, p.screen}
}

// waitFor waits until the screen shows every one of want.
func waitFor(t *testing.T, tm tui, want ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := tm.screen.Load().(string)
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q; it shows:\n%s", missing, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// finalScreen quits and returns the last screen, as text.
func finalScreen(t *testing.T, tm tui) []byte {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(probe).Model
	return []byte(screen(m))
}

// demoTUI is the TUI over the demo store at 100x30, loaded, key pair
// presence known.
func demoTUI(t *testing.T) tui {
	t.Helper()
	mgr, _ := demoManager(t)
	tm := startTUI(t, testConfig(mgr), 100, 30)
	waitFor(t, tm, "initech/dev", "present")
	return tm
}

// logoutDialog selects acme/admin and asks to log it out.
func logoutDialog(t *testing.T, tm tui) {
	t.Helper()
	tm.Send(keyMsg("j"))
	tm.Send(keyMsg("d"))
	waitFor(t, tm, "Log out acme/admin?")
}

func TestGoldenDemoList(t *testing.T) {
	tm := demoTUI(t)
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenConfirmDialog(t *testing.T) {
	tm := demoTUI(t)
	logoutDialog(t, tm)
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenAfterLogout(t *testing.T) {
	tm := demoTUI(t)
	logoutDialog(t, tm)
	tm.Send(keyMsg("y"))
	waitFor(t, tm, "5 sessions", "Logged out acme/admin", "── acme/viewer ──")
	out := finalScreen(t, tm)
	if bytes.Contains(out, []byte(" acme/admin ")) {
		t.Errorf("acme/admin still listed:\n%s", out)
	}
	golden.RequireEqual(t, out)
}

func TestGoldenEmptyState(t *testing.T) {
	dir := t.TempDir()
	mgr := emptyManager(dir)
	tm := startTUI(t, testConfig(mgr), 80, 20)
	waitFor(t, tm, "No sessions yet.")
	golden.RequireEqual(t, finalScreen(t, tm))
}

func TestGoldenTooSmall(t *testing.T) {
	mgr, _ := demoManager(t)
	tm := startTUI(t, testConfig(mgr), 40, 10)
	waitFor(t, tm, "needs at least")
	golden.RequireEqual(t, finalScreen(t, tm))
}

// The demo flow in the TUI shows no private key, and no token until t.
func TestTUIShowsNoSecrets(t *testing.T) {
	mgr, dir := demoManager(t)
	var privs []string
	files, _ := filepath.Glob(filepath.Join(store.NewFileKeys(dir).Dir(), "*.private"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		privs = append(privs, strings.TrimSpace(string(b)))
	}
	st, _ := mgr.State(context.Background())
	tm := startTUI(t, testConfig(mgr), 120, 40)
	waitFor(t, tm, "initech/dev", "present")
	for _, k := range []string{"j", "d", "esc", "j", "L", "n", "D", "esc", "p", "/", "a", "c", "enter", "esc", "?", "?", "end", "home", "j", "d", "y"} {
		tm.Send(keyMsg(k))
	}
	// The logout's outcome, and the reload after it (the selection moves
	// on, which hides a revealed token).
	waitFor(t, tm, "Logged out acme/admin", "── acme/viewer ──")
	stream, _ := io.ReadAll(tm.Output())
	seen := string(stream) + tm.screen.Load().(string)
	for _, p := range privs {
		if strings.Contains(seen, p) {
			t.Error("a private key reached the terminal")
		}
	}
	for _, s := range st.Sessions {
		if strings.Contains(seen, s.Token) || strings.Contains(seen, s.Token[:40]) {
			t.Errorf("the token of %s was shown without t", s.Key)
		}
	}
	// The control: t shows it.
	tm.Send(keyMsg("t"))
	waitFor(t, tm, "eyJ")
	finalScreen(t, tm)
}
