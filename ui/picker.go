package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// picker lets the user choose a session: type to filter, up and down to
// move, enter to choose, esc to cancel. It draws in place, not on the
// alternate screen, as a prompt does.
type picker struct {
	all    []*session.Session
	active string
	now    time.Time
	filter filter // as the TUI's: key, user or organization
	rows   []*session.Session
	cursor int
	action string // what enter does: "switch to", "log out"
	chosen string
	done   bool
}

// pickerRows is how many sessions the picker shows at once.
const pickerRows = 10

func newPicker(st *session.State, now time.Time, action string) picker {
	f := newFilter()
	f.input.Prompt = action + ": "
	f.input.Placeholder = "type to filter"
	f.input.SetWidth(40)
	f.Focus()
	p := picker{active: st.Active, now: now, filter: f, action: action}
	for _, k := range st.Keys() {
		p.all = append(p.all, st.Sessions[k])
	}
	p.refilter()
	for i, s := range p.rows {
		if s.Key == st.Active {
			p.cursor = i
		}
	}
	return p
}

// refilter shows what the query matches, the cursor staying on the same
// session if it is still shown, else going to the first match.
func (p *picker) refilter() {
	var on string
	if p.cursor < len(p.rows) {
		on = p.rows[p.cursor].Key
	}
	p.rows = p.filter.match(p.all)
	p.cursor = max(0, slices.IndexFunc(p.rows, func(s *session.Session) bool { return s.Key == on }))
}

func (p picker) Init() tea.Cmd { return textinput.Blink }

func (p picker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	switch k.String() {
	case "esc", "ctrl+c":
		p.done = true
		return p, tea.Quit
	case "enter":
		if len(p.rows) > 0 {
			p.chosen, p.done = p.rows[p.cursor].Key, true
			return p, tea.Quit
		}
		return p, nil
	case "up", "ctrl+p":
		p.cursor = max(0, p.cursor-1)
		return p, nil
	case "down", "ctrl+n":
		p.cursor = min(len(p.rows)-1, p.cursor+1)
		return p, nil
	}
	cmd := p.filter.typeInto(msg)
	p.refilter()
	return p, cmd
}

func (p picker) View() tea.View {
	if p.done {
		return tea.NewView("")
	}
	var b strings.Builder
	b.WriteString(p.filter.View() + "\n")
	keyW := 0 // the keys' column, as wide as the widest shown
	for _, s := range p.rows {
		keyW = max(keyW, escape.Width(escape.Clean(s.Key)))
	}
	first := max(0, p.cursor-pickerRows+1)
	for i := first; i < min(len(p.rows), first+pickerRows); i++ {
		s := p.rows[i]
		mark, active := "  ", " "
		if i == p.cursor {
			mark = "› "
		}
		if s.Key == p.active {
			active = "●"
		}
		b.WriteString(mark + active + " " + escape.Fit(escape.Clean(s.Key), keyW) + "  " + text.Expiry(p.now, s.Expiry) + "\n")
	}
	if len(p.rows) == 0 {
		b.WriteString("  no session matches\n")
	}
	b.WriteString("enter: " + p.action + "  esc: cancel")
	return tea.NewView(b.String())
}

// Pick shows st's sessions for the user to choose one, the active one
// selected, and returns the chosen key, or "" if the user cancelled.
// action says what choosing one does: "switch to", "log out".
func Pick(ctx context.Context, st *session.State, now time.Time, action string) (string, error) {
	m, err := tea.NewProgram(newPicker(st, now, action), tea.WithContext(ctx)).Run()
	if err != nil {
		return "", err
	}
	return m.(picker).chosen, nil
}
