package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// viewer shows a text of its own over the whole body of the screen: a
// session's token, or every key. What does not fit scrolls.
type viewer struct {
	help    bool             // the keys; else the token of session
	session *session.Session // whose token is shown

	common
	keys   viewerKeys
	scroll scroller
	width  int
}

func newViewer(c common, help bool, s *session.Session) viewer {
	return viewer{help: help, session: s, common: c, keys: newViewerKeys()}
}

// SetSize sizes the viewer to the body of the screen.
func (v *viewer) SetSize(width, height int) {
	v.width = width
	v.scroll.setSize(height, v.layout)
}

// enable turns on the keys that mean something now.
func (v *viewer) enable() {
	v.keys.navKeys.enable(v.scroll.maxOff(v.layout) > 0)
	v.keys.Copy.SetEnabled(!v.help && v.session != nil)
}

func (v viewer) ShortHelp() []key.Binding  { v.enable(); return v.keys.ShortHelp() }
func (v viewer) FullHelp() [][]key.Binding { v.enable(); return v.keys.FullHelp() }

func (v viewer) View() string { return strings.Join(v.scroll.lines(v.layout, v.styles.Dim), "\n") }

// Update scrolls, closes (esc, q, or ? on the help), or asks to copy (y).
func (v *viewer) Update(msg tea.Msg) tea.Cmd {
	v.enable()
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		v.scroll.wheel(wheelStep(msg.Mouse()), v.layout)
	case tea.KeyPressMsg:
		switch {
		case v.scroll.key(msg, v.keys.navKeys, v.layout):
		case key.Matches(msg, v.keys.Copy):
			v.ask(yankMsg{})
		case key.Matches(msg, v.keys.Close), v.help && msg.String() == "?":
			v.ask(focusMsg{focusTable})
		}
	}
	return nil
}

func (v viewer) layout(tight bool) parts {
	blank := []string{""}
	if tight {
		blank = nil
	}
	st := v.styles
	if v.help {
		keys := newListKeys()
		keys.enable(can{rows: true, sessions: true, active: true, expired: true, filtered: true, api: v.api, login: v.canLogin, remote: v.canRemote})
		g := newGlobalKeys()
		g.Interrupt.SetHelp("ctrl+c", "quit; in a dialog or form, cancel")
		groups := keys.FullHelp()
		groups[len(groups)-1] = append(groups[len(groups)-1], g.Help, g.Quit, g.Interrupt)
		body := v.guideLines()
		for i, group := range groups {
			if i > 0 {
				body = append(body, "")
			}
			for _, b := range group {
				if b.Enabled() {
					body = append(body, "  "+st.Title.Render(escape.Fit(b.Help().Key, 8))+" "+b.Help().Desc)
				}
			}
		}
		body = append(body, "")
		var notes []string
		if !v.api {
			notes = append(notes, "l (log in), R (refresh), c (check) and s (sessions on Turnkey) need Turnkey's API, which the demo has not: tkauth demo --api has a stand-in.")
		}
		notes = append(notes, "In a dialog, ↑ ↓ pgup pgdn scroll what does not fit. The mouse selects and scrolls.")
		for _, n := range notes {
			for _, l := range wrap(lipgloss.NewStyle(), n, max(v.width-4, 20)) {
				body = append(body, "  "+l)
			}
		}
		return parts{head: append([]string{st.Title.Render("Keys")}, blank...), body: body}
	}
	if v.session == nil {
		return parts{}
	}
	s := v.session
	tok := escape.Lines(s.Token) // whole: Clean cuts long text
	head := wrap(st.Title, fmt.Sprintf("Token of %s (%d characters)", escape.Clean(s.Key), len(tok)), v.width)
	var body []string
	for _, l := range strings.Split(ansi.Hardwrap(tok, max(v.width-2, 10), false), "\n") {
		body = append(body, "  "+l)
	}
	foot := wrap(st.Dim, "It signs nothing by itself; anyone who holds it and the key pair is this session until it expires.", v.width)
	return parts{head: append(head, blank...), body: body, foot: append(slices.Clone(blank), foot...)}
}

// guideLines are the guide, for the help: sentences wrapped, commands
// broken so that they paste whole.
func (v viewer) guideLines() []string {
	if len(v.guide) == 0 {
		return nil
	}
	var out []string
	for _, g := range v.guide {
		if cmd, ok := strings.CutPrefix(g, "$ "); ok {
			out = append(out, commandLines(cmd, max(v.width, 20))...)
			continue
		}
		for _, l := range wrap(lipgloss.NewStyle(), g, max(v.width-4, 20)) {
			out = append(out, "  "+l)
		}
	}
	return append(out, "")
}

// commandLines lays out a shell command in lines of at most width cells
// that, pasted into a shell, are the command: broken between words (at
// spaces outside quotes), each line but the last ending " \\", the next
// indented. A word too long for a line is broken too, ending "\\" and
// going on at the start of the next line, which the shell joins to it;
// unless it holds quotes, inside which a shell would not.
func commandLines(cmd string, width int) []string {
	const first, more = "  ", "    "
	var lines []string
	line, indent := "", first
	for _, w := range shellWords(cmd) {
		if line != "" {
			if ansi.StringWidth(indent+line+" "+w+" \\") <= width {
				line += " " + w
				continue
			}
			lines = append(lines, indent+line+" \\")
			line, indent = "", more
		}
		for !strings.ContainsAny(w, "'\"") && ansi.StringWidth(indent+w+" \\") > width {
			part := ansi.Truncate(w, max(width-ansi.StringWidth(indent)-1, 1), "")
			if part == "" {
				break // not even its first character fits
			}
			lines = append(lines, indent+part+"\\")
			w, indent = w[len(part):], ""
		}
		line = w
	}
	return append(lines, indent+line)
}

// shellWords splits a command at the spaces outside quotes.
func shellWords(cmd string) []string {
	var words []string
	start, quote := 0, rune(0)
	for i, r := range cmd {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == ' ':
			if i > start {
				words = append(words, cmd[start:i])
			}
			start = i + 1
		}
	}
	if start < len(cmd) {
		words = append(words, cmd[start:])
	}
	return words
}
