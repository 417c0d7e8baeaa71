package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// filter is the query that narrows the table to the sessions whose key,
// user or organization holds it: typed after /, kept with enter, cleared
// with esc.
type filter struct {
	input textinput.Model
	keys  filterKeys
}

func newFilter() filter {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "session key, user or organization"
	return filter{input: in, keys: newFilterKeys()}
}

// SetSize sizes the input to the screen's width.
func (f *filter) SetSize(width int) { f.input.SetWidth(max(width-4, 10)) }

func (f filter) ShortHelp() []key.Binding  { return f.keys.ShortHelp() }
func (f filter) FullHelp() [][]key.Binding { return f.keys.FullHelp() }

// Value is the query as typed.
func (f filter) Value() string { return f.input.Value() }

func (f *filter) Focus() tea.Cmd { return f.input.Focus() }

func (f *filter) Blur() { f.input.Blur() }

func (f *filter) Clear() {
	f.input.SetValue("")
	f.input.Blur()
}

func (f *filter) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return cmd
}

func (f filter) View() string { return f.input.View() }

// match returns the sessions of all the query matches, in their order.
func (f filter) match(all []*session.Session) []*session.Session {
	// A query cannot hold a line break, so it matches within one field.
	q := strings.ToLower(strings.ReplaceAll(f.Value(), "\n", ""))
	if q == "" {
		return all
	}
	var rows []*session.Session
	for _, s := range all {
		if strings.Contains(strings.ToLower(s.Key+"\n"+s.UserID+"\n"+s.OrganizationID), q) {
			rows = append(rows, s)
		}
	}
	return rows
}
