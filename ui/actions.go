package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// listKey handles a key on the table that is not a move: the actions on
// sessions, one at a time.
func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.table.keys
	s := m.table.current()
	switch {
	case key.Matches(msg, m.keys.Quit):
		if m.busy != "" {
			m.confirmQuit()
			return nil
		}
		return tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.open(focusHelp)
	case key.Matches(msg, k.ClearFilter):
		m.filter.Clear()
		m.table.setRows(m.all)
	case key.Matches(msg, k.Filter):
		m.focus = focusFilter
		return m.filter.Focus()
	case key.Matches(msg, k.Reload):
		m.say(statusOK, "Reloaded.")
		return m.loadCmd()
	case key.Matches(msg, k.Token):
		m.open(focusToken)
	case key.Matches(msg, k.Copy):
		m.startYank()
	case m.busy != "":
		if key.Matches(msg, k.Login, k.Remote, k.Activate, k.Logout, k.LogoutActive, k.LogoutExpired, k.LogoutAll, k.Prune, k.Refresh) {
			m.say(statusErr, "Wait: "+m.busy)
		}
	case key.Matches(msg, k.Login):
		m.login, m.focus = newLoginForm(m.cfg.Login, m.common), focusLogin
		m.relayout()
		return m.login.focusField(0) // the method first, as its hint says
	case msg.String() == "l":
		m.say(statusErr, "Logging in needs Turnkey's API: the demo has none (try demo --api).")
	case key.Matches(msg, k.Remote):
		m.remote, m.focus = newRemoteView(m.cfg.Remote, *s, m.common), focusRemote
		list := m.remote.list()
		return m.start(list.busy, list.cmd)
	case msg.String() == "s" && s != nil:
		m.say(statusErr, "Seeing sessions on Turnkey needs its API: the demo has none (try demo --api).")
	case key.Matches(msg, k.Activate):
		return m.start("Switching to "+escape.Clean(s.Key), setActiveCmd(m.cfg.Sessions, s.Key, m.unusable(*s), m.cfg.Shell))
	case key.Matches(msg, k.Refresh):
		return m.startMsg(startMsg{busy: "Refreshing " + escape.Clean(s.Key), run: refreshRun(m.cfg.Sessions, *m.cfg.Servers, s.Key, m.cfg.Clock)})
	case msg.String() == "R" && s != nil:
		m.say(statusErr, "Refreshing needs Turnkey's API: the demo has none.")
	case key.Matches(msg, k.Check):
		if m.checking[s.Key] {
			return nil
		}
		m.checking[s.Key] = true
		return checkCmd(m.cfg.Sessions, *m.cfg.Servers, s.Key, s.PublicKey, m.cfg.Clock)
	case msg.String() == "c" && s != nil:
		m.say(statusErr, "Checking needs Turnkey's API: the demo has none.")
	case key.Matches(msg, k.Logout):
		return m.confirmLogout(session.Pick{Key: s.Key})
	case key.Matches(msg, k.LogoutActive):
		return m.confirmLogout(session.Pick{})
	case msg.String() == "L" && s != nil:
		// L is off with no active session; say why rather than nothing.
		m.say(statusErr, "No active session to log out from: choose one with enter, or log out the selected one with d.")
	case key.Matches(msg, k.LogoutExpired):
		return m.confirmLogout(session.Pick{Expired: true})
	case msg.String() == "X" && m.state != nil:
		m.say(statusOK, "No session has expired.")
	case key.Matches(msg, k.LogoutAll):
		return m.confirmLogout(session.Pick{All: true})
	case key.Matches(msg, k.Prune):
		m.confirmPrune()
	}
	return nil
}

// unusable says why the session cannot sign requests now, and what to do,
// or "".
func (m Model) unusable(s session.Session) string {
	problems := s.Problems(m.now, m.presence[s.PublicKey])
	if len(problems) == 0 {
		return ""
	}
	var says []string
	for _, p := range problems {
		says = append(says, text.Problem(p, s, m.now))
	}
	way := "log in again (tkauth login)"
	if problems[0] == session.ProblemExpired {
		way += " or log it out (d)"
	}
	return strings.Join(says, "; ") + "; " + way
}

// startYank asks which of the selected session's fields to copy.
func (m *Model) startYank() {
	if m.table.current() == nil {
		return
	}
	m.yank = true
	m.say(statusOK, "Copy which? t token · k public key · u user ID · o organization ID · esc nothing")
}

// yankKey copies the field msg names to the clipboard, with OSC 52, which
// works over SSH where the terminal allows it.
func (m *Model) yankKey(msg tea.KeyPressMsg) tea.Cmd {
	m.yank = false
	s := m.table.current()
	if s == nil {
		return nil
	}
	var what, value string
	switch msg.String() {
	case "t":
		what, value = "token", s.Token
	case "k":
		what, value = "public key", s.PublicKey
	case "u":
		what, value = "user ID", s.UserID
	case "o":
		what, value = "organization ID", s.OrganizationID
	default:
		m.say(statusOK, "Nothing copied.")
		return nil
	}
	m.say(statusOK, "Copied the "+what+" of "+escape.Clean(s.Key)+" to the clipboard (OSC 52: if nothing arrives, your terminal does not allow it).")
	return tea.SetClipboard(value)
}

// confirmLogout asks before logging out what pick picks, in the words the
// logout command uses too, and offers to revoke the live ones on Turnkey
// first. Confirming acts on exactly the sessions named.
func (m *Model) confirmLogout(pick session.Pick) tea.Cmd {
	if m.state == nil {
		return nil
	}
	st := m.state
	keys, err := session.Targets(st, pick, m.now)
	if err != nil {
		m.say(statusErr, describe(err))
		return nil
	}
	q := text.LogoutQuestion(st, keys, pick, m.now)
	if line := text.NotRevoking(st, keys, m.now); line != "" {
		switch {
		case !m.api:
			line += " (Revoking needs Turnkey's API: the demo has none.)"
		case len(keys) == 1:
			line += " r revokes it there first, signed by its own key pair."
		default:
			line += " Type revoke to revoke them there first, each signed by its own key pair."
		}
		q.Lines = append(q.Lines, "", line)
		if more := text.RevokesMore(st, keys); more != "" && m.api {
			q.Lines = append(q.Lines, more)
		}
	}
	d := newDialog(q, logoutCmd(m.cfg.Sessions, keys), m.common)
	if m.api && text.NotRevoking(st, keys, m.now) != "" {
		d = d.withRevoke(revokeCmd(m.cfg.Sessions, *m.cfg.Servers, keys))
	}
	var cmd tea.Cmd
	if pick.All {
		d, cmd = d.withWord("yes")
	}
	m.dialog, m.focus = d, focusDialog
	return cmd
}

// confirmPrune asks before deleting the key pairs no session uses.
func (m *Model) confirmPrune() {
	if m.state == nil {
		return
	}
	unused, kept := session.PruneCandidates(m.state, m.now, false)
	if len(unused) == 0 {
		m.say(statusOK, text.NothingToPrune(len(kept)))
		return
	}
	m.dialog = newDialog(text.PruneQuestion(m.state, unused, kept), pruneCmd(m.cfg.Sessions), m.common)
	m.focus = focusDialog
}

// checkText says Turnkey's verdict on a session in a line.
func checkText(c session.Check) string {
	var why string
	if c.Why != nil {
		why = describe(c.Why)
	}
	return text.Verdict(c, why)
}

// click selects the row clicked on.
func (m *Model) click(mouse tea.Mouse) {
	if mouse.Button != tea.MouseLeft || m.focus != focusTable || m.tooSmall() {
		return
	}
	if m.table.click(mouse.Y - len(m.headerLines()) - 1) { // the column header
		m.status = ""
	}
}

// start runs an action, and what goes with it, with the spinner going.
func (m *Model) start(busy string, cmds ...tea.Cmd) tea.Cmd {
	m.busy, m.status, m.yank, m.mfa = busy, "", false, nil
	return tea.Batch(append(cmds, m.spin.Tick)...)
}

// autoRefresh starts a refresh of the active session, and of no other,
// once it is in its last minute: once a token, so that a failure is
// reported, not retried every second.
func (m *Model) autoRefresh() tea.Cmd {
	if !m.cfg.AutoRefresh || !m.api || m.busy != "" || m.state == nil {
		return nil
	}
	s, ok := m.state.Sessions[m.state.Active]
	if !ok || s.Token == m.autoTried || !s.InLastMinute(m.now) {
		return nil
	}
	m.autoTried = s.Token
	return m.startMsg(startMsg{busy: "Refreshing " + escape.Clean(s.Key) + " before it expires", run: refreshRun(m.cfg.Sessions, *m.cfg.Servers, s.Key, m.cfg.Clock)})
}

// loggedIn ends a login: the form stays open with the error, so that the
// user can try again, or closes on the new session, selected.
func (m Model) loggedIn(msg loggedInMsg) (Model, tea.Cmd) {
	cancelled := m.ended()
	switch {
	case msg.err != nil && cancelled != "":
		m.say(statusWarn, cancelledText(cancelled, msg.err))
		return m, m.loadCmd()
	case msg.err != nil && m.focus == focusLogin:
		return m.routeTo(focusLogin, msg)
	case msg.err != nil:
		m.say(statusErr, describe(msg.err))
		return m, nil
	}
	m.focus = focusTable
	m.table.selected = msg.res.Session.Key
	status, kind := text.LoggedIn(msg.res.Session, m.now), statusOK
	if e := msg.res.OldKey; e != nil {
		why := ""
		if e.Err != nil {
			why, kind = describe(e.Err), statusWarn
		}
		status += " " + text.ReplacedKey(e, why, m.now)
	}
	if msg.res.Leftover != nil {
		status += " " + describe(msg.res.Leftover)
	}
	m.say(kind, status)
	return m, m.loadCmd()
}

// remoteEnded ends ending sessions on Turnkey: it says what was ended, and
// closes the remote view if its session was logged out here.
func (m Model) remoteEnded(msg remoteEndedMsg) (Model, tea.Cmd) {
	m.ended()
	kind := statusOK
	if msg.err != nil {
		kind = statusErr
	}
	if msg.status == "" {
		m.say(kind, describe(msg.err))
	} else {
		m.say(kind, msg.status)
	}
	if msg.gone && m.focus == focusRemote {
		m.focus = focusTable
		return m, m.loadCmd()
	}
	return m, tea.Batch(m.loadCmd(), remoteListCmd(m.cfg.Remote, m.remote.s.Key))
}
