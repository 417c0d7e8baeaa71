package ui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
)

// MFAWait is how long an action of the TUI (a login, a refresh) waits for
// MFA factors given elsewhere: within the two minutes an action that talks
// to Turnkey may take.
const MFAWait = 90 * time.Second

// MFAWaiting says that the action under way waits until Until for
// Factors (in words) to be given in another app or device. Config.MFA
// carries it from the action's goroutine; the status line counts down.
//
// With Answer set, it asks first: Offer says, one line each, what tkauth
// holds that proves some of the factors ("the API key default"); a
// dialog asks whether to approve the activity with them, and Answer gets
// the reply (false: wait for them elsewhere).
//
// With Pick set, it asks which of Choices proves Step (one step of
// Factors, in words): a dialog lists them, and a field takes what the one
// picked needs (an address, a number); Pick gets the answer. With Typed
// set, it asks for the code a factor sent (Code); Typed gets it, or ""
// if the user gave up.
type MFAWaiting struct {
	Factors []string
	Until   time.Time
	Offer   []string
	Answer  chan<- bool

	Step    string
	Choices []MFAChoice
	Pick    chan<- MFAPick

	Code  *MFACode
	Typed chan<- string
}

// MFAChoice is a way to prove a factor: Label says it ("an SMS code",
// "session acme/ops"); Needs, if set, names what the user types for it
// ("Phone number").
type MFAChoice struct{ Label, Needs string }

// MFAPick answers MFAWaiting.Pick: the index of the choice, and what was
// typed for it; Index -1: none, the step is given elsewhere.
type MFAPick struct {
	Index int
	Text  string
}

// MFACode is a code a factor sent: where to, its length (0: unknown) and
// until when it lives; Check, if set, refuses a code that cannot be the
// one sent, before it costs a try.
type MFACode struct {
	To      string
	Length  int
	Expires time.Time
	Check   func(code string) error
}

// check says why code cannot be the one c sent, or "".
func (c *MFACode) check(code string) string {
	if c.Check != nil {
		if err := c.Check(code); err != nil {
			return describe(err)
		}
	} else if n := len([]rune(code)); c.Length > 0 && n != c.Length {
		return fmt.Sprintf("the code has %d characters; the one sent has %d", n, c.Length)
	}
	return ""
}

// asks reports whether w asks the user something.
func (w MFAWaiting) asks() bool { return w.Answer != nil || w.Pick != nil || w.Typed != nil }

// decline answers no to what w asks: the action it was for is over.
func (w MFAWaiting) decline() {
	switch {
	case w.Answer != nil:
		w.Answer <- false
	case w.Pick != nil:
		w.Pick <- MFAPick{Index: -1}
	case w.Typed != nil:
		w.Typed <- ""
	}
}

// askMFA opens the dialog that asks what w asks: whether to approve the
// activity with what w offers (y answers yes, n or esc no), which factor
// proves a step, or a code; then the action goes on.
func (m *Model) askMFA(w MFAWaiting) {
	if w.Pick != nil || w.Typed != nil {
		m.dialog, m.focus = newMFADialog(w, m.focus, m.common), focusDialog
		return
	}
	q := text.Question{
		Title: "Approve the activity with what tkauth holds?",
		Lines: []string{"Turnkey needs " + text.Factors(w.Factors) + " before it does this. tkauth can prove:"},
	}
	for _, o := range w.Offer {
		q.Lines = append(q.Lines, "  - "+escape.Clean(o))
	}
	q.Lines = append(q.Lines, "", "What it cannot prove here, give in another app or device; tkauth then waits for it.")
	d := newDialog(q, nil, m.common)
	d.back = m.focus
	answer := w.Answer
	d.answer = func(yes bool) tea.Cmd {
		return func() tea.Msg { answer <- yes; return nil }
	}
	m.dialog, m.focus = d, focusDialog
}

// mfaCmd waits for the next MFAWaiting.
func mfaCmd(waits <-chan MFAWaiting) tea.Cmd {
	return func() tea.Msg { return <-waits }
}

// line says what the action waits for, and how long it has left.
func (w MFAWaiting) line(now time.Time) string {
	left := max(w.Until.Sub(now), 0).Round(time.Second)
	return fmt.Sprintf("Turnkey needs %s, given in another app or device: %d:%02d left", text.Factors(w.Factors), int(left.Minutes()), int(left.Seconds())%60)
}
