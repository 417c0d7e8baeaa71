package ui

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/session"
)

// running is the cancellable action under way: cancel ends its context,
// and cancelled is what it was doing once cancel was called.
type running struct {
	cancel    context.CancelFunc
	cancelled string
}

// startMsg starts what a component asked for: an action with a context
// the root can cancel (run), and cmd beside it if set; or one that runs
// to its end (cmd).
func (m *Model) startMsg(msg startMsg) tea.Cmd {
	if msg.run == nil {
		return m.start(msg.busy, msg.cmd)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := m.start(msg.busy, func() tea.Msg { return msg.run(ctx) }, msg.cmd)
	m.run = running{cancel: cancel}
	return cmd
}

// cancellable reports whether an action runs that esc or ctrl+c cancels.
func (m Model) cancellable() bool {
	return m.busy != "" && m.run.cancel != nil && m.run.cancelled == "" && m.focus != focusDialog
}

// cancelAction cancels the action under way; its end says what is left.
func (m Model) cancelAction() (Model, tea.Cmd) {
	m.run.cancel()
	m.run.cancelled = m.busy
	m.say(statusWarn, "Cancelling: "+m.busy+"…")
	return m, nil
}

// ended ends the action under way, and returns what it was doing if it
// was cancelled. A "Wait:" note said while it ran goes with it.
func (m *Model) ended() (cancelled string) {
	if m.run.cancel != nil {
		m.run.cancel()
	}
	cancelled = m.run.cancelled
	m.busy, m.run = "", running{}
	if m.kind == statusErr && strings.HasPrefix(m.status, waitNote) || cancelled != "" {
		m.status = ""
	}
	return cancelled
}

// waitNote begins what a key pressed while an action runs is told.
const waitNote = "Wait: "

// actionDone ends an action that said its outcome as a status.
func (m Model) actionDone(msg actionDoneMsg) (Model, tea.Cmd) {
	if c := m.ended(); c != "" && msg.err != nil {
		m.say(statusWarn, cancelledText(c, msg.err))
	} else {
		m.say(msg.kind(), msg.status)
	}
	return m, m.loadCmd()
}

// cancelledText says that the action busy was cancelled, and err, its
// end, what it left: nothing stored, unless err says more.
func cancelledText(busy string, err error) string {
	s := "Cancelled: " + busy + "; nothing was stored."
	if !errors.Is(err, context.Canceled) || errors.Is(err, session.ErrKeyPairLeft) || strings.ContainsAny(strings.TrimSuffix(err.Error(), context.Canceled.Error()), ";\n") {
		s += " " + describe(err)
	}
	return s
}
