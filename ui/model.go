package ui

import (
	"context"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// Config is what the TUI is shown over.
type Config struct {
	Sessions  Sessions
	StorePath string // the session file, shown and watched; its directory exists
	// Shell is the session TKAUTH_SESSION selects for the shell the TUI
	// runs in, if any: the header names it, since commands run there use
	// it rather than the active one.
	Shell    string
	KeyStore string // name of the key store in use
	Note     string // how the key store was chosen, when the user must know
	// KeyStoreReady, if set, chooses the key store after the first frame
	// (KeyStore is then empty): a frozen keyring takes its whole timeout.
	KeyStoreReady func(ctx context.Context) (name, note string)
	Clock         func() time.Time
	Watch         bool             // reload when the store changes on disk
	Servers       *session.Servers // where R, c and revoking go; nil in the demo
	// Demo says the store is the demo's: the empty state does not offer
	// the demo.
	Demo bool
	// AutoRefresh refreshes the active session, and only it, in its last
	// minute, as Turnkey's React kit does.
	AutoRefresh bool
	// Login, if set, logs in (l).
	Login *Login
	// Remote, if set, shows and ends a user's sessions on Turnkey (s).
	Remote *Remote
	// MFA, if set, says when an action waits for MFA factors.
	MFA <-chan MFAWaiting
}

// focus is the component the keyboard talks to.
type focus int

const (
	focusTable focus = iota
	focusFilter
	focusDialog
	focusToken
	focusHelp
	focusLogin
	focusRemote
)

// statusKind is how a status message reads.
type statusKind int

const (
	statusOK statusKind = iota
	statusWarn
	statusErr
)

// statusFade is how long a message stays, but an error, which stays until
// the next key; any key clears it sooner.
const statusFade = 6 * time.Second

// presenceEvery is how often key pair presence is asked again, so that a
// key pair deleted behind tkauth's back shows without r.
const presenceEvery = 5 * time.Second

// Model is the root of the TUI: it routes messages to the component that
// has focus, owns the layout and the help bar, and keeps what the store
// and Turnkey said. Update and View do no I/O: everything that touches
// the store or the keyring is a command.
type Model struct {
	cfg    Config
	styles *Styles
	keys   globalKeys
	help   help.Model
	spin   spinner.Model

	focus  focus
	table  table
	detail details
	filter filter
	dialog dialog
	viewer viewer
	login  loginForm
	remote remoteView

	width, height int
	yank          bool // y was pressed: the next key says what to copy

	facts
	all      []*session.Session // every session, in key order
	reads    *atomic.Uint64     // numbers loads as they start reading
	lastRead uint64             // the number of the load shown
	loadErr  error
	askedAt  time.Time // when presence was last asked
	gen      int       // numbers loads, so stale presence answers are dropped

	autoTried string      // the token auto-refresh last tried, so it tries once
	busy      string      // the action running now, if any
	mfa       *MFAWaiting // what it waits for, if it waits for MFA
	status    string
	statusAt  time.Time
	kind      statusKind
	watching  watchingMsg // the watcher, once started
}

// New returns the TUI over cfg.
func New(cfg Config) Model {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	styles := newStyles(true)
	m := Model{
		cfg:    cfg,
		styles: styles,
		keys:   newGlobalKeys(),
		help:   help.New(),
		spin:   spinner.New(spinner.WithSpinner(spinner.Dot)),
		table:  table{styles: styles, keys: newListKeys()},
		detail: details{styles: styles},
		filter: newFilter(),
		reads:  new(atomic.Uint64),
		facts:  facts{now: cfg.Clock(), api: cfg.Servers != nil, shell: cfg.Shell, checks: map[string]checkedMsg{}, checking: map[string]bool{}},
	}
	m.help.Styles = styles.Help
	m.relayout()
	return m
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadCmd(), tickCmd(m.cfg.Clock), tea.RequestBackgroundColor}
	if ready := m.cfg.KeyStoreReady; ready != nil {
		cmds = append(cmds, func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
			defer cancel()
			name, note := ready(ctx)
			return keyStoreMsg{name: name, note: note}
		})
	}
	if m.cfg.Watch {
		cmds = append(cmds, watchCmd(m.cfg.StorePath))
	}
	if m.cfg.MFA != nil {
		cmds = append(cmds, mfaCmd(m.cfg.MFA))
	}
	return tea.Batch(cmds...)
}

// loadCmd reads the store, numbered as it starts reading.
func (m Model) loadCmd() tea.Cmd { return loadCmd(m.cfg.Sessions, m.reads) }

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := m.update(msg)
	m.relayout()
	return m, cmd
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case keyStoreMsg:
		m.cfg.KeyStore, m.cfg.Note = msg.name, msg.note
	case tea.BackgroundColorMsg:
		m.setStyles(newStyles(msg.IsDark()))
	case tickMsg:
		m.now = time.Time(msg)
		if m.status != "" && m.busy == "" && m.kind != statusErr && m.now.Sub(m.statusAt) >= statusFade {
			m.status = ""
		}
		cmds := []tea.Cmd{tickCmd(m.cfg.Clock), m.autoRefresh()}
		if m.state != nil && m.busy == "" && m.now.Sub(m.askedAt) >= presenceEvery {
			m.askedAt = m.now
			cmds = append(cmds, presenceCmd(m.cfg.Sessions, m.state, m.gen))
		}
		return m, tea.Batch(cmds...)
	case loadedMsg:
		return m.loaded(msg)
	case presenceMsg:
		if msg.gen == m.gen {
			m.presence = msg.presence
		}
	case checkedMsg:
		c := msg.check
		delete(m.checking, c.Key)
		m.checks[c.Key] = msg
		kind := statusOK
		if c.Status != session.Valid {
			kind = statusErr
		}
		m.say(kind, checkText(c))
	case MFAWaiting:
		if m.busy != "" {
			m.mfa = &msg
		}
		return m, mfaCmd(m.cfg.MFA)
	case codeSentMsg:
		m.busy = ""
		if msg.err != nil {
			m.login.err = msg.err.Error()
			return m, nil
		}
		return m, m.login.codeSent(msg.sent)
	case loggedInMsg:
		return m.loggedIn(msg)
	case remoteListedMsg:
		m.busy = ""
		if msg.key == m.remote.s.Key {
			m.remote.listed(msg.r, msg.err)
		}
	case remoteEndedMsg:
		m.busy = ""
		kind := statusOK
		if msg.err != nil {
			kind = statusErr
		}
		if msg.status == "" {
			m.say(kind, msg.err.Error())
		} else {
			m.say(kind, msg.status)
		}
		if msg.gone && m.focus == focusRemote {
			m.focus = focusTable
			return m, m.loadCmd()
		}
		return m, tea.Batch(m.loadCmd(), remoteListCmd(m.cfg.Remote, m.remote.s.Key))
	case actionDoneMsg:
		m.busy = ""
		m.say(msg.kind(), msg.status)
		return m, m.loadCmd()
	case spinner.TickMsg:
		if m.busy == "" {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case watchingMsg:
		m.watching = msg
		return m, waitChangeCmd(msg.w, msg.file)
	case storeChangedMsg:
		if m.busy != "" {
			// An action of this TUI's own is under way, and the store holds
			// its steps, not its outcome: no row goes before the outcome is
			// known. Its end reloads the store anyway.
			return m, waitChangeCmd(m.watching.w, m.watching.file)
		}
		return m, tea.Batch(m.loadCmd(), waitChangeCmd(m.watching.w, m.watching.file))
	case watchErrMsg:
		m.say(statusErr, "Not watching the store for changes ("+msg.err.Error()+"); press r to reload.")
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseClickMsg:
		m.click(msg.Mouse())
	case tea.MouseWheelMsg:
		m.wheel(msg.Mouse())
	}
	return m, nil
}

// setStyles gives every component the styles.
func (m *Model) setStyles(s *Styles) {
	m.styles, m.table.styles, m.detail.styles, m.dialog.styles, m.viewer.styles = s, s, s, s, s
	m.login.styles, m.remote.styles = s, s
	m.help.Styles = s.Help
}

// loaded shows what a load read, unless a load that started later is
// shown already: what this one read is older.
func (m Model) loaded(msg loadedMsg) (Model, tea.Cmd) {
	if msg.read < m.lastRead {
		return m, nil
	}
	m.lastRead = msg.read
	if msg.err != nil {
		m.loadErr = msg.err
		return m, nil
	}
	first := m.state == nil
	m.loadErr = nil
	m.state = msg.state
	m.gen++
	m.all = make([]*session.Session, 0, len(m.state.Sessions)) // new: the table may hold the last
	for _, k := range m.state.Keys() {
		m.all = append(m.all, m.state.Sessions[k])
	}
	if first && m.table.selected == "" {
		m.table.selected = m.state.Active // start where the user is
	}
	m.table.setRows(m.filter.match(m.all))
	m.askedAt = m.now
	return m, presenceCmd(m.cfg.Sessions, msg.state, m.gen)
}

// say shows a status message, which fades after statusFade.
func (m *Model) say(kind statusKind, status string) {
	m.status, m.kind, m.statusAt = status, kind, m.now
}

// expiredCount is how many sessions have expired.
func (m Model) expiredCount() int {
	n := 0
	for _, s := range m.all {
		if s.Expired(m.now) {
			n++
		}
	}
	return n
}

// relayout sizes every component to the frame, and enables the keys that
// mean something now.
func (m *Model) relayout() {
	c := can{rows: len(m.table.rows) > 0, filtered: m.filter.Value() != "", api: m.api, login: m.cfg.Login != nil, remote: m.cfg.Remote != nil}
	if m.state != nil {
		c.sessions, c.active = len(m.state.Sessions) > 0, m.state.Active != ""
		c.expired = m.expiredCount() > 0
	}
	m.table.keys.enable(c)
	m.filter.keys.navKeys.enable(c.rows)
	onTable := m.focus == focusTable
	m.keys.Help.SetEnabled(onTable)
	m.keys.Quit.SetEnabled(onTable)
	m.viewer.session = m.table.current()
	m.help.SetWidth(m.width)
	m.filter.SetSize(m.width)
	m.detail.SetSize(m.width)
	l := m.layout()
	m.table.SetSize(m.width, l.listH)
	switch m.focus {
	case focusDialog:
		m.dialog.SetSize(m.width, l.bodyH)
	case focusToken, focusHelp:
		m.viewer.SetSize(m.width, l.bodyH)
	case focusLogin:
		m.login.SetSize(m.width, l.bodyH)
	case focusRemote:
		m.remote.SetSize(m.width, l.bodyH)
	}
}

// focused is the component whose keys the help bar shows.
func (m Model) focused() help.KeyMap {
	switch m.focus {
	case focusFilter:
		return m.filter
	case focusDialog:
		return m.dialog
	case focusToken, focusHelp:
		return m.viewer
	case focusLogin:
		return m.login
	case focusRemote:
		return m.remote
	}
	return m.table
}

func (m Model) key(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m, tea.Quit
	}
	if m.busy == "" {
		m.status = "" // a message lasts until the next action
	}
	m.relayout()
	switch {
	case m.yank:
		return m, m.yankKey(msg)
	case m.focus == focusDialog:
		return m, m.dialogKey(msg)
	case m.focus == focusLogin:
		return m, m.loginKey(msg)
	case m.focus == focusRemote:
		return m, m.remoteKey(msg)
	case m.focus == focusToken || m.focus == focusHelp:
		if closed, copy := m.viewer.Update(msg); closed {
			m.focus = focusTable
		} else if copy {
			m.startYank()
		}
		return m, nil
	case m.focus == focusFilter:
		return m, m.filterKey(msg)
	}
	return m, m.listKey(msg)
}

func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.filter.keys
	switch {
	case key.Matches(msg, k.Clear):
		m.filter.Clear()
		m.table.setRows(m.all)
		m.focus = focusTable
		return nil
	case key.Matches(msg, k.Apply):
		m.filter.Blur()
		m.focus = focusTable
		return nil
	case m.table.move(msg, k.navKeys):
		return nil
	}
	cmd := m.filter.Update(msg)
	m.table.setRows(m.filter.match(m.all))
	return cmd
}

func (m *Model) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	d := &m.dialog
	choice, cmd := d.Update(msg)
	switch choice {
	case cancelled:
		m.say(statusOK, "Cancelled; nothing was changed.")
		m.focus = d.back
		return nil
	case confirmed:
		cmd = m.start(d.Busy, d.run)
	case revoked:
		cmd = m.start(d.revoking, d.revoke)
	case mistyped:
		m.say(statusErr, "Type "+d.words()+" exactly to confirm, or esc to cancel.")
		return nil
	default:
		return cmd
	}
	m.focus = d.back
	return cmd
}

// open shows a viewer from its top.
func (m *Model) open(f focus) {
	m.focus = f
	m.viewer = newViewer(m.styles, f == focusHelp)
	m.viewer.api = m.api
}
