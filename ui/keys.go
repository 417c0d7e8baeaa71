package ui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding. setMode enables only those that mean
// something in the current mode, so key.Matches ignores the rest and the
// help shows only what works.
type keyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding

	Activate, Logout, LogoutActive, LogoutExpired, LogoutAll, Prune, Reload, Filter, Token, Copy, Refresh, Check key.Binding

	Confirm, Revoke, Cancel, Apply, ClearFilter, Close key.Binding

	Help, Quit, ForceQuit key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),

		Activate:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "make active")),
		Logout:        key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "log out")),
		LogoutActive:  key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "log out active")),
		LogoutExpired: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "log out expired")),
		LogoutAll:     key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "log out all")),
		Prune:         key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "prune key pairs")),
		Reload:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Filter:        key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Token:         key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "token")),
		Copy:          key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy…")),
		Refresh:       key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh")),
		Check:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check on Turnkey")),

		Confirm:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "confirm")),
		Revoke:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "revoke, log out")),
		Cancel:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel")),
		Apply:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Close:       key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "close")),

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
	expired  bool // some have expired
	filtered bool // a filter is applied
	api      bool // Turnkey's API is at hand (not in the demo)
	scroll   bool // the overlay shown has more than fits
}

// setMode enables the bindings that mean something in m, given what there
// is to act on.
func (k *keyMap) setMode(m mode, c can) {
	list, filter := m == modeList, m == modeFilter
	dialog := m == modeConfirm || m == modeTyped
	overlay := dialog || m == modeToken || m == modeHelp
	hasRows := c.rows
	switch {
	case filter:
		// Letters are typed into the query.
		k.Up.SetKeys("up")
		k.Up.SetHelp("↑", "up")
		k.Down.SetKeys("down")
		k.Down.SetHelp("↓", "down")
	case overlay:
		// Letters may be typed into a dialog's input.
		k.Up.SetKeys("up")
		k.Up.SetHelp("↑", "scroll")
		k.Down.SetKeys("down")
		k.Down.SetHelp("↓", "scroll")
		k.Home.SetKeys("home")
		k.Home.SetHelp("home", "top")
		k.End.SetKeys("end")
		k.End.SetHelp("end", "bottom")
	default:
		k.Up.SetKeys("up", "k")
		k.Up.SetHelp("↑/k", "up")
		k.Down.SetKeys("down", "j")
		k.Down.SetHelp("↓/j", "down")
		k.Home.SetKeys("home", "g")
		k.Home.SetHelp("g/home", "first")
		k.End.SetKeys("end", "G")
		k.End.SetHelp("G/end", "last")
	}
	k.Up.SetEnabled((list || filter) && hasRows || overlay && c.scroll)
	k.Down.SetEnabled((list || filter) && hasRows || overlay && c.scroll)
	k.PageUp.SetEnabled((list || filter) && hasRows || overlay && c.scroll)
	k.PageDown.SetEnabled((list || filter) && hasRows || overlay && c.scroll)
	k.Home.SetEnabled(list && hasRows || overlay && c.scroll)
	k.End.SetEnabled(list && hasRows || overlay && c.scroll)
	for _, b := range []*key.Binding{&k.Activate, &k.Logout, &k.Token} {
		b.SetEnabled(list && hasRows)
	}
	k.Copy.SetEnabled((list || m == modeToken) && hasRows)
	k.Refresh.SetEnabled(list && hasRows && c.api)
	k.Check.SetEnabled(list && hasRows && c.api)
	k.LogoutActive.SetEnabled(list && c.active)
	k.LogoutExpired.SetEnabled(list && c.expired)
	k.LogoutAll.SetEnabled(list && c.sessions)
	for _, b := range []*key.Binding{&k.Prune, &k.Reload, &k.Filter, &k.Help, &k.Quit} {
		b.SetEnabled(list)
	}
	k.ClearFilter.SetEnabled(filter || (list && c.filtered))
	k.Apply.SetEnabled(filter || m == modeTyped)
	if m == modeTyped {
		k.Apply.SetHelp("enter", "confirm")
	} else {
		k.Apply.SetHelp("enter", "done")
	}
	k.Confirm.SetEnabled(m == modeConfirm)
	k.Revoke.SetEnabled(m == modeConfirm && c.api)
	k.Cancel.SetEnabled(dialog)
	k.Close.SetEnabled(m == modeToken || m == modeHelp)
	k.ForceQuit.SetEnabled(true)
}

// shortHelp is the help bar's bindings, most needed first; the bar drops
// from the end of the middle ones, never the last (mustShow).
func (k keyMap) shortHelp() (bindings []key.Binding, mustShow int) {
	return []key.Binding{
		k.Confirm, k.Revoke, k.Apply, k.Cancel, k.Close, k.ClearFilter,
		k.Activate, k.Logout, k.Copy, k.Token, k.Filter, k.Up, k.Down, k.LogoutActive, k.Refresh,
		k.Help, k.Quit,
	}, 2
}

// helpGroups is every binding, for the help screen.
func (k keyMap) helpGroups() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Activate, k.Refresh, k.Check, k.Logout, k.LogoutActive, k.LogoutExpired, k.LogoutAll, k.Prune},
		{k.Filter, k.ClearFilter, k.Token, k.Copy, k.Reload, k.Help, k.Quit},
	}
}
