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

// focus names the component the keyboard talks to; component looks it
// up.
type focus int

const (
	focusTable focus = iota
	focusFilter
	focusDialog
	focusToken
	focusHelp
	focusLogin
	focusRemote
	focusCount // how many there are
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

// Model is the root of the TUI: it looks up the component that has focus
// and routes messages to it, carries out what components ask of it, owns
// the layout and the help bar, and keeps what the store and Turnkey said.
// Update and View do no I/O: everything that touches the store or the
// keyring is a command.
type Model struct {
	cfg  Config
	keys globalKeys
	help help.Model
	spin spinner.Model

	common // the styles and facts every component is given
	focus  focus
	table  table
	filter filter
	dialog dialog
	viewer viewer
	login  loginForm
	remote remoteView

	width, height int
	yank          bool // y was pressed: the next key says what to copy

	all      []*session.Session // every session, in key order
	reads    *atomic.Uint64     // numbers loads as they start reading
	lastRead uint64             // the number of the load shown
	askedAt  time.Time          // when presence was last asked
	gen      int                // numbers loads, so stale presence answers are dropped

	leftovers []string    // sessions exec --login left: text.LeftoverNotes
	autoTried string      // the token auto-refresh last tried, so it tries once
	mfa       *MFAWaiting // what it waits for, if it waits for MFA
	run       running     // the cancellable action under way (cancel.go)
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
	m := Model{
		cfg:    cfg,
		keys:   newGlobalKeys(),
		help:   help.New(),
		spin:   spinner.New(spinner.WithSpinner(spinner.Dot)),
		table:  table{keys: newListKeys()},
		filter: newFilter(),
		reads:  new(atomic.Uint64),
		common: common{styles: newStyles(true), facts: facts{now: cfg.Clock(), api: cfg.Servers != nil, shell: cfg.Shell,
			checks: map[string]checkedMsg{}, checking: map[string]bool{}}},
	}
	m.help.Styles = m.styles.Help
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
			cmds = append(cmds, m.presenceCmd(m.state))
		}
		return m, tea.Batch(cmds...)
	case loadedMsg:
		return m.loaded(msg)
	case presenceMsg:
		if msg.gen == m.gen {
			m.presence, m.leftovers = msg.presence, msg.leftovers
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
		switch {
		case msg.asks() && m.busy != "":
			m.askMFA(msg)
		case msg.asks():
			msg.decline() // the action is over
		case m.busy != "":
			m.mfa = &msg
		}
		return m, mfaCmd(m.cfg.MFA)
	case codeSentMsg:
		m.ended()
		return m.routeTo(focusLogin, msg)
	case providersMsg, authURLMsg:
		return m.routeTo(focusLogin, msg)
	case loggedInMsg:
		return m.loggedIn(msg)
	case remoteListedMsg:
		m.ended()
		return m.routeTo(focusRemote, msg)
	case remoteEndedMsg:
		return m.remoteEnded(msg)
	case actionDoneMsg:
		return m.actionDone(msg)
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
		m.say(statusErr, "Not watching the store for changes ("+describe(msg.err)+"); press r to reload.")
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseClickMsg:
		m.click(msg.Mouse())
	case tea.MouseWheelMsg:
		return m.routeTo(m.focus, msg)
	default:
		return m.request(msg)
	}
	return m, nil
}

// setStyles gives every component the styles (sync hands them down).
func (m *Model) setStyles(s *Styles) {
	m.styles = s
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
	// A verdict is on a key pair: one that a refresh or a login replaced
	// says nothing of the session now stored under its key.
	for k, c := range m.checks {
		if s, ok := m.state.Sessions[k]; !ok || s.PublicKey != c.pub {
			delete(m.checks, k)
		}
	}
	if first && m.table.selected == "" {
		m.table.selected = m.state.Active // start where the user is
	}
	m.table.setRows(m.filter.match(m.all))
	m.askedAt = m.now
	return m, m.presenceCmd(msg.state)
}

// say shows a status message, which fades after statusFade.
func (m *Model) say(kind statusKind, status string) {
	m.status, m.kind, m.statusAt = status, kind, m.now
}

// component looks up the component f names: the one registration of
// every pane and dialog.
func (m *Model) component(f focus) component {
	switch f {
	case focusFilter:
		return &m.filter
	case focusDialog:
		return &m.dialog
	case focusToken, focusHelp:
		return &m.viewer
	case focusLogin:
		return &m.login
	case focusRemote:
		return &m.remote
	}
	return &m.table
}

// focused is the component the keyboard talks to.
func (m *Model) focused() component { return m.component(m.focus) }

// shown is the component drawn in the body: the filter draws in the
// footer, over the table.
func (m *Model) shown() component {
	if m.focus == focusFilter {
		return &m.table
	}
	return m.focused()
}

// relayout hands every component the root's facts and styles, and sizes
// what is shown to the frame.
func (m *Model) relayout() {
	m.sync()
	m.help.SetWidth(m.width)
	m.filter.SetSize(m.width, 1)
	bodyH := m.bodyHeight()
	m.table.SetSize(m.width, bodyH)
	m.focused().SetSize(m.width, bodyH)
}

// sync copies the root's styles and facts into every component.
func (m *Model) sync() {
	m.query, m.rows = m.filter.Value(), len(m.table.rows)
	m.demo, m.canLogin, m.canRemote, m.guide = m.cfg.Demo, m.cfg.Login != nil, m.cfg.Remote != nil, m.cfg.Guide
	onTable := m.focus == focusTable
	m.keys.Help.SetEnabled(onTable)
	m.keys.Quit.SetEnabled(onTable)
	m.viewer.session = m.table.current()
	for f := range focusCount {
		c := m.component(f).shared()
		asks := c.asks
		*c = m.common
		c.asks = asks
	}
}

// routeTo hands msg to the component f names, then carries out what it
// asked of the root.
func (m Model) routeTo(f focus, msg tea.Msg) (Model, tea.Cmd) {
	m.sync()
	c := m.component(f)
	cmds := []tea.Cmd{c.Update(msg)}
	asks := c.shared().asks
	c.shared().asks = nil
	for _, a := range asks {
		var cmd tea.Cmd
		m, cmd = m.request(a)
		m.sync()
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// request carries out what a component asked of the root.
func (m Model) request(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case focusMsg:
		m.focus = msg.to
	case sayMsg:
		m.say(msg.kind, msg.text)
	case startMsg:
		return m, m.startMsg(msg)
	case dialogMsg:
		m.dialog, m.focus = msg.d, focusDialog
	case yankMsg:
		m.startYank()
	case refilterMsg:
		m.table.setRows(m.filter.match(m.all))
	case moveMsg:
		if msg.wheel != 0 {
			m.table.moveTo(m.table.cursor + msg.wheel)
		} else {
			m.table.move(msg.key, msg.nav)
		}
	case actKeyMsg:
		return m, m.listKey(msg.KeyPressMsg)
	}
	return m, nil
}

func (m Model) key(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.tooSmall() {
		return m.smallKey(msg)
	}
	if key.Matches(msg, m.keys.Interrupt) {
		return m.interrupt(msg)
	}
	if msg.String() == "esc" && m.cancellable() {
		return m.cancelAction()
	}
	if m.busy == "" {
		m.status = "" // a message lasts until the next action
	}
	m.relayout()
	if m.yank {
		return m, m.yankKey(msg)
	}
	return m.routeTo(m.focus, msg)
}

// open shows a viewer from its top.
func (m *Model) open(f focus) {
	m.focus = f
	m.viewer = newViewer(m.common, f == focusHelp, m.table.current())
}
