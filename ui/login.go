package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// Login is how the TUI logs in (l): the login command's own steps, which
// ask nothing on the terminal. Nil in Config turns the key off.
type Login struct {
	// AuthProxy and APIKey are what the form starts with: an Auth Proxy
	// configuration ID, an API key's name.
	AuthProxy, APIKey string
	// SendCode has Turnkey send a code by channel to contact, an email
	// address or a phone number, through the Auth Proxy configuration
	// proxy.
	SendCode func(ctx context.Context, by CodeChannel, contact, proxy string) (CodeSent, error)
	// WithAPIKey logs in to org with the API key named apiKey.
	WithAPIKey func(ctx context.Context, org, apiKey string) (session.StoreResult, error)
	// Social is social login (login_oauth.go); nil: none.
	Social *SocialLogin
}

// CodeSent is a code on its way and what logs in with it.
type CodeSent struct {
	To      string
	Length  int // 0: not known
	Expires time.Time
	// Check refuses a code that cannot be the one sent, before it costs a
	// try.
	Check func(code string) error
	// Finish logs in with the code.
	Finish func(ctx context.Context, code string) (session.StoreResult, error)
	// Spent reports whether err, from Finish, leaves the code of no more
	// use (expired, out of tries), so that the form gets a new one.
	Spent func(err error) bool
	// Wrong reports whether err, from Finish, refuses the code typed,
	// which costs one of its Tries (0: not known).
	Wrong func(err error) bool
	Tries int
}

// loginMethod is how the form logs in.
type loginMethod int

const (
	byEmail loginMethod = iota
	bySMS
	byWhatsApp
	bySocial // login_oauth.go
	byAPIKey
	methods // how many
)

// methodShape is what the form shows of a method: its name, and its
// inputs' labels and placeholders.
type methodShape struct {
	name                 string
	labels, placeholders [2]string
}

const fromDashboard = "from Turnkey's dashboard (Wallet Kit)"

var shapes = [methods]methodShape{
	byEmail:    {"email code", [2]string{"Email address", "Auth Proxy config ID"}, [2]string{"you@example.com", fromDashboard}},
	bySMS:      {"SMS code", [2]string{"Phone number", "Auth Proxy config ID"}, [2]string{"+15555550100", fromDashboard}},
	byWhatsApp: {"WhatsApp code", [2]string{"Phone number", "Auth Proxy config ID"}, [2]string{"+15555550100", fromDashboard}},
	bySocial:   {"social login", [2]string{"Provider", "Auth Proxy config ID"}, [2]string{strings.Join(socialProviders, ", "), fromDashboard}},
	byAPIKey:   {"API key", [2]string{"Organization ID", "API key name"}, [2]string{"the organization's ID", "in Turnkey's CLI key directory"}},
}

// CodeChannel is how a login code is sent.
type CodeChannel int

// The channels.
const (
	CodeByEmail CodeChannel = iota
	CodeBySMS
	CodeByWhatsApp
)

// channels are the code methods' channels.
var channels = map[loginMethod]CodeChannel{byEmail: CodeByEmail, bySMS: CodeBySMS, byWhatsApp: CodeByWhatsApp}

// loginForm asks how to log in (method, address or organization, then the
// code) and shows what went wrong in words, staying open so that the user
// can try again.
type loginForm struct {
	method  loginMethod
	field   int                // 0 the method, then the inputs
	inputs  [2]textinput.Model // address or organization; Auth Proxy or API key
	values  [methods][2]string // what was typed, by method
	code    textinput.Model
	sent    *CodeSent
	tries   int    // what the code sent has left; 0: not known
	note    string // why a new code was sent, if one was
	err     string
	l       *Login
	social  socialState
	authURL string // where the browser was opened, while it waits for it

	common
	keys          loginKeys
	width, height int
}

func newLoginForm(l *Login, c common) loginForm {
	f := loginForm{l: l, common: c, keys: newLoginKeys()}
	for i := range f.inputs {
		f.inputs[i] = textinput.New()
		f.inputs[i].Prompt = ""
	}
	f.values[byEmail][1], f.values[bySMS][1], f.values[byWhatsApp][1], f.values[byAPIKey][1], f.values[bySocial][1] = l.AuthProxy, l.AuthProxy, l.AuthProxy, l.APIKey, l.AuthProxy
	f.code = textinput.New()
	f.code.Prompt = "Code: "
	f.show(byEmail)
	return f
}

// setMethod keeps what was typed for this method and shows m's inputs.
func (f *loginForm) setMethod(m loginMethod) {
	for i := range f.inputs {
		f.values[f.method][i] = f.inputs[i].Value()
	}
	f.show(m)
}

// show shows method m's inputs, with what was typed for it before.
func (f *loginForm) show(m loginMethod) {
	f.method = m
	for i := range f.inputs {
		f.inputs[i].SetValue(f.values[m][i])
		f.inputs[i].Placeholder = shapes[m].placeholders[i]
	}
}

// focusField moves the cursor to field i.
func (f *loginForm) focusField(i int) tea.Cmd {
	f.field = (i + 3) % 3
	var cmd tea.Cmd
	for j := range f.inputs {
		if j == f.field-1 {
			cmd = f.inputs[j].Focus()
		} else {
			f.inputs[j].Blur()
		}
	}
	return cmd
}

// SetSize sizes the form to the body of the screen.
func (f *loginForm) SetSize(width, height int) {
	f.width, f.height = width, height
	w := max(f.boxWidth()-dialogFrameW-24, 10)
	for i := range f.inputs {
		f.inputs[i].SetWidth(w)
	}
	f.code.SetWidth(w)
}

// enable turns on the keys that mean something now, and says what enter
// does.
func (f *loginForm) enable() {
	idle := f.busy == "" // while busy, only esc does anything: it cancels
	f.keys.Method.SetEnabled(idle && f.sent == nil && f.field == 0)
	f.keys.Next.SetEnabled(idle && f.sent == nil)
	f.keys.Prev.SetEnabled(idle && f.sent == nil)
	f.keys.Submit.SetEnabled(idle)
	enter := "send the code"
	if f.sent != nil || f.method == byAPIKey || f.method == bySocial {
		enter = "log in"
	}
	f.keys.Submit.SetHelp("enter", enter)
}

func (f loginForm) ShortHelp() []key.Binding  { f.enable(); return f.keys.ShortHelp() }
func (f loginForm) FullHelp() [][]key.Binding { f.enable(); return f.keys.FullHelp() }

func (f loginForm) boxWidth() int { return min(f.width-2, 76) }

// Update handles a key, and the answers to what the form started: a code
// sent, or a login that failed (the root ends one that succeeds). While
// it sends or logs in, only the wait is said.
func (f *loginForm) Update(msg tea.Msg) tea.Cmd {
	f.enable()
	switch msg := msg.(type) {
	case codeSentMsg:
		if msg.err != nil {
			f.err = describe(msg.err)
			return nil
		}
		return f.codeSent(msg.sent)
	case loggedInMsg:
		return f.refused(msg.err)
	case providersMsg:
		f.gotProviders(msg)
		return nil
	case authURLMsg:
		f.authURL = msg.url
		return nil
	case tea.KeyPressMsg:
		if f.busy != "" {
			f.ask(sayMsg{statusErr, waitNote + f.busy})
			return nil
		}
		return f.key(msg)
	}
	return nil
}

func (f *loginForm) key(msg tea.KeyPressMsg) tea.Cmd {
	k, l := f.keys, f.l
	switch {
	case key.Matches(msg, k.Cancel):
		if f.sent != nil {
			f.ask(focusMsg{focusTable}, sayMsg{statusOK, "Cancelled; nothing was stored (the code sent expires unused)."})
		} else {
			f.ask(focusMsg{focusTable}, sayMsg{statusOK, "Cancelled; nothing was stored."})
		}
		return nil
	case key.Matches(msg, k.Submit):
		cmd := f.submit()
		switch {
		case f.err != "":
		case f.sent != nil:
			f.ask(startMsg{busy: "Logging in", run: loginCodeRun(*f.sent, strings.TrimSpace(f.code.Value()))})
		case f.method == byAPIKey:
			f.ask(startMsg{busy: "Logging in to " + escape.Clean(f.value(0)), run: loginAPIKeyRun(l, f.value(0), f.value(1))})
		case f.method == bySocial:
			return f.socialCmd()
		default:
			f.ask(startMsg{busy: "Sending a code to " + escape.Clean(f.value(0)), run: sendCodeRun(l, channels[f.method], f.value(0), f.value(1))})
		}
		return cmd
	case key.Matches(msg, k.Next):
		return tea.Batch(f.focusField(f.field+1), f.askProviders())
	case key.Matches(msg, k.Prev):
		return f.focusField(f.field - 1)
	case key.Matches(msg, k.Method):
		step := loginMethod(1)
		if msg.String() == "left" {
			step = methods - 1
		}
		f.setMethod((f.method + step) % methods)
		return f.askProviders()
	}
	var cmd tea.Cmd
	switch {
	case f.sent != nil:
		f.code, cmd = f.code.Update(msg)
	case f.field == 0 && msg.Text != "":
		// Typed on the method: the address, which comes next.
		cmd = f.focusField(1)
		f.inputs[0], _ = f.inputs[0].Update(msg)
	case f.field > 0:
		f.inputs[f.field-1], cmd = f.inputs[f.field-1].Update(msg)
	}
	return cmd
}

// submit checks what enter submits, and says in err what is missing.
func (f *loginForm) submit() tea.Cmd {
	f.err = ""
	if f.sent != nil {
		if err := f.sent.Check(strings.TrimSpace(f.code.Value())); err != nil {
			f.err = describe(err)
		}
		return nil
	}
	labels := shapes[f.method].labels
	for i := range f.inputs {
		if strings.TrimSpace(f.inputs[i].Value()) == "" {
			f.err = labels[i] + " is empty."
			return f.focusField(i + 1)
		}
	}
	return nil
}

// value is input i, as typed.
func (f loginForm) value(i int) string { return strings.TrimSpace(f.inputs[i].Value()) }

// View is the form's box, centred in the body of the screen.
func (f loginForm) View() string {
	f.enable()
	st, height, now := f.styles, f.height, f.now
	w := f.boxWidth() - dialogFrameW
	lines := wrap(st.DialogTitle, "Log in", w)
	lines = append(lines, "")
	if f.note != "" {
		lines = append(lines, wrap(st.Warning, f.note, w)...)
		lines = append(lines, "")
	}
	if f.sent == nil {
		method := "  " + shapes[f.method].name
		if f.field == 0 {
			method = st.Cursor.Render("‹ " + shapes[f.method].name + " ›")
		}
		lines = append(lines, st.Label.Render(fmt.Sprintf("%-22s", "Method"))+method)
		for i, l := range shapes[f.method].labels {
			lines = append(lines, st.Label.Render(fmt.Sprintf("%-22s", l))+"  "+f.inputs[i].View())
		}
		// The address, while shown, takes the hint's place: it needs the room.
		if url := f.authURLLines(w); url != nil {
			lines = append(lines, url...)
		} else if hint := f.hint(); hint != "" {
			lines = append(append(lines, ""), wrap(st.Dim, hint, w)...)
		}
	} else {
		shape := "a code"
		if f.sent.Length > 0 {
			shape = fmt.Sprintf("a %d-character code", f.sent.Length)
		}
		lines = append(lines, wrap(lipgloss.NewStyle(), fmt.Sprintf("Turnkey sent %s to %s; it lives until %s (%s).",
			shape, escape.Clean(f.sent.To), f.sent.Expires.Format("15:04"), text.Duration(max(f.sent.Expires.Sub(now), 0))), w)...)
		lines = append(lines, "", f.code.View())
	}
	if f.err != "" {
		lines = append(lines, "")
		lines = append(lines, wrap(st.Error, escape.Clean(f.err), w)...)
	}
	lines = append(lines, "")
	// The keys of the field the cursor is on.
	foot := "tab: next field · shift+tab: previous · enter: " + f.keys.Submit.Help().Desc + " · esc: cancel"
	if f.field == 0 {
		foot = "←/→: method · tab: next field · enter: " + f.keys.Submit.Help().Desc + " · esc: cancel"
	}
	switch {
	case f.busy != "":
		foot = "esc: cancel (nothing is stored)"
	case f.sent != nil:
		foot = "enter: log in · esc: cancel (nothing is stored)"
	}
	lines = append(lines, wrap(st.Label, foot, w)...)
	box := st.Dialog.Width(f.boxWidth()).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(f.width, max(height, lipgloss.Height(box)), lipgloss.Center, lipgloss.Center, box)
}

// loginKeys are the form's.
type loginKeys struct {
	Next, Prev, Method, Submit, Cancel key.Binding
}

func newLoginKeys() loginKeys {
	return loginKeys{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous")),
		Method: key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "method")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send the code")),
		Cancel: key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "cancel")),
	}
}

func (k loginKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Submit, k.Next, k.Method, k.Cancel}
}

func (k loginKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Commands: the network and the store, off the update loop.

// loginTimeout bounds a login: sending a code, or logging in, with
// Turnkey's retries.
const loginTimeout = 2 * time.Minute

// codeSentMsg ends sending a code.
type codeSentMsg struct {
	sent CodeSent
	err  error
}

// loggedInMsg ends a login.
type loggedInMsg struct {
	res session.StoreResult
	err error
}

func sendCodeRun(l *Login, by CodeChannel, contact, proxy string) func(context.Context) tea.Msg {
	return func(ctx context.Context) tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loginTimeout)
		defer cancel()
		sent, err := l.SendCode(ctx, by, contact, proxy)
		return codeSentMsg{sent, err}
	}
}

func loginAPIKeyRun(l *Login, org, apiKey string) func(context.Context) tea.Msg {
	return func(ctx context.Context) tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loginTimeout)
		defer cancel()
		res, err := l.WithAPIKey(ctx, org, apiKey)
		return loggedInMsg{res, err}
	}
}

func loginCodeRun(s CodeSent, code string) func(context.Context) tea.Msg {
	return func(ctx context.Context) tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loginTimeout)
		defer cancel()
		res, err := s.Finish(ctx, code)
		return loggedInMsg{res, err}
	}
}
