package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/cryptotest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
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
	tm.Send(keyMsg("d"))
	waitFor(t, tm, "Log out acme/admin?")
}

// sizes are the terminals every screen is drawn in: the smallest tkauth
// takes, small, the classic, and large.
var sizes = [][2]int{{50, 12}, {60, 15}, {80, 24}, {120, 35}, {200, 60}}

// TestGoldenScreens draws each screen at each size. Whatever the size, a
// dialog shows its question, its confirm line and its input; the help bar
// keeps ? and q; problems are the last columns to go.
func TestGoldenScreens(t *testing.T) {
	screens := []struct {
		name string
		keys []string
		want []string // what the screen must show at every size
	}{
		{"list", nil, []string{"active: acme/admin", "KEY PAIR", "? help", "q quit"}},
		{"details", []string{"home"}, []string{"›  @turnkey/", "? help", "q quit"}},
		{"logout", []string{"d"}, []string{"Log out acme/admin?", "n or esc: cancel"}},
		{"logout-all", []string{"D"}, []string{"Log out all 6 sessions?", "press enter to log out", "> "}},
		{"logout-expired", []string{"X"}, []string{"Log out globex/ci?", "n or esc: cancel"}},
		{"help", []string{"?"}, []string{"Keys", "esc close"}},
		{"filter", []string{"/", "a", "c", "m", "e"}, []string{"/ acme", "acme/viewer"}},
		{"token", []string{"t"}, []string{"Token of acme/admin", "esc close"}},
	}
	for _, sc := range screens {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				mgr, _ := demoManager(t)
				tm := startTUI(t, testConfig(mgr), size[0], size[1])
				waitFor(t, tm, "present")
				for _, k := range sc.keys {
					tm.Send(keyMsg(k))
				}
				waitFor(t, tm, sc.want...)
				golden.RequireEqual(t, finalScreen(t, tm))
			})
		}
	}
}

// fortyManager is a real Manager over a store of 40 sessions, most of them
// expired, made deterministic so screens can be compared.
func fortyManager(t *testing.T) *session.Manager {
	t.Helper()
	cryptotest.SetGlobalRandom(t, 2)
	dir := t.TempDir()
	keys := store.NewFileKeys(dir)
	if err := fixture.Store(context.Background(), dir, keys, 40, t0); err != nil {
		t.Fatal(err)
	}
	return session.NewManager(store.NewFile(dir), keys).WithClock(clock)
}

// The prune dialog, over the 40-session store's 11 unused key pairs.
func TestGoldenPruneDialog(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			tm := startTUI(t, testConfig(fortyManager(t)), size[0], size[1])
			waitFor(t, tm, "org-000/user-00000", "present")
			tm.Send(keyMsg("p"))
			waitFor(t, tm, "Delete 11 unused key pairs?", "y: delete")
			golden.RequireEqual(t, finalScreen(t, tm))
		})
	}
}

// With 40 sessions, logging out all overflows every terminal: the list of
// what goes scrolls, and the question, the confirm line and the input stay.
func TestGoldenLogoutAllOverflows(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			tm := startTUI(t, testConfig(fortyManager(t)), size[0], size[1])
			waitFor(t, tm, "org-000/user-00000", "present")
			tm.Send(keyMsg("D"))
			waitFor(t, tm, "Log out all 40 sessions?", "press enter to log out", "> ")
			if size[1] < 60 {
				waitFor(t, tm, "lines")
				tm.Send(keyMsg("end"))
				waitFor(t, tm, "none.)", " lines")
			}
			golden.RequireEqual(t, finalScreen(t, tm))
		})
	}
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
