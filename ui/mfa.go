package ui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/escape"
)

// MFAWait is how long an action of the TUI (a login, a refresh) waits for
// MFA factors given elsewhere: within the two minutes an action that talks
// to Turnkey may take.
const MFAWait = 90 * time.Second

// MFAWaiting says that the action under way waits until Until for
// Factors (in words) to be given in another app or device. Config.MFA
// carries it from the action's goroutine; the status line counts down.
type MFAWaiting struct {
	Factors []string
	Until   time.Time
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
