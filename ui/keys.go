package ui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding. setMode enables only those that mean
// something in the current mode, so key.Matches ignores the rest and the
// help shows only what works.
type keyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding

	Activate, Logout, LogoutActive, LogoutAll, Prune, Reload, Filter, Reveal, Refresh, Check key.Binding

	Confirm, Cancel, Apply, ClearFilter key.Binding

	Help, Quit, ForceQuit key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		End:      key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),

		Activate:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "make active")),
		Logout:       key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "log out")),
		LogoutActive: key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "log out active")),
		LogoutAll:    key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "log out all")),
		Prune:        key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "prune key pairs")),
		Reload:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Reveal:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "show/hide token")),
		Refresh:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh")),
		Check:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check on Turnkey")),

		Confirm:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "confirm")),
		Cancel:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel")),
		Apply:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),

		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// can says what there is to act on.
type can struct {
	rows     bool // a row is shown (and selected)
	sessions bool // sessions are stored
	active   bool // one of them is active
	filtered bool // a filter is applied
	api      bool // Turnkey's API is at hand (not in the demo)
}

// setMode enables the bindings that mean something in mode, given what
// there is to act on.
func (k *keyMap) setMode(m mode, c can) {
	list, filter, dialog := m == modeList, m == modeFilter, m == modeConfirm || m == modeTyped
	hasRows, filtered := c.rows, c.filtered
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
		b.SetEnabled((list || filter) && hasRows)
	}
	for _, b := range []*key.Binding{&k.Activate, &k.Logout, &k.Reveal} {
		b.SetEnabled(list && hasRows)
	}
	k.Refresh.SetEnabled(list && hasRows && c.api)
	k.Check.SetEnabled(list && hasRows && c.api)
	k.LogoutActive.SetEnabled(list && c.active)
	k.LogoutAll.SetEnabled(list && c.sessions)
	for _, b := range []*key.Binding{&k.Prune, &k.Reload, &k.Filter, &k.Help, &k.Quit} {
		b.SetEnabled(list)
	}
	k.ClearFilter.SetEnabled(filter || (list && filtered))
	k.Apply.SetEnabled(filter || m == modeTyped)
	k.Confirm.SetEnabled(m == modeConfirm)
	k.Cancel.SetEnabled(dialog)
	k.ForceQuit.SetEnabled(true)
}

// ShortHelp implements help.KeyMap.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Confirm, k.Apply, k.Cancel, k.ClearFilter, k.Up, k.Down, k.Activate, k.Logout, k.LogoutActive, k.Refresh, k.Filter, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Activate, k.Refresh, k.Check, k.Logout, k.LogoutActive, k.LogoutAll, k.Prune},
		{k.Filter, k.ClearFilter, k.Reveal, k.Reload, k.Help, k.Quit},
		{k.Confirm, k.Apply, k.Cancel},
	}
}
