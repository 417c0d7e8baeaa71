package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
)

// mfaAsk makes a dialog ask for an MFA factor: which of its choices
// proves a step (↑/↓ or a digit, enter; a field for what the one picked
// needs), or the code a factor sent (a field). Letters typed in a field
// are text, never answers: enter answers, esc goes back or gives up.
type mfaAsk struct {
	w      MFAWaiting
	cursor int  // among the choices, and "none" after them
	typing bool // the field is shown and takes the keys
	input  textinput.Model
	keys   mfaKeys
	err    string // why the code typed cannot be the one sent
}

type mfaKeys struct {
	Up, Down, Pick, Back key.Binding
}

func newMFAKeys() mfaKeys {
	return mfaKeys{
		Up:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Pick: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Back: key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "give it elsewhere")),
	}
}

// newMFADialog is the dialog that asks what w asks; the keyboard goes
// back to back when it answers.
func newMFADialog(w MFAWaiting, back focus, c common) dialog {
	q := text.Question{Title: "Prove a factor Turnkey asks for"}
	if w.Typed != nil {
		q.Title = "Type the code"
	}
	d := newDialog(q, nil, c)
	d.back = back
	a := &mfaAsk{w: w, input: textinput.New(), keys: newMFAKeys()}
	a.input.Prompt = "> "
	if w.Typed != nil {
		a.typing = true
		a.input.Placeholder = "code"
		a.input.Focus()
		a.keys.Pick.SetHelp("enter", "approve with it")
		a.keys.Back.SetHelp("esc", "give up")
	}
	d.mfa = a
	return d
}

func (a *mfaAsk) enable() {
	picking := !a.typing
	a.keys.Up.SetEnabled(picking)
	a.keys.Down.SetEnabled(picking)
	switch {
	case a.w.Typed != nil:
	case a.typing:
		a.keys.Pick.SetHelp("enter", "send the code")
		a.keys.Back.SetHelp("esc", "back")
	default:
		a.keys.Pick.SetHelp("enter", "choose")
		a.keys.Back.SetHelp("esc", "give it elsewhere")
	}
}

func (a *mfaAsk) shortHelp() []key.Binding {
	a.enable()
	return []key.Binding{a.keys.Up, a.keys.Down, a.keys.Pick, a.keys.Back}
}

// layout is the dialog's text: what Turnkey needs, the choices with the
// cursor, and the field.
func (a *mfaAsk) layout(d dialog, w int, blank []string) parts {
	st := d.styles
	p := parts{head: append(wrap(st.DialogTitle, d.Title, w), blank...)}
	line := func(s string) { p.body = append(p.body, wrap(lipgloss.NewStyle(), s, w)...) }
	if c := a.w.Code; c != nil {
		shape := "a code"
		if c.Length > 0 {
			shape = fmt.Sprintf("a %d-character code", c.Length)
		}
		line(fmt.Sprintf("Turnkey sent %s to %s; it lives until %s.", shape, escape.Clean(c.To), c.Expires.Format("15:04")))
		line("The activity is approved with it; esc gives up, and tkauth rejects the activity.")
		p.foot = append(blank, a.input.View())
		if a.err != "" {
			p.foot = append(p.foot, wrap(st.Error, escape.Clean(a.err)+": type it again.", w)...)
		}
		return p
	}
	line("Turnkey needs " + text.Factors(a.w.Factors) + " before it does this. For " + escape.Clean(a.w.Step) + ":")
	line("")
	for i, c := range a.choices() {
		mark := "  "
		if i == a.cursor {
			mark = "› "
		}
		line(fmt.Sprintf("%s%d) %s", mark, i+1, escape.Clean(c.Label)))
	}
	if a.typing {
		p.foot = append(blank, wrap(st.Label, escape.Clean(a.w.Choices[a.cursor].Needs)+", then enter; esc goes back.", w)...)
		p.foot = append(p.foot, a.input.View())
	} else {
		p.foot = append(blank, wrap(st.Label, "↑/↓ or a digit, then enter; esc: give it in another app or device, and tkauth waits for it.", w)...)
	}
	return p
}

// choices are w's, and none after them.
func (a *mfaAsk) choices() []MFAChoice {
	return append(append([]MFAChoice(nil), a.w.Choices...), MFAChoice{Label: "none: give it in another app or device"})
}

// update takes a key; done reports that the dialog answered.
func (a *mfaAsk) update(press tea.KeyPressMsg) (cmd tea.Cmd, done bool) {
	a.enable()
	k := a.keys
	switch {
	case key.Matches(press, k.Back) && a.typing && a.w.Typed == nil:
		a.typing = false
		a.input.Blur()
		return nil, false
	case key.Matches(press, k.Back):
		return a.answer(-1, ""), true
	case key.Matches(press, k.Pick) && a.typing:
		v := strings.TrimSpace(a.input.Value())
		if v == "" {
			return nil, false
		}
		if c := a.w.Code; c != nil {
			if a.err = c.check(v); a.err != "" {
				return nil, false // the dialog stays, as the login form does
			}
		}
		return a.answer(a.cursor, v), true
	case a.typing:
		var cmd tea.Cmd
		a.input, cmd = a.input.Update(press)
		return cmd, false
	case key.Matches(press, k.Up):
		a.cursor = max(a.cursor-1, 0)
	case key.Matches(press, k.Down):
		a.cursor = min(a.cursor+1, len(a.w.Choices))
	case key.Matches(press, k.Pick):
		return a.choose()
	case len(press.Text) == 1 && press.Text[0] >= '1' && press.Text[0] <= '9':
		if i := int(press.Text[0] - '1'); i <= len(a.w.Choices) {
			a.cursor = i
			return a.choose()
		}
	}
	return nil, false
}

// choose takes the choice under the cursor: at once, or once what it
// needs is typed.
func (a *mfaAsk) choose() (tea.Cmd, bool) {
	if a.cursor == len(a.w.Choices) {
		return a.answer(-1, ""), true
	}
	if needs := a.w.Choices[a.cursor].Needs; needs != "" {
		a.typing = true
		a.input.SetValue("")
		a.input.Placeholder = needs
		return a.input.Focus(), false
	}
	return a.answer(a.cursor, ""), true
}

// answer hands the reply to the action that waits for it.
func (a *mfaAsk) answer(i int, typed string) tea.Cmd {
	w := a.w
	return func() tea.Msg {
		if w.Typed != nil {
			if i < 0 {
				typed = ""
			}
			w.Typed <- typed
		} else {
			w.Pick <- MFAPick{Index: i, Text: typed}
		}
		return nil
	}
}
