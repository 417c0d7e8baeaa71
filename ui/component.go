package ui

import (
	"context"

	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// component is what the root asks of every pane and dialog, in
// soft-serve's shape: it handles the messages the root routes to it,
// draws into the size it is given, and names its keys for the help bar.
// Its keys are enabled from its own state, where they are matched and
// shown. A component reaches the root only through requests (ask).
type component interface {
	help.KeyMap
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	shared() *common
}

// common is what a component shares with the root: the styles, the facts
// it shows, and the requests it makes of the root. The root copies its
// own into every component after each update (sync), so that none holds
// the root by pointer.
type common struct {
	styles *Styles
	facts
	asks []tea.Msg
}

// Every pane and dialog is a component.
var (
	_ component = (*table)(nil)
	_ component = (*filter)(nil)
	_ component = (*dialog)(nil)
	_ component = (*viewer)(nil)
	_ component = (*loginForm)(nil)
	_ component = (*remoteView)(nil)
)

func (c *common) shared() *common { return c }

// ask requests msgs of the root, which handles them as messages when the
// update that made them ends.
func (c *common) ask(msgs ...tea.Msg) { c.asks = append(c.asks, msgs...) }

// facts are what the panes show, as the root last learned them.
type facts struct {
	state     *session.State
	loadErr   error
	presence  map[string]session.Presence
	checks    map[string]checkedMsg // Turnkey's last verdict, by session key
	checking  map[string]bool       // sessions being checked now
	now       time.Time
	api       bool     // Turnkey's API is at hand (not in the demo)
	canLogin  bool     // the TUI can log in
	canRemote bool     // the TUI can ask Turnkey for a user's sessions
	demo      bool     // the store is the demo's
	shell     string   // the session TKAUTH_SESSION selects, if any
	guide     []string // Config.Guide
	query     string   // the filter, as typed
	rows      int      // how many rows the table shows
	busy      string   // the action running now, if any
}

// active is the key of the active session, or "".
func (f facts) active() string {
	if f.state == nil {
		return ""
	}
	return f.state.Active
}

// expiredCount is how many sessions have expired.
func (f facts) expiredCount() int {
	n := 0
	if f.state != nil {
		for _, s := range f.state.Sessions {
			if s.Expired(f.now) {
				n++
			}
		}
	}
	return n
}

// Requests a component makes of the root (ask): the root owns the focus,
// the status line, the one action that runs, and the table's rows.

// focusMsg moves the keyboard to another component.
type focusMsg struct{ to focus }

// sayMsg shows a status message.
type sayMsg struct {
	kind statusKind
	text string
}

// startMsg starts an action with the spinner going: cmd, or run, which
// esc or ctrl+c cancels through its context while it runs (and cmd, if
// set, runs beside it).
type startMsg struct {
	busy string
	cmd  tea.Cmd
	run  func(ctx context.Context) tea.Msg
}

// dialogMsg opens a confirmation.
type dialogMsg struct{ d dialog }

// yankMsg asks which of the selected session's fields to copy.
type yankMsg struct{}

// refilterMsg shows the rows the filter lets through.
type refilterMsg struct{}

// moveMsg moves the table's cursor: by a key of nav, or by wheel rows.
type moveMsg struct {
	key   tea.KeyPressMsg
	nav   navKeys
	wheel int
}

// actKeyMsg is a key on the table that is not a move: an action, which
// the root runs (actions.go).
type actKeyMsg struct{ tea.KeyPressMsg }

// wheelStep is how far a wheel event scrolls: -1, 1, or 0 for another
// button.
func wheelStep(m tea.Mouse) int {
	switch m.Button {
	case tea.MouseWheelUp:
		return -1
	case tea.MouseWheelDown:
		return 1
	}
	return 0
}
