package ui

import (
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/tkauth/tkauth/session"
)

// loadedMsg carries the store as read by loadCmd.
type loadedMsg struct {
	state *session.State
	err   error
	read  uint64 // the order in which it started reading
}

// presenceMsg answers which key pairs their key stores hold, for the load
// numbered gen; an answer for an older load is dropped.
type presenceMsg struct {
	gen      int
	presence map[string]session.Presence
	// leftovers: what text.LeftoverNotes says of the load's state.
	leftovers []string
}

// tickMsg is the clock's time, once a second, for the countdowns.
type tickMsg time.Time

// actionDoneMsg ends an action: what to tell the user, and err if it
// failed, or warn if it did what was asked but the user should know more.
type actionDoneMsg struct {
	status string
	err    error
	warn   bool
}

func (a actionDoneMsg) kind() statusKind {
	switch {
	case a.err != nil:
		return statusErr
	case a.warn:
		return statusWarn
	}
	return statusOK
}

// watchingMsg says the session file's directory is being watched by w.
type watchingMsg struct {
	w    *fsnotify.Watcher
	file string // the session file's name in it
}

// storeChangedMsg says another process (or this one) changed the store.
type storeChangedMsg struct{}

// watchErrMsg says watching the store failed; the view still reloads after
// each action and on r.
type watchErrMsg struct{ err error }

// checkedMsg is Turnkey's verdict on a session, whose key pair was pub,
// asked at at.
type checkedMsg struct {
	check session.Check
	pub   string
	at    time.Time
}

// keyStoreMsg says which key store was chosen after the first frame.
type keyStoreMsg struct{ name, note string }
