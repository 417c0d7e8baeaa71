package ui

import (
	"strings"
	"testing"
)

// helpScreen opens the help on m, scrolled whole: every line it has.
func helpScreen(t *testing.T, m Model) string {
	t.Helper()
	m, _ = press(t, m, "?")
	if m.focus != focusHelp {
		t.Fatalf("? opened no help:\n%s", screen(m))
	}
	return strings.Join(m.viewer.layout(false).body, "\n")
}

// The help lists every key the table takes in this TUI, l (log in) and s
// (sessions on Turnkey) among them where they work; the demo without an
// API says which keys need one.
func TestHelpListsEveryKey(t *testing.T) {
	mgr, _ := demoManager(t)
	_, login := codeLoginAt(t)
	full := testConfig(mgr)
	full.Login, full.Remote = login, &Remote{}
	for _, tt := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"the TUI", full, []string{"log in", "sessions on Turnkey"}},
		{"the demo", testConfig(mgr), []string{"l (log in), R (refresh), c (check) and s (sessions on Turnkey) need Turnkey's API"}},
	} {
		m := loaded(t, tt.cfg, 100, 40)
		help := helpScreen(t, m)
		keys := m.table.keys
		keys.enable(can{rows: true, sessions: true, active: true, expired: true, filtered: true, api: m.api, login: m.canLogin, remote: m.canRemote})
		for _, group := range keys.FullHelp() {
			for _, b := range group {
				if b.Enabled() && !strings.Contains(help, b.Help().Key+" ") {
					t.Errorf("%s: the help lacks %s (%s):\n%s", tt.name, b.Help().Key, b.Help().Desc, help)
				}
			}
		}
		for _, w := range append(tt.want, "ctrl+c") {
			if !strings.Contains(help, w) {
				t.Errorf("%s: the help lacks %q:\n%s", tt.name, w, help)
			}
		}
	}
}

// In the help, the keys it lists for moving work too: G goes to its end,
// g back to its top.
func TestHelpMovesAsItSays(t *testing.T) {
	mgr, _ := demoManager(t)
	m := loaded(t, testConfig(mgr), 60, 15) // too small for the whole help
	m, _ = press(t, m, "?")
	if m.viewer.scroll.maxOff(m.viewer.layout) == 0 {
		t.Fatal("setup: the help fits")
	}
	end, _ := press(t, m, "G")
	if end.viewer.scroll.off != end.viewer.scroll.maxOff(end.viewer.layout) {
		t.Errorf("G in the help: at %d of %d", end.viewer.scroll.off, end.viewer.scroll.maxOff(end.viewer.layout))
	}
	if top, _ := press(t, end, "g"); top.viewer.scroll.off != 0 {
		t.Errorf("g in the help: at %d", top.viewer.scroll.off)
	}
}

// A command of the guide is laid out in lines no wider than the help that,
// joined as a shell joins them (backslash-newline removed), are the
// command: broken between words, or inside a word too long for a line,
// never inside quotes.
func TestGuideCommandsPasteWhole(t *testing.T) {
	cmd := "TKAUTH_HOME=/tmp/tkauth-demo-1075626634 TKAUTH_KEYRING=file '/opt/my tools/tkauth' login --org 3f1c2a9e-7b4d-4e1a-9c2f-5d6e7f8a9b0c --api-key-file /tmp/tkauth-demo-1075626634/demo-api-key.private --api-url http://127.0.0.1:44333"
	for _, width := range []int{200, 80, 50, 30} {
		lines := commandLines(cmd, width)
		for _, l := range lines {
			if w := len([]rune(l)); w > width && !strings.Contains(l, "'") {
				t.Errorf("at %d: a line %d wide: %q", width, w, l)
			}
		}
		pasted := strings.ReplaceAll(strings.Join(lines, "\n"), "\\\n", "")
		if got, want := shellWords(pasted), shellWords(cmd); strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("at %d, pasted:\n%s\nwords %q", width, strings.Join(lines, "\n"), got)
		}
	}
}
