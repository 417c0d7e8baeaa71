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
	common
	input textinput.Model
	keys  filterKeys
}

func newFilter() filter {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "session key, user or organization"
	return filter{input: in, keys: newFilterKeys()}
}

// SetSize sizes the input to the screen's width; it draws in the footer.
func (f *filter) SetSize(width, _ int) { f.input.SetWidth(max(width-4, 10)) }

// enable turns on the keys that mean something now: the arrows move the
// table's cursor while there are rows.
func (f *filter) enable() { f.keys.navKeys.enable(f.rows > 0) }

func (f filter) ShortHelp() []key.Binding  { f.enable(); return f.keys.ShortHelp() }
func (f filter) FullHelp() [][]key.Binding { f.enable(); return f.keys.FullHelp() }

// Value is the query as typed.
func (f filter) Value() string { return f.input.Value() }

func (f *filter) Focus() tea.Cmd { return f.input.Focus() }

func (f *filter) Blur() { f.input.Blur() }

func (f *filter) Clear() {
	f.input.SetValue("")
	f.input.Blur()
}

// Update types into the query, which narrows the table as it is typed;
// enter keeps it, esc clears it; the arrows and the wheel move the
// table's cursor.
func (f *filter) Update(msg tea.Msg) tea.Cmd {
	f.enable()
	k := f.keys
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		f.ask(moveMsg{wheel: wheelStep(msg.Mouse())})
		return nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Clear):
			f.Clear()
			f.ask(refilterMsg{}, focusMsg{focusTable})
			return nil
		case key.Matches(msg, k.Apply):
			f.Blur()
			f.ask(focusMsg{focusTable})
			return nil
		case key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End):
			f.ask(moveMsg{key: msg, nav: k.navKeys})
			return nil
		}
	}
	cmd := f.typeInto(msg)
	f.ask(refilterMsg{})
	return cmd
}

// typeInto hands msg to the input.
func (f *filter) typeInto(msg tea.Msg) tea.Cmd {
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
