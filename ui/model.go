package ui

import (
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// mode is what the keyboard is talking to.
type mode int

const (
	modeList    mode = iota
	modeFilter       // typing a filter
	modeConfirm      // a y/n confirmation
	modeTyped        // a confirmation that wants a word typed
)

// Config is what the TUI is shown over.
type Config struct {
	Sessions Sessions
	// StorePath is the session file: its directory is shown, and the
	// file watched when Watch. The directory must exist.
	StorePath string
	KeyStore  string // name of the key store in use
	Note      string // how the key store was chosen, when the user must know
	Clock     func() time.Time
	Watch     bool // reload when the store changes on disk
	// Servers says where each session's requests to Turnkey go, for R
	// (refresh) and c (check); nil in the demo.
	Servers *session.Servers
	// AutoRefresh refreshes the active session, and only it, in its last
	// RefreshWindow, as Turnkey's React kit does.
	AutoRefresh bool
}

// RefreshWindow is how close to expiry a session is highlighted, with a
// hint to refresh it, and the active one refreshed when AutoRefresh is on.
const RefreshWindow = 60 * time.Second

// dialog is a pending confirmation.
type dialog struct {
	title string
	lines []string // exactly what will happen
	word  string   // for modeTyped: what must be typed
	run   tea.Cmd  // what confirming does
	busy  string   // what the status says while it runs
}

// Model is the TUI's state. Update and View do no I/O: everything that
// touches the store or the keyring is a command.
type Model struct {
	cfg    Config
	keys   keyMap
	styles Styles
	help   help.Model
	spin   spinner.Model
	filter textinput.Model
	typed  textinput.Model

	width, height int
	now           time.Time
	mode          mode
	dialog        dialog

	state    *session.State
	loadErr  error
	rows     []*session.Session // the sessions shown, filtered, in order
	cursor   int                // index in rows
	offset   int                // first row on screen
	selected string             // session key under the cursor, kept across reloads
	reveal   bool               // show the selected session's token
	presence map[string]session.Presence
	gen      int // numbers loads, so stale presence answers are dropped

	// Indexes of state, built at each load so that a frame costs the rows
	// on screen, not the sessions stored.
	all      []*session.Session  // every session, by key
	expiries []time.Time         // sorted
	usersOf  map[string][]string // public key -> session keys, sorted

	autoTried string                // the token auto-refresh last tried, so it tries once
	checks    map[string]checkedMsg // Turnkey's last verdict, by session key
	checking  map[string]bool       // sessions being checked now
	busy      string                // the action running now, if any
	status    string
	statusErr bool
	watching  watchingMsg // the watcher, once started
}

// New returns the TUI over cfg.
func New(cfg Config) Model {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	filter := textinput.New()
	filter.Prompt = "/ "
	filter.Placeholder = "session key, user or organization"
	typed := textinput.New()
	typed.Prompt = "> "
	m := Model{
		cfg:    cfg,
		keys:   newKeyMap(),
		styles: newStyles(true),
		help:   help.New(),
		spin:   spinner.New(spinner.WithSpinner(spinner.Dot)),
		filter: filter,
		typed:  typed,
		now:    cfg.Clock(),
	}
	m.help.Styles = m.styles.Help
	m.syncKeys()
	return m
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{loadCmd(m.cfg.Sessions), tickCmd(m.cfg.Clock), tea.RequestBackgroundColor}
	if m.cfg.Watch {
		cmds = append(cmds, watchCmd(m.cfg.StorePath))
	}
	return tea.Batch(cmds...)
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.filter.SetWidth(max(msg.Width-4, 10))
		m.scroll()
	case tea.BackgroundColorMsg:
		m.styles = newStyles(msg.IsDark())
		m.help.Styles = m.styles.Help
	case tickMsg:
		m.now = time.Time(msg)
		return m, tea.Batch(tickCmd(m.cfg.Clock), m.autoRefresh())
	case loadedMsg:
		if msg.err != nil {
			m.loadErr = msg.err
			return m, nil
		}
		m.loadErr = nil
		m.state = msg.state
		m.gen++
		m.index()
		m.refilter()
		return m, presenceCmd(m.cfg.Sessions, msg.state, m.gen)
	case presenceMsg:
		if msg.gen == m.gen {
			m.presence = msg.presence
		}
	case checkedMsg:
		c := msg.check
		delete(m.checking, c.Key)
		if m.checks == nil {
			m.checks = map[string]checkedMsg{}
		}
		m.checks[c.Key] = msg
		m.status, m.statusErr = checkText(c), c.Status != session.Valid
		return m, nil
	case actionDoneMsg:
		m.busy = ""
		m.status, m.statusErr = msg.status, msg.err != nil
		return m, loadCmd(m.cfg.Sessions)
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
		return m, tea.Batch(loadCmd(m.cfg.Sessions), waitChangeCmd(m.watching.w, m.watching.file))
	case watchErrMsg:
		m.status, m.statusErr = "Not watching the store for changes ("+msg.err.Error()+"); press r to reload.", true
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m, tea.Quit
	}
	var cmd tea.Cmd
	switch m.mode {
	case modeConfirm, modeTyped:
		cmd = m.dialogKey(msg)
	case modeFilter:
		cmd = m.filterKey(msg)
	default:
		cmd = m.listKey(msg)
	}
	m.syncKeys()
	return m, cmd
}

// syncKeys enables the bindings that mean something now.
func (m *Model) syncKeys() {
	c := can{rows: len(m.rows) > 0, filtered: m.filter.Value() != "", api: m.cfg.Servers != nil}
	if m.state != nil {
		c.sessions, c.active = len(m.state.Sessions) > 0, m.state.Active != ""
	}
	m.keys.setMode(m.mode, c)
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.move(msg) {
		return nil
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
	case key.Matches(msg, k.ClearFilter):
		m.filter.SetValue("")
		m.refilter()
	case key.Matches(msg, k.Filter):
		m.mode = modeFilter
		return m.filter.Focus()
	case key.Matches(msg, k.Reload):
		m.status, m.statusErr = "Reloaded.", false
		return loadCmd(m.cfg.Sessions)
	case key.Matches(msg, k.Reveal):
		m.reveal = !m.reveal
	case m.busy != "":
		// One action at a time; the spinner says one is running.
		if key.Matches(msg, k.Activate, k.Logout, k.LogoutActive, k.LogoutAll, k.Prune) {
			m.status, m.statusErr = "Wait: "+m.busy, true
		}
	case key.Matches(msg, k.Activate):
		s := m.rows[m.cursor]
		return m.start("Switching to "+text.Clean(s.Key), setActiveCmd(m.cfg.Sessions, s.Key))
	case key.Matches(msg, k.Refresh):
		s := m.rows[m.cursor]
		return m.start("Refreshing "+text.Clean(s.Key), refreshCmd(m.cfg.Sessions, *m.cfg.Servers, s.Key, m.cfg.Clock))
	case msg.String() == "R" && len(m.rows) > 0:
		m.status, m.statusErr = "Refreshing needs Turnkey's API: the demo has none.", true
	case key.Matches(msg, k.Check):
		s := m.rows[m.cursor]
		if m.checking[s.Key] {
			return nil
		}
		if m.checking == nil {
			m.checking = map[string]bool{}
		}
		m.checking[s.Key] = true
		return checkCmd(m.cfg.Sessions, *m.cfg.Servers, s.Key, m.cfg.Clock)
	case msg.String() == "c" && len(m.rows) > 0:
		m.status, m.statusErr = "Checking needs Turnkey's API: the demo has none.", true
	case key.Matches(msg, k.Logout):
		m.confirmLogout(session.Pick{Key: m.rows[m.cursor].Key})
	case key.Matches(msg, k.LogoutActive):
		m.confirmLogout(session.Pick{})
	case msg.String() == "L" && len(m.rows) > 0:
		// L is off with no active session; say why rather than nothing.
		m.status, m.statusErr = "No active session to log out from: choose one with enter, or log out the selected one with d.", true
	case key.Matches(msg, k.LogoutAll):
		m.confirmLogout(session.Pick{All: true})
	case key.Matches(msg, k.Prune):
		m.confirmPrune()
	}
	return nil
}

func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.ClearFilter):
		m.filter.SetValue("")
		m.filter.Blur()
		m.refilter()
		m.mode = modeList
		return nil
	case key.Matches(msg, m.keys.Apply):
		m.filter.Blur()
		m.mode = modeList
		return nil
	case msg.String() == "up" || msg.String() == "down" || msg.String() == "pgup" || msg.String() == "pgdown":
		m.move(msg)
		return nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	m.refilter()
	return cmd
}

func (m *Model) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		m.status, m.statusErr = "Cancelled; nothing was changed.", false
		m.mode = modeList
		return nil
	case m.mode == modeConfirm && key.Matches(msg, m.keys.Confirm):
		m.mode = modeList
		return m.start(m.dialog.busy, m.dialog.run)
	case m.mode == modeTyped && key.Matches(msg, m.keys.Apply):
		if strings.TrimSpace(m.typed.Value()) != m.dialog.word {
			m.status, m.statusErr = "Type "+m.dialog.word+" exactly to confirm, or esc to cancel.", true
			return nil
		}
		m.typed.Blur()
		m.mode = modeList
		return m.start(m.dialog.busy, m.dialog.run)
	case m.mode == modeTyped:
		var cmd tea.Cmd
		m.typed, cmd = m.typed.Update(msg)
		return cmd
	}
	return nil
}

// move handles the cursor keys; it reports whether msg was one.
func (m *Model) move(msg tea.KeyPressMsg) bool {
	k, page := m.keys, max(m.listHeight()-1, 1)
	last := len(m.rows) - 1
	switch {
	case key.Matches(msg, k.Up):
		m.cursor--
	case key.Matches(msg, k.Down):
		m.cursor++
	case key.Matches(msg, k.PageUp):
		m.cursor -= page
	case key.Matches(msg, k.PageDown):
		m.cursor += page
	case key.Matches(msg, k.Home):
		m.cursor = 0
	case key.Matches(msg, k.End):
		m.cursor = last
	default:
		return false
	}
	m.cursor = max(0, min(m.cursor, last))
	m.pick()
	return true
}

// pick remembers the session under the cursor and keeps it on screen.
func (m *Model) pick() {
	key := ""
	if m.cursor < len(m.rows) {
		key = m.rows[m.cursor].Key
	}
	if key != m.selected {
		m.reveal = false
	}
	m.selected = key
	m.scroll()
}

// scroll moves the window of rows so that the cursor is in it.
func (m *Model) scroll() {
	h := m.listHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = max(0, min(m.offset, len(m.rows)-h))
}

// autoRefresh starts a refresh of the active session, and of no other,
// once it is within RefreshWindow of expiry: once a token, so that a
// failure is reported, not retried every second.
func (m *Model) autoRefresh() tea.Cmd {
	if !m.cfg.AutoRefresh || m.cfg.Servers == nil || m.busy != "" || m.state == nil {
		return nil
	}
	s, ok := m.state.Sessions[m.state.Active]
	if !ok || s.Token == m.autoTried {
		return nil
	}
	if left := s.Expiry.Sub(m.now); left <= 0 || left > RefreshWindow {
		return nil
	}
	m.autoTried = s.Token
	return m.start("Refreshing "+text.Clean(s.Key)+" before it expires", refreshCmd(m.cfg.Sessions, *m.cfg.Servers, s.Key, m.cfg.Clock))
}

// index builds the indexes of m.state that frames read.
func (m *Model) index() {
	n := len(m.state.Sessions)
	m.all = make([]*session.Session, 0, n)
	m.expiries = make([]time.Time, 0, n)
	m.usersOf = make(map[string][]string, len(m.state.KeyPairs))
	for _, k := range slices.Sorted(maps.Keys(m.state.Sessions)) {
		s := m.state.Sessions[k]
		m.all = append(m.all, s)
		m.expiries = append(m.expiries, s.Expiry)
		m.usersOf[s.PublicKey] = append(m.usersOf[s.PublicKey], s.Key)
	}
	slices.SortFunc(m.expiries, time.Time.Compare)
}

// expiredCount is how many sessions have expired at m.now.
func (m Model) expiredCount() int {
	i, _ := slices.BinarySearchFunc(m.expiries, m.now, func(e, now time.Time) int {
		if now.Before(e) {
			return 1
		}
		return -1
	})
	return i
}

// refilter rebuilds rows from the state and the filter, keeping the
// cursor on the same session when it is still shown.
func (m *Model) refilter() {
	m.rows = m.rows[:0]
	if m.state != nil {
		q := strings.ToLower(m.filter.Value())
		for _, s := range m.all {
			if q == "" || strings.Contains(strings.ToLower(s.Key), q) ||
				strings.Contains(strings.ToLower(s.UserID), q) || strings.Contains(strings.ToLower(s.OrganizationID), q) {
				m.rows = append(m.rows, s)
			}
		}
	}
	m.cursor = min(m.cursor, max(len(m.rows)-1, 0))
	for i, s := range m.rows {
		if s.Key == m.selected {
			m.cursor = i
			break
		}
	}
	m.pick()
	m.syncKeys()
}

// start runs an action with the spinner going.
func (m *Model) start(busy string, cmd tea.Cmd) tea.Cmd {
	m.busy, m.status, m.statusErr = busy, "", false
	return tea.Batch(cmd, m.spin.Tick)
}

// confirmLogout asks before logging out what pick picks; the dialog
// names those sessions, and confirming logs out exactly them.
func (m *Model) confirmLogout(pick session.Pick) {
	if m.state == nil {
		return
	}
	keys, err := session.Targets(m.state, pick, m.now)
	if err != nil {
		m.status, m.statusErr = err.Error(), true
		return
	}
	plan := session.PlanLogout(m.state, keys)
	if pick.All {
		m.dialog = dialog{
			title: "Log out all " + text.Plural(len(keys), "session") + "?",
			lines: append([]string{"Removes every session from this machine."}, text.PlanLines(plan, m.state.KeyPairs)...),
			word:  "yes",
			run:   logoutCmd(m.cfg.Sessions, keys),
			busy:  "Logging out " + text.Plural(len(keys), "session"),
		}
		m.typed.SetValue("")
		m.typed.Focus()
		m.mode = modeTyped
		return
	}
	key := keys[0]
	lines := []string{"Removes the session " + text.Clean(key) + " from this machine."}
	if key == m.state.Active {
		lines = append(lines, "It is the active session: afterwards none is active.")
	}
	lines = append(lines, text.PlanLines(plan, m.state.KeyPairs)...)
	m.dialog = dialog{
		title: "Log out " + text.Clean(key) + "?",
		lines: lines,
		run:   logoutCmd(m.cfg.Sessions, keys),
		busy:  "Logging out " + text.Clean(key),
	}
	m.mode = modeConfirm
}

func (m *Model) confirmPrune() {
	if m.state == nil {
		return
	}
	unused, kept := session.PruneCandidates(m.state, m.now, false)
	if len(unused) == 0 {
		m.status, m.statusErr = "No unused key pairs: every key pair tkauth made is used by a session.", false
		if len(kept) > 0 {
			m.status = "No key pairs to delete; " + text.Plural(len(kept), "new key pair") + " kept: no session has used it yet, a login may be about to."
		}
		return
	}
	lines := []string{"Deletes " + text.Plural(len(unused), "key pair") + " that tkauth created and no session uses:"}
	for _, pub := range unused {
		lines = append(lines, "  "+session.Short(pub)+" ("+m.state.KeyPairs[pub].KeyStore+" key store)")
	}
	if len(kept) > 0 {
		lines = append(lines, "Keeps "+text.Plural(len(kept), "new key pair")+" no session has used yet: a login may be about to (kept for "+text.Duration(session.ClaimWindow)+" after creation).")
	}
	m.dialog = dialog{
		title: "Delete " + text.Plural(len(unused), "unused key pair") + "?",
		lines: lines,
		run:   pruneCmd(m.cfg.Sessions),
		busy:  "Deleting unused key pairs",
	}
	m.mode = modeConfirm
}

// checkText says Turnkey's verdict on a session in a line.
func checkText(c session.Check) string {
	key := text.Clean(c.Key)
	switch c.Status {
	case session.Valid:
		return "Turnkey accepts " + key + "."
	case session.Rejected:
		return "Turnkey rejects " + key + ": " + c.Why.Error()
	case session.Unreachable:
		return "Turnkey could not be asked about " + key + ": " + c.Why.Error()
	}
	return key + " cannot be checked here: " + c.Why.Error()
}
