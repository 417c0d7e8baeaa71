package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tkauth/tkauth/internal/text"
)

// dialog is a pending confirmation: exactly what will happen, and what
// confirms it; with word set, that word must be typed. Its body scrolls
// when it does not fit.
type dialog struct {
	text.Question
	word string
	run  tea.Cmd // what confirming does
	// revoke, when offered, revokes on Turnkey first: r, or revokeWord
	// typed.
	revoke               tea.Cmd
	revokeWord, revoking string
	// back is where the keyboard goes when the dialog closes.
	back focus
	// answer, if set, takes the reply to a question an action under way
	// asks (y: true; n or esc: false), in place of run.
	answer func(yes bool) tea.Cmd
	// mfa, if set, asks for an MFA factor instead (mfa_dialog.go).
	mfa *mfaAsk

	common
	keys   dialogKeys
	typed  textinput.Model
	scroll scroller
	width  int
}

// dialogFrameW and dialogFrameH are what the box's border and padding
// take.
const dialogFrameW, dialogFrameH = 6, 2

func newDialog(q text.Question, run tea.Cmd, c common) dialog {
	typed := textinput.New()
	typed.Prompt = "> "
	c.asks = nil // the asker's, not the dialog's
	return dialog{Question: q, run: run, common: c, keys: newDialogKeys(), typed: typed}
}

// withWord makes d ask for word to be typed.
func (d dialog) withWord(word string) (dialog, tea.Cmd) {
	d.word = word
	d.typed.SetValue("")
	return d, d.typed.Focus()
}

// withRevoke offers to revoke on Turnkey first, with run.
func (d dialog) withRevoke(run tea.Cmd) dialog {
	d.revoke, d.revokeWord, d.revoking = run, "revoke", "Revoking on Turnkey, then logging out"
	return d
}

// boxWidth is the box's width, border included.
func (d dialog) boxWidth() int { return min(d.width-2, 76) }

// SetSize sizes the dialog to the body of the screen.
func (d *dialog) SetSize(width, height int) {
	d.width = width
	d.typed.SetWidth(max(min(width-6, 72)-10, 10))
	if d.mfa != nil {
		d.mfa.input.SetWidth(max(min(width-6, 72)-10, 10))
	}
	d.scroll.setSize(height-dialogFrameH, d.layout)
}

// enable turns on the keys that mean something now. While the dialog
// takes text, letters are text: only esc (and ctrl+c) cancels.
func (d *dialog) enable() {
	d.keys.navKeys.enable(d.scroll.maxOff(d.layout) > 0)
	d.keys.Confirm.SetEnabled(d.word == "")
	d.keys.Revoke.SetEnabled(d.word == "" && d.revoke != nil)
	d.keys.Apply.SetEnabled(d.word != "")
	if d.word != "" {
		d.keys.Cancel.SetKeys("esc", "ctrl+c")
		d.keys.Cancel.SetHelp("esc", "cancel")
	} else {
		d.keys.Cancel.SetKeys("n", "esc", "ctrl+c")
		d.keys.Cancel.SetHelp("n/esc", "cancel")
	}
}

func (d dialog) ShortHelp() []key.Binding {
	if d.mfa != nil {
		return d.mfa.shortHelp()
	}
	d.enable()
	return d.keys.ShortHelp()
}

func (d dialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

func (d dialog) layout(tight bool) parts {
	blank := []string{""}
	if tight {
		blank = nil
	}
	st := d.styles
	w := d.boxWidth() - dialogFrameW
	if d.mfa != nil {
		return d.mfa.layout(d, w, blank)
	}
	p := parts{head: append(wrap(st.DialogTitle, d.Title, w), blank...)}
	for _, l := range d.Lines {
		p.body = append(p.body, wrap(lipgloss.NewStyle(), l, w)...)
	}
	var confirm string
	if d.word != "" {
		confirm = "Type " + d.word + " and press enter to log out"
		if d.revoke != nil {
			confirm += ", or " + d.revokeWord + " to revoke on Turnkey first"
		}
		confirm += "; esc cancels."
	} else {
		// The title's question as an answer: its first letter lowered,
		// never the session key in it.
		what := strings.TrimSuffix(d.Title, "?")
		confirm = "y: " + strings.ToLower(what[:1]) + what[1:]
		if d.revoke != nil {
			confirm = "y: log out here · r: revoke on Turnkey, then log out"
		}
		if d.answer != nil {
			confirm += " · n or esc: no"
		} else {
			confirm += " · n or esc: cancel"
		}
	}
	p.foot = append(slices.Clone(blank), wrap(st.Label, confirm, w)...)
	if d.word != "" {
		p.foot = append(p.foot, d.typed.View())
	}
	return p
}

// View is the box, centred in the body of the screen.
func (d dialog) View() string {
	box := d.styles.Dialog.Width(d.boxWidth()).Render(strings.Join(d.scroll.lines(d.layout, d.styles.Dim), "\n"))
	return lipgloss.Place(d.width, d.scroll.height+dialogFrameH, lipgloss.Center, lipgloss.Center, box)
}

// Update handles a key: y or the typed word runs the action, r or
// revoke revokes first, n or esc cancels; the wheel scrolls.
func (d *dialog) Update(msg tea.Msg) tea.Cmd {
	d.enable()
	if m, ok := msg.(tea.MouseWheelMsg); ok {
		d.scroll.wheel(wheelStep(m.Mouse()), d.layout)
		return nil
	}
	k := d.keys
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if d.mfa != nil {
		cmd, done := d.mfa.update(press)
		if done {
			d.ask(focusMsg{d.back})
		}
		return cmd
	}
	switch {
	case d.scroll.key(press, k.navKeys, d.layout):
	case d.answer != nil && (key.Matches(press, k.Cancel) || key.Matches(press, k.Confirm)):
		d.ask(focusMsg{d.back})
		return d.answer(key.Matches(press, k.Confirm))
	case key.Matches(press, k.Cancel):
		d.ask(sayMsg{statusOK, "Cancelled; nothing was changed."}, focusMsg{d.back})
	case key.Matches(press, k.Confirm):
		d.confirm(false)
	case key.Matches(press, k.Revoke):
		d.confirm(true)
	case key.Matches(press, k.Apply):
		switch typed := strings.TrimSpace(d.typed.Value()); {
		case typed == d.word:
			d.typed.Blur()
			d.confirm(false)
		case d.revoke != nil && typed == d.revokeWord:
			d.typed.Blur()
			d.confirm(true)
		default:
			d.ask(sayMsg{statusErr, "Type " + d.words() + " exactly to confirm, or esc to cancel."})
		}
	case d.word != "":
		var cmd tea.Cmd
		d.typed, cmd = d.typed.Update(press)
		return cmd
	}
	return nil
}

// confirm closes the dialog and starts its action, or the revocation.
func (d *dialog) confirm(revoke bool) {
	start := startMsg{busy: d.Busy, cmd: d.run}
	if revoke {
		start = startMsg{busy: d.revoking, cmd: d.revoke}
	}
	d.ask(focusMsg{d.back}, start)
}

// words says what the typed dialog takes.
func (d dialog) words() string {
	if d.revoke != nil {
		return d.word + " or " + d.revokeWord
	}
	return d.word
}
