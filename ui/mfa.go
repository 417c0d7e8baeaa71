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
type MFAWaiting struct {
	Factors []string
	Until   time.Time
	Offer   []string
	Answer  chan<- bool
}

// askMFA opens the dialog that asks whether to approve the activity with
// what w offers; y answers yes, n or esc no, and the action goes on.
func (m *Model) askMFA(w MFAWaiting) {
	q := text.Question{
		Title: "Approve the activity with what tkauth holds?",
		Lines: []string{"Turnkey needs " + escape.Join(w.Factors) + " before it does this. tkauth can prove:"},
	}
	for _, o := range w.Offer {
		q.Lines = append(q.Lines, "  - "+escape.Clean(o))
	}
	q.Lines = append(q.Lines, "", "What it cannot prove here, give in another app or device (the command line's --mfa sends email and SMS codes); tkauth then waits for it.")
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
	return fmt.Sprintf("Turnkey needs %s, given in another app or device: %d:%02d left", escape.Join(w.Factors), int(left.Minutes()), int(left.Seconds())%60)
}
