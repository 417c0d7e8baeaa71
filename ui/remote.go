package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// Remote is how the TUI sees and ends a user's sessions on Turnkey (s),
// each request signed by the stored session's own key pair. Nil in Config
// turns the key off.
type Remote struct {
	// List lists the live sessions of the user of the session stored
	// under key.
	List func(ctx context.Context, key string) (session.Remote, error)
	// End ends sessions of that user on Turnkey, and logs out here those
	// stored here.
	End func(ctx context.Context, key string, r session.Remote, doomed []session.RemoteSession) (session.RemoteEnd, error)
}

// storedMark marks, in the remote view, a session stored on this machine:
// not ●, which marks the active session everywhere else.
const storedMark = "⌂"

// remoteView lists a user's sessions on Turnkey, this machine's marked,
// and the long-lived keys apart; d ends the selected one, O all others.
type remoteView struct {
	s      session.Session // whose user
	r      *session.Remote // nil until Turnkey answers
	err    string
	cursor int
	rm     *Remote

	common
	keys          remoteKeys
	width, height int
}

func newRemoteView(rm *Remote, s session.Session, c common) remoteView {
	return remoteView{rm: rm, s: s, common: c, keys: newRemoteKeys()}
}

// SetSize sizes the view to the body of the screen.
func (v *remoteView) SetSize(width, height int) { v.width, v.height = width, height }

// enable turns on the keys that mean something now.
func (v *remoteView) enable() {
	some := v.r != nil && len(v.r.Sessions) > 0
	v.keys.Up.SetEnabled(some)
	v.keys.Down.SetEnabled(some)
	v.keys.End.SetEnabled(some)
	v.keys.EndOthers.SetEnabled(some)
}

func (v remoteView) ShortHelp() []key.Binding  { v.enable(); return v.keys.ShortHelp() }
func (v remoteView) FullHelp() [][]key.Binding { v.enable(); return v.keys.FullHelp() }

// current is the selected session, if any.
func (v remoteView) current() *session.RemoteSession {
	if v.r == nil || v.cursor >= len(v.r.Sessions) {
		return nil
	}
	return &v.r.Sessions[v.cursor]
}

// listed shows what Turnkey answered, the cursor kept in range.
func (v *remoteView) listed(r session.Remote, err error) {
	if err != nil {
		v.err = describe(err)
		return
	}
	v.r, v.err = &r, ""
	v.cursor = max(0, min(v.cursor, len(r.Sessions)-1))
}

// View draws the sessions, then the long-lived keys, then any error.
func (v remoteView) View() string {
	st, now := v.styles, v.now
	w := max(v.width-4, 10)
	who := fmt.Sprintf("user %s in organization %s", text.ShortName(v.s.Username, v.s.UserID), text.ShortName(v.s.OrganizationName, v.s.OrganizationID))
	lines := []string{""}
	indent := func(ls []string) []string {
		for i := range ls {
			ls[i] = "  " + ls[i]
		}
		return ls
	}
	if v.r == nil {
		lines = append(lines, indent(wrap(st.Title, "Sessions of "+who+" on Turnkey", w))...)
		if v.err == "" {
			lines = append(lines, "", "  Asking Turnkey…")
		}
	} else {
		title := fmt.Sprintf("%s of %s on Turnkey (%s)", text.Plural(len(v.r.Sessions), "live session"), who, escape.Clean(v.r.API))
		lines = append(lines, indent(wrap(st.Title, title, w))...)
		lines = append(lines, "", st.ColumnHeader.Render(fmt.Sprintf("   %-20s %-14s %-21s %-18s %s", "API KEY ID", "PUBLIC KEY", "CREATED", "EXPIRES", "HERE")))
		for i, k := range v.r.Sessions {
			here := "-"
			if k.Here != "" {
				here = storedMark + " " + escape.Clean(k.Here) + " (this machine)"
			}
			row := fmt.Sprintf(" %-20s %-14s %-21s %-18s %s", escape.Fit(escape.Clean(k.ID), 20), escape.Clean(session.Short(k.PublicKey)), text.When(k.Created), text.KeyExpiry(now, k.Expiry), here)
			if i == v.cursor {
				row = st.Cursor.Render("›" + row)
			} else {
				row = " " + row
			}
			lines = append(lines, " "+row)
		}
		if len(v.r.LongLived) > 0 {
			lines = append(lines, "", st.Label.Render(fmt.Sprintf("  %s of the user, not sessions (never ended here):", text.Plural(len(v.r.LongLived), "long-lived API key"))))
			for _, k := range v.r.LongLived {
				lines = append(lines, st.Dim.Render(fmt.Sprintf("    %-20s %-14s %s", escape.Fit(escape.Clean(k.ID), 20), escape.Clean(session.Short(k.PublicKey)), escape.Clean(k.Name))))
			}
		}
	}
	if v.err != "" {
		lines = append(lines, "")
		lines = append(lines, indent(wrap(st.Error, escape.Clean(v.err), w))...)
	}
	return strings.Join(lines, "\n")
}

// remoteKeys are the remote view's.
type remoteKeys struct {
	Up, Down, End, EndOthers, Reload, Close key.Binding
}

func newRemoteKeys() remoteKeys {
	return remoteKeys{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		End:       key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "end it on Turnkey")),
		EndOthers: key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "end all not stored here")),
		Reload:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "ask again")),
		Close:     key.NewBinding(key.WithKeys("esc", "q", "ctrl+c"), key.WithHelp("esc", "close")),
	}
}

func (k remoteKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.End, k.EndOthers, k.Up, k.Down, k.Reload, k.Close}
}

func (k remoteKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// remoteListedMsg is Turnkey's list of a user's sessions.
type remoteListedMsg struct {
	key string
	r   session.Remote
	err error
}

// remoteEndedMsg ends ending sessions on Turnkey; gone says the session
// the view is about was among them, logged out here.
type remoteEndedMsg struct {
	status string
	err    error
	gone   bool
}

func remoteListCmd(rm *Remote, key string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		r, err := rm.List(ctx, key)
		return remoteListedMsg{key, r, err}
	}
}

func remoteEndCmd(rm *Remote, key string, r session.Remote, doomed []session.RemoteSession) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		end, err := rm.End(ctx, key, r, doomed)
		if end.Ended == nil {
			return remoteEndedMsg{err: fmt.Errorf("nothing was ended on Turnkey, and nothing changed here: %w", err)}
		}
		status := text.Ended(r, end)
		if err != nil {
			status += " But logging out here failed: " + describe(err)
		} else if len(end.Left) > 0 {
			err = end.LeftWhy
		}
		return remoteEndedMsg{status: status, err: err, gone: slices.Contains(end.Logout.Sessions, key)}
	}
}

// Update handles a key, and Turnkey's list.
func (v *remoteView) Update(msg tea.Msg) tea.Cmd {
	v.enable()
	k := v.keys
	switch msg := msg.(type) {
	case remoteListedMsg:
		if msg.key == v.s.Key {
			v.listed(msg.r, msg.err)
		}
		return nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Close):
			v.ask(focusMsg{focusTable})
		case v.busy != "":
			v.ask(sayMsg{statusErr, "Wait: " + v.busy})
		case key.Matches(msg, k.Up):
			v.cursor = max(0, v.cursor-1)
		case key.Matches(msg, k.Down):
			if v.r != nil {
				v.cursor = min(len(v.r.Sessions)-1, v.cursor+1)
			}
		case key.Matches(msg, k.Reload):
			v.ask(v.list())
		case key.Matches(msg, k.End):
			if s := v.current(); s != nil {
				v.confirmEnd([]session.RemoteSession{*s})
			}
		case key.Matches(msg, k.EndOthers):
			others, _ := v.r.Pick(nil, true)
			if len(others) == 0 {
				v.ask(sayMsg{statusOK, "No session to end: every live session of this user is stored here."})
				return nil
			}
			v.confirmEnd(others)
		}
	}
	return nil
}

// list asks Turnkey for the user's sessions.
func (v remoteView) list() startMsg {
	return startMsg{busy: "Asking Turnkey for the sessions of " + escape.Clean(v.s.Key) + "'s user", cmd: remoteListCmd(v.rm, v.s.Key)}
}

// confirmEnd asks before ending doomed on Turnkey, in the words of remote
// revoke; the dialog comes back to the remote view.
func (v *remoteView) confirmEnd(doomed []session.RemoteSession) {
	q := text.EndQuestion(v.s, doomed, v.now)
	d := newDialog(q, remoteEndCmd(v.rm, v.s.Key, *v.r, doomed), v.common)
	d.back = focusRemote
	v.ask(dialogMsg{d})
}
