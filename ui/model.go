package ui

import (
	"context"
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
	modeToken        // the selected session's token, whole
	modeHelp         // every key
)

// Config is what the TUI is shown over.
type Config struct {
	Sessions Sessions
	// StorePath is the session file: its directory is shown, and the
	// file watched when Watch. The directory must exist.
	StorePath string
	KeyStore  string // name of the key store in use
	Note      string // how the key store was chosen, when the user must know
	// KeyStoreReady, if set, chooses the key store (KeyStore is then
	// empty) and says which, and why when the user must know: it runs
	// after the first frame, since a frozen keyring can take its whole
	// timeout to answer.
	KeyStoreReady func(ctx context.Context) (name, note string)
	Clock         func() time.Time
	Watch         bool // reload when the store changes on disk
	// Servers says where each session's requests to Turnkey go, for R
	// (refresh) and c (check); nil in the demo.
	Servers *session.Servers
	// AutoRefresh refreshes the active session, and only it, in its last
	// RefreshWindow, as Turnkey's React kit does.
	AutoRefresh bool

	afterFirstLoad func() // run, as a command, once the first load is shown
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
	// revoke, when offered, revokes on Turnkey first: r, or revokeWord
	// typed.
	revoke               tea.Cmd
	revokeWord, revoking string
}

// statusKind is how a status message reads.
type statusKind int

const (
	statusOK statusKind = iota
	statusWarn
	statusErr
)

// statusFade is how long a message stays; any key clears it sooner.
const statusFade = 6 * time.Second

// presenceEvery is how often key pair presence is asked again, so that a
// key pair deleted behind tkauth's back shows without r.
const presenceEvery = 5 * time.Second

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

	// styledMemo: table cells rendered in styles, by style and text
	// (styledCell); shared by the model's copies, remade with styles.
	styledMemo map[styleKey]string

	width, height int
	now           time.Time
	mode          mode
	dialog        dialog
	scrollOff     int  // first line of the overlay's scrolling part
	yank          bool // y was pressed: the next key says what to copy

	// listed: the state shown was read without its tokens (firstLoadCmd);
	// the whole of it is on its way. awaitTokens is what was asked of a
	// token meanwhile (awaitView, awaitCopy), done when they come.
	listed      bool
	awaitTokens string

	lastRead uint64 // the load shown started reading then (loadReads)
	state    *session.State
	loadErr  error
	rows     []*session.Session // the sessions shown, filtered, in order
	cursor   int                // index in rows
	offset   int                // first row on screen
	selected string             // session key under the cursor, kept across reloads
	presence map[string]session.Presence
	askedAt  time.Time // when presence was last asked
	gen      int       // numbers loads, so stale presence answers are dropped

	// Indexes of state, built at each load so that a frame costs the rows
	// on screen, not the sessions stored.
	all      []*session.Session  // every session, by key
	haystack []string            // all[i]'s key, user and organization, lower-cased, for the filter
	matches  map[string]found    // query -> the sessions it matches, this load
	expiries []int64             // every session's expiry, Unix nanoseconds, sorted
	users    map[string][]string // public key -> session keys, as details ask (usersOf)

	autoTried string                // the token auto-refresh last tried, so it tries once
	checks    map[string]checkedMsg // Turnkey's last verdict, by session key
	checking  map[string]bool       // sessions being checked now
	busy      string                // the action running now, if any
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
	filter := textinput.New()
	filter.Prompt = "/ "
	filter.Placeholder = "session key, user or organization"
	typed := textinput.New()
	typed.Prompt = "> "
	m := Model{
		cfg:        cfg,
		keys:       newKeyMap(),
		styles:     newStyles(true),
		styledMemo: map[styleKey]string{},
		help:       help.New(),
		spin:       spinner.New(spinner.WithSpinner(spinner.Dot)),
		filter:     filter,
		typed:      typed,
		now:        cfg.Clock(),
	}
	m.help.Styles = m.styles.Help
	m.syncKeys()
	return m
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{firstLoadCmd(m.cfg.Sessions), tickCmd(m.cfg.Clock), tea.RequestBackgroundColor}
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
	return tea.Batch(cmds...)
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.filter.SetWidth(max(msg.Width-4, 10))
		m.typed.SetWidth(max(min(msg.Width-6, 72)-10, 10))
		m.scroll()
		m.scrollOff = min(m.scrollOff, m.overlayMaxOff())
		m.syncKeys() // whether an overlay scrolls depends on the size
	case keyStoreMsg:
		m.cfg.KeyStore, m.cfg.Note = msg.name, msg.note
	case tea.BackgroundColorMsg:
		m.styles = newStyles(msg.IsDark())
		m.styledMemo = map[styleKey]string{}
		m.help.Styles = m.styles.Help
	case tickMsg:
		m.now = time.Time(msg)
		if m.status != "" && m.busy == "" && m.now.Sub(m.statusAt) >= statusFade {
			m.status = ""
		}
		cmds := []tea.Cmd{tickCmd(m.cfg.Clock), m.autoRefresh()}
		if m.state != nil && m.busy == "" && m.now.Sub(m.askedAt) >= presenceEvery {
			m.askedAt = m.now
			cmds = append(cmds, presenceCmd(m.cfg.Sessions, m.state, m.gen))
		}
		return m, tea.Batch(cmds...)
	case loadedMsg:
		var after tea.Cmd
		if f := m.cfg.afterFirstLoad; f != nil {
			m.cfg.afterFirstLoad = nil
			after = func() tea.Msg { f(); return nil }
		}
		if msg.read < m.lastRead {
			// It started reading before the load shown did: what it read
			// is older, and would bring back what has changed since.
			return m, after
		}
		m.lastRead = msg.read
		if msg.err != nil {
			m.loadErr = msg.err
			m.awaitTokens = ""
			return m, after
		}
		first := m.state == nil
		m.loadErr = nil
		m.state = msg.state
		m.listed = msg.listed
		m.gen++
		m.index()
		if first && m.selected == "" {
			m.selected = m.state.Active // start where the user is
		}
		m.refilter()
		m.askedAt = m.now
		var whole tea.Cmd
		if msg.listed {
			// The tokens, once this frame is drawn: read at once, they
			// would take the other CPU while it is.
			load := loadCmd(m.cfg.Sessions)
			whole = func() tea.Msg {
				time.Sleep(firstPaint)
				return load()
			}
		}
		var asked tea.Cmd
		if m.awaitTokens != "" && !m.listed {
			asked = m.tokensCame()
		}
		return m, tea.Batch(presenceCmd(m.cfg.Sessions, msg.state, m.gen), after, whole, asked)
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
		kind := statusOK
		if c.Status != session.Valid {
			kind = statusErr
		}
		m.say(kind, checkText(c))
		return m, nil
	case actionDoneMsg:
		m.busy = ""
		m.say(msg.kind(), msg.status)
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

// say shows a status message, which fades after statusFade.
func (m *Model) say(kind statusKind, status string) {
	m.status, m.kind, m.statusAt = status, kind, m.now
}

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m, tea.Quit
	}
	if m.busy == "" {
		m.status = "" // a message lasts until the next action
	}
	var cmd tea.Cmd
	switch {
	case m.yank:
		cmd = m.yankKey(msg)
	case m.mode == modeConfirm || m.mode == modeTyped:
		cmd = m.dialogKey(msg)
	case m.mode == modeToken || m.mode == modeHelp:
		cmd = m.overlayKey(msg)
	case m.mode == modeFilter:
		cmd = m.filterKey(msg)
	default:
		cmd = m.listKey(msg)
	}
	m.syncKeys()
	return m, cmd
}

// syncKeys enables the bindings that mean something now.
func (m *Model) syncKeys() {
	c := can{rows: len(m.rows) > 0, filtered: m.filter.Value() != "", api: m.cfg.Servers != nil, scroll: m.overlayScrolls()}
	if m.state != nil {
		c.sessions, c.active = len(m.state.Sessions) > 0, m.state.Active != ""
		c.expired = m.expiredCount() > 0
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
		m.open(modeHelp)
	case key.Matches(msg, k.ClearFilter):
		m.filter.SetValue("")
		m.refilter()
	case key.Matches(msg, k.Filter):
		m.mode = modeFilter
		return m.filter.Focus()
	case key.Matches(msg, k.Reload):
		m.say(statusOK, "Reloaded.")
		return loadCmd(m.cfg.Sessions)
	case key.Matches(msg, k.Token) && m.listed:
		return m.awaitToken(awaitView)
	case key.Matches(msg, k.Token):
		m.open(modeToken)
	case key.Matches(msg, k.Copy):
		m.startYank()
	case m.busy != "":
		// One action at a time; the spinner says one is running.
		if key.Matches(msg, k.Activate, k.Logout, k.LogoutActive, k.LogoutExpired, k.LogoutAll, k.Prune, k.Refresh) {
			m.say(statusErr, "Wait: "+m.busy)
		}
	case key.Matches(msg, k.Activate):
		s := m.rows[m.cursor]
		return m.start("Switching to "+text.Clean(s.Key), setActiveCmd(m.cfg.Sessions, s.Key, m.unusable(*s)))
	case key.Matches(msg, k.Refresh):
		s := m.rows[m.cursor]
		return m.start("Refreshing "+text.Clean(s.Key), refreshCmd(m.cfg.Sessions, *m.cfg.Servers, s.Key, m.cfg.Clock))
	case msg.String() == "R" && len(m.rows) > 0:
		m.say(statusErr, "Refreshing needs Turnkey's API: the demo has none.")
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
		m.say(statusErr, "Checking needs Turnkey's API: the demo has none.")
	case key.Matches(msg, k.Logout):
		m.confirmLogout(session.Pick{Key: m.rows[m.cursor].Key})
	case key.Matches(msg, k.LogoutActive):
		m.confirmLogout(session.Pick{})
	case msg.String() == "L" && len(m.rows) > 0:
		// L is off with no active session; say why rather than nothing.
		m.say(statusErr, "No active session to log out from: choose one with enter, or log out the selected one with d.")
	case key.Matches(msg, k.LogoutExpired):
		m.confirmLogout(session.Pick{Expired: true})
	case msg.String() == "X" && m.state != nil:
		m.say(statusOK, "No session has expired.")
	case key.Matches(msg, k.LogoutAll):
		m.confirmLogout(session.Pick{All: true})
	case key.Matches(msg, k.Prune):
		m.confirmPrune()
	}
	return nil
}

// unusable says why the session cannot sign requests now, or "".
func (m Model) unusable(s session.Session) string {
	switch {
	case s.Expired(m.now):
		return "it " + text.Expiry(m.now, s.Expiry) + ": Turnkey refuses it; log in again (tkauth login) or log it out (d)"
	case m.presence[s.PublicKey] == session.Missing:
		return "its key pair is missing from the key store: it cannot sign requests; log in again (tkauth login)"
	}
	return ""
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
	case key.Matches(msg, m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown):
		m.move(msg)
		return nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	m.refilter()
	return cmd
}

func (m *Model) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	d := m.dialog
	switch {
	case m.scrollKey(msg):
		return nil
	case key.Matches(msg, m.keys.Cancel):
		m.say(statusOK, "Cancelled; nothing was changed.")
		m.mode = modeList
		return nil
	case key.Matches(msg, m.keys.Confirm):
		m.mode = modeList
		return m.start(d.busy, d.run)
	case key.Matches(msg, m.keys.Revoke) && d.revoke != nil:
		m.mode = modeList
		return m.start(d.revoking, d.revoke)
	case m.mode == modeTyped && key.Matches(msg, m.keys.Apply):
		switch typed := strings.TrimSpace(m.typed.Value()); {
		case typed == d.word:
			m.typed.Blur()
			m.mode = modeList
			return m.start(d.busy, d.run)
		case d.revoke != nil && typed == d.revokeWord:
			m.typed.Blur()
			m.mode = modeList
			return m.start(d.revoking, d.revoke)
		}
		m.say(statusErr, "Type "+m.dialogWords()+" exactly to confirm, or esc to cancel.")
		return nil
	case m.mode == modeTyped:
		var cmd tea.Cmd
		m.typed, cmd = m.typed.Update(msg)
		return cmd
	}
	return nil
}

// dialogWords says what the typed dialog takes.
func (m Model) dialogWords() string {
	if m.dialog.revoke != nil {
		return m.dialog.word + " or " + m.dialog.revokeWord
	}
	return m.dialog.word
}

// overlayKey handles the token and help screens.
func (m *Model) overlayKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case m.scrollKey(msg):
	case key.Matches(msg, m.keys.Copy):
		m.startYank()
	case key.Matches(msg, m.keys.Close), m.mode == modeToken && key.Matches(msg, m.keys.Token), m.mode == modeHelp && msg.String() == "?":
		m.mode = modeList
	}
	return nil
}

// open shows an overlay from its top.
func (m *Model) open(md mode) {
	m.mode, m.scrollOff = md, 0
}

// scrollKey scrolls an overlay; it reports whether msg was a scroll key.
func (m *Model) scrollKey(msg tea.KeyPressMsg) bool {
	k := m.keys
	page := max(m.overlayPage(), 1)
	switch {
	case key.Matches(msg, k.Up):
		m.scrollOff--
	case key.Matches(msg, k.Down):
		m.scrollOff++
	case key.Matches(msg, k.PageUp):
		m.scrollOff -= page
	case key.Matches(msg, k.PageDown):
		m.scrollOff += page
	case key.Matches(msg, k.Home):
		m.scrollOff = 0
	case key.Matches(msg, k.End):
		m.scrollOff = m.overlayMaxOff()
	default:
		return false
	}
	m.scrollOff = max(0, min(m.scrollOff, m.overlayMaxOff()))
	return true
}

// startYank asks which of the selected session's fields to copy.
func (m *Model) startYank() {
	if m.cursor >= len(m.rows) {
		return
	}
	m.yank = true
	m.say(statusOK, "Copy which? t token · k public key · u user ID · o organization ID · esc nothing")
}

// firstPaint is how long after the first load its frame is surely drawn:
// a few frames at the TUI's 120 a second (Run).
const firstPaint = 50 * time.Millisecond

// What was asked of a token before the tokens were read (awaitTokens).
const (
	awaitView = "view"
	awaitCopy = "copy"
)

// awaitToken keeps what was asked of the selected session's token until
// the tokens are read (the first frame shows the store read without
// them), and reads them now.
func (m *Model) awaitToken(what string) tea.Cmd {
	m.awaitTokens = what
	m.say(statusOK, "Reading the tokens…")
	return loadCmd(m.cfg.Sessions)
}

// tokensCame does what was asked of a token while they were being read.
func (m *Model) tokensCame() tea.Cmd {
	what := m.awaitTokens
	m.awaitTokens = ""
	m.status = ""
	switch what {
	case awaitView:
		m.open(modeToken)
	case awaitCopy:
		return m.yankKey(tea.KeyPressMsg{Code: 't', Text: "t"})
	}
	return nil
}

// yankKey copies the field msg names to the clipboard, with OSC 52, which
// works over SSH where the terminal allows it.
func (m *Model) yankKey(msg tea.KeyPressMsg) tea.Cmd {
	m.yank = false
	if m.cursor >= len(m.rows) {
		return nil
	}
	s := m.rows[m.cursor]
	var what, value string
	switch msg.String() {
	case "t":
		if m.listed {
			return m.awaitToken(awaitCopy)
		}
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
	m.say(statusOK, "Copied the "+what+" of "+text.Clean(s.Key)+" to the clipboard (OSC 52: if nothing arrives, your terminal does not allow it).")
	return tea.SetClipboard(value)
}

// move handles the cursor keys; it reports whether msg was one.
func (m *Model) move(msg tea.KeyPressMsg) bool {
	k, page := m.keys, max(m.listHeight()-1, 1)
	switch {
	case key.Matches(msg, k.Up):
		m.moveTo(m.cursor - 1)
	case key.Matches(msg, k.Down):
		m.moveTo(m.cursor + 1)
	case key.Matches(msg, k.PageUp):
		m.moveTo(m.cursor - page)
	case key.Matches(msg, k.PageDown):
		m.moveTo(m.cursor + page)
	case key.Matches(msg, k.Home):
		m.moveTo(0)
	case key.Matches(msg, k.End):
		m.moveTo(len(m.rows) - 1)
	default:
		return false
	}
	return true
}

// moveTo puts the cursor on row i, or the nearest there is.
func (m *Model) moveTo(i int) {
	m.cursor = max(0, min(i, len(m.rows)-1))
	m.pick()
}

// click selects the row clicked on.
func (m *Model) click(mouse tea.Mouse) {
	if mouse.Button != tea.MouseLeft || m.mode != modeList || len(m.rows) == 0 {
		return
	}
	l := m.layout()
	row := mouse.Y - len(l.header) - 1 // the column header
	if row >= 0 && row < l.listH && m.offset+row < len(m.rows) {
		m.status = ""
		m.moveTo(m.offset + row)
	}
}

// wheel moves the cursor in the list, or scrolls an overlay.
func (m *Model) wheel(mouse tea.Mouse) {
	step := 0
	switch mouse.Button {
	case tea.MouseWheelUp:
		step = -1
	case tea.MouseWheelDown:
		step = 1
	default:
		return
	}
	switch m.mode {
	case modeList, modeFilter:
		m.moveTo(m.cursor + step)
	case modeConfirm, modeTyped, modeToken, modeHelp:
		m.scrollOff = max(0, min(m.scrollOff+step, m.overlayMaxOff()))
	}
}

// pick remembers the session under the cursor and keeps it on screen.
func (m *Model) pick() {
	key := ""
	if m.cursor < len(m.rows) {
		key = m.rows[m.cursor].Key
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

// index builds the indexes of m.state that frames read. The sessions come
// in key order as the store read them (State.Keys): sorting 10,000 keys,
// and their expiries as times, was a fifth of the first frame.
func (m *Model) index() {
	keys := m.state.Keys()
	m.all = make([]*session.Session, len(keys))
	m.haystack, m.matches = nil, nil // made at the first filter keystroke
	m.users = map[string][]string{}
	m.expiries = make([]int64, len(keys))
	for i, k := range keys {
		s := m.state.Sessions[k]
		m.all[i] = s
		m.expiries[i] = s.Expiry.UnixNano()
	}
	slices.Sort(m.expiries)
}

// expiredCount is how many sessions have expired at m.now: those whose
// expiry is not after it.
func (m Model) expiredCount() int {
	i, _ := slices.BinarySearch(m.expiries, m.now.UnixNano()+1)
	return i
}

// usersOf returns the keys of the sessions on the key pair pub, in order,
// found once a load: every frame of the details asks.
func (m Model) usersOf(pub string) []string {
	if keys, ok := m.users[pub]; ok || m.state == nil {
		return keys
	}
	keys := m.state.UsersOf(pub)
	if m.users != nil {
		m.users[pub] = keys
	}
	return keys
}

// refilter rebuilds rows from the state and the filter, keeping the
// cursor on the same session when it is still shown.
func (m *Model) refilter() {
	m.rows = nil
	if m.state != nil {
		// A query cannot hold a line break, so it matches within one field.
		q := strings.ToLower(strings.ReplaceAll(m.filter.Value(), "\n", ""))
		m.rows = m.all
		if q != "" {
			m.rows = m.match(q).rows
		}
	}
	m.cursor = min(m.cursor, max(len(m.rows)-1, 0))
	// Rows are in key order: the selected session is found by halves.
	if i, ok := slices.BinarySearchFunc(m.rows, m.selected, func(s *session.Session, key string) int {
		return strings.Compare(s.Key, key)
	}); ok {
		m.cursor = i
	}
	m.pick()
	m.syncKeys()
}

// maxMatches bounds how many queries' matches a load keeps.
const maxMatches = 64

// found is what a query matches: indexes in Model.all, and those
// sessions as rows, which are never changed in place.
type found struct {
	idx  []int32
	rows []*session.Session
}

// match returns the sessions q matches. A keystroke costs the sessions the
// previous query matched, not all of them: what matches q also matches any
// query q contains, so the search starts from the matches of the longest
// such query seen since the load (typing on narrows them; a backspace
// finds its query's matches kept).
func (m *Model) match(q string) found {
	if got, ok := m.matches[q]; ok {
		return got
	}
	if m.haystack == nil {
		m.haystack = make([]string, len(m.all))
		for i, s := range m.all {
			m.haystack[i] = strings.ToLower(s.Key + "\n" + s.UserID + "\n" + s.OrganizationID)
		}
	}
	var from []int32
	best := -1
	for prev, f := range m.matches {
		if len(prev) > best && strings.Contains(q, prev) {
			from, best = f.idx, len(prev)
		}
	}
	var got found
	keep := func(i int32) {
		if strings.Contains(m.haystack[i], q) {
			got.idx = append(got.idx, i)
			got.rows = append(got.rows, m.all[i])
		}
	}
	if best < 0 {
		for i := range m.haystack {
			keep(int32(i))
		}
	} else {
		for _, i := range from {
			keep(i)
		}
	}
	if m.matches == nil || len(m.matches) >= maxMatches {
		m.matches = map[string]found{}
	}
	m.matches[q] = got
	return got
}

// start runs an action with the spinner going.
func (m *Model) start(busy string, cmd tea.Cmd) tea.Cmd {
	m.busy, m.status, m.yank = busy, "", false
	return tea.Batch(cmd, m.spin.Tick)
}

// confirmLogout asks before logging out what pick picks; the dialog
// names those sessions and what becomes of their key pairs, says that
// their tokens live on at Turnkey, and offers to revoke them there first.
// Confirming acts on exactly the sessions named.
func (m *Model) confirmLogout(pick session.Pick) {
	if m.state == nil {
		return
	}
	st := m.state
	keys, err := session.Targets(st, pick, m.now)
	if err != nil {
		m.say(statusErr, err.Error())
		return
	}
	d := dialog{run: logoutCmd(m.cfg.Sessions, keys)}
	var lines []string
	if len(keys) == 1 && !pick.All {
		key := keys[0]
		d.title = "Log out " + text.Clean(key) + "?"
		d.busy = "Logging out " + text.Clean(key)
		lines = append(lines, "Removes the session "+text.Clean(key)+" ("+text.Expiry(m.now, st.Sessions[key].Expiry)+") from this machine.")
		if key == st.Active {
			lines = append(lines, "It is the active session: afterwards none is active.")
		}
	} else {
		which := "all " + text.Plural(len(keys), "session")
		if pick.Expired {
			which = text.Plural(len(keys), "expired session")
		}
		d.title = "Log out " + which + "?"
		d.busy = "Logging out " + text.Plural(len(keys), "session")
		lines = append(lines, "Removes from this machine:")
		for _, k := range keys {
			mark := ""
			if k == st.Active {
				mark = ", active"
			}
			lines = append(lines, "  "+text.Clean(k)+" ("+text.Expiry(m.now, st.Sessions[k].Expiry)+mark+")")
		}
	}
	if plan := session.PlanLogout(st, keys); len(keys) == 1 {
		lines = append(lines, text.PlanLines(plan, st)...)
	} else {
		lines = append(lines, text.PlanSummary(plan, st)...)
	}
	var live []string
	for _, k := range keys {
		if !st.Sessions[k].Expired(m.now) {
			live = append(live, k)
		}
	}
	if len(live) > 0 {
		lines = append(lines, "", m.notRevoking(keys, live, &d))
	}
	d.lines = lines
	md := modeConfirm
	if pick.All {
		d.word, md = "yes", modeTyped
		m.typed.SetValue("")
		m.typed.Focus()
	}
	m.dialog = d
	m.open(md)
}

// notRevoking says that a local logout leaves the live tokens working at
// Turnkey until they expire and, where Turnkey's API is at hand, offers
// to revoke them there first (d.revoke).
func (m *Model) notRevoking(keys, live []string, d *dialog) string {
	st := m.state
	line := "Logging out is not revoking: Turnkey accepts "
	if len(keys) == 1 {
		line += "its token until it " + text.Expiry(m.now, st.Sessions[keys[0]].Expiry) + "."
	} else {
		line += "the tokens of " + text.Plural(len(live), "live session") + " until they expire."
	}
	if m.cfg.Servers == nil {
		return line + " (Revoking needs Turnkey's API: the demo has none.)"
	}
	d.revoke = revokeCmd(m.cfg.Sessions, *m.cfg.Servers, keys)
	d.revokeWord, d.revoking = "revoke", "Revoking on Turnkey, then logging out"
	if len(keys) == 1 {
		line += " r revokes it there first, signed by its own key pair"
	} else {
		line += " Type revoke to revoke them there first, each signed by its own key pair"
	}
	named := map[string]bool{}
	for _, k := range keys {
		named[k] = true
	}
	var others []string
	for _, k := range session.RevokeTargets(st, keys) {
		if !named[k] {
			others = append(others, k)
		}
	}
	if len(others) > 0 {
		line += "; that ends " + text.CleanJoin(others) + " too (same key pair), which are logged out with it"
	}
	return line + "."
}

func (m *Model) confirmPrune() {
	if m.state == nil {
		return
	}
	unused, kept := session.PruneCandidates(m.state, m.now, false)
	if len(unused) == 0 {
		msg := "No unused key pairs: every key pair tkauth made is used by a session."
		if len(kept) > 0 {
			msg = "No key pairs to delete; " + text.Plural(len(kept), "new key pair") + " kept: no session has used it yet, a login may be about to."
		}
		m.say(statusOK, msg)
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
	m.open(modeConfirm)
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
