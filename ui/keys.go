package ui

import "charm.land/bubbles/v2/key"

// Each component has its own key map; the root enables the bindings that
// mean something now, so key.Matches ignores the rest and the help bar
// shows only what works.

// navKeys move a cursor, or scroll.
type navKeys struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
}

// scrollKeys scroll an overlay; without letters, which a dialog's input
// takes.
func scrollKeys() navKeys {
	return navKeys{
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "scroll")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "scroll")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		End:      key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "bottom")),
	}
}

func (k *navKeys) enable(on bool) {
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Home, &k.End} {
		b.SetEnabled(on)
	}
}

// can says what there is to act on in the list.
type can struct {
	rows     bool // a row is shown (and selected)
	sessions bool // sessions are stored
	active   bool // one of them is active
	expired  bool // some have expired
	filtered bool // a filter is applied
	api      bool // Turnkey's API is at hand (not in the demo)
	login    bool // the TUI can log in
	remote   bool // the TUI can ask Turnkey for a user's sessions
}

// listKeys are the session table's: moving, and acting on sessions.
type listKeys struct {
	navKeys
	Activate, Logout, LogoutActive, LogoutExpired, LogoutAll, Prune key.Binding
	Reload, Filter, ClearFilter, Token, Copy, Refresh, Check        key.Binding
	Login, Remote                                                   key.Binding
}

func newListKeys() listKeys {
	return listKeys{
		navKeys: navKeys{
			Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
			PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
			Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
			End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		},
		Activate:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "make active")),
		Logout:        key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "log out")),
		LogoutActive:  key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "log out active")),
		LogoutExpired: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "log out expired")),
		LogoutAll:     key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "log out all")),
		Prune:         key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "prune key pairs")),
		Reload:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Filter:        key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Token:         key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "token")),
		Copy:          key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy…")),
		Refresh:       key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh")),
		Check:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check on Turnkey")),
		Login:         key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "log in")),
		Remote:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sessions on Turnkey")),
	}
}

// enable turns on the bindings that c gives something to act on.
func (k *listKeys) enable(c can) {
	k.navKeys.enable(c.rows)
	for _, b := range []*key.Binding{&k.Activate, &k.Logout, &k.Token, &k.Copy} {
		b.SetEnabled(c.rows)
	}
	k.Refresh.SetEnabled(c.rows && c.api)
	k.Check.SetEnabled(c.rows && c.api)
	k.Login.SetEnabled(c.login)
	k.Remote.SetEnabled(c.rows && c.remote)
	k.LogoutActive.SetEnabled(c.active)
	k.LogoutExpired.SetEnabled(c.expired)
	k.LogoutAll.SetEnabled(c.sessions)
	k.ClearFilter.SetEnabled(c.filtered)
}

// ShortHelp implements help.KeyMap, most needed first.
func (k listKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.ClearFilter, k.Activate, k.Logout, k.Copy, k.Token, k.Filter, k.Up, k.Down, k.LogoutActive, k.Refresh}
}

// FullHelp implements help.KeyMap.
func (k listKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Login, k.Activate, k.Refresh, k.Check, k.Remote, k.Logout, k.LogoutActive, k.LogoutExpired, k.LogoutAll, k.Prune},
		{k.Filter, k.ClearFilter, k.Token, k.Copy, k.Reload},
	}
}

// filterKeys are the filter's; letters are typed into the query.
type filterKeys struct {
	navKeys
	Apply, Clear key.Binding
}

func newFilterKeys() filterKeys {
	nav := scrollKeys()
	nav.Up.SetHelp("↑", "up")
	nav.Down.SetHelp("↓", "down")
	nav.Home.SetEnabled(false)
	nav.End.SetEnabled(false)
	return filterKeys{
		navKeys: nav,
		Apply:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
		Clear:   key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "clear filter")),
	}
}

func (k filterKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Apply, k.Clear, k.Up, k.Down}
}

func (k filterKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// dialogKeys are a confirmation's.
type dialogKeys struct {
	navKeys
	Confirm, Revoke, Cancel, Apply key.Binding
}

func newDialogKeys() dialogKeys {
	return dialogKeys{
		navKeys: scrollKeys(),
		Confirm: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "confirm")),
		Revoke:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "revoke, log out")),
		Cancel:  key.NewBinding(key.WithKeys("n", "esc", "ctrl+c"), key.WithHelp("n/esc", "cancel")),
		Apply:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
	}
}

func (k dialogKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Confirm, k.Revoke, k.Apply, k.Cancel, k.Up, k.Down}
}

func (k dialogKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// viewerKeys are the token and help viewers'.
type viewerKeys struct {
	navKeys
	Close, Copy key.Binding
}

// newViewerKeys are the viewers': they take no text, so the table's
// letters move too (the help lists them: g, G, j, k).
func newViewerKeys() viewerKeys {
	nav := scrollKeys()
	nav.Up.SetKeys("up", "k")
	nav.Down.SetKeys("down", "j")
	nav.Home.SetKeys("home", "g")
	nav.End.SetKeys("end", "G")
	return viewerKeys{
		navKeys: nav,
		Close:   key.NewBinding(key.WithKeys("esc", "q", "ctrl+c"), key.WithHelp("esc", "close")),
		Copy:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy…")),
	}
}

func (k viewerKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Close, k.Copy, k.Up, k.Down}
}

func (k viewerKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// globalKeys are the root's. Interrupt (ctrl+c) quits from the table
// only: every dialog, form and viewer has it among its cancel keys, so
// that it cancels there and never quits with work half done.
type globalKeys struct {
	Help, Quit, Interrupt key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}
