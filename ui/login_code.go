package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
)

// The login form's code: sent, typed, refused.

// codeSent moves the form to the code.
func (f *loginForm) codeSent(s CodeSent) tea.Cmd {
	f.sent, f.err, f.tries = &s, "", s.Tries
	f.code.SetValue("")
	if s.Length > 0 {
		f.code.CharLimit = s.Length
		f.code.Placeholder = strings.Repeat("·", s.Length)
	}
	for i := range f.inputs {
		f.inputs[i].Blur()
	}
	return f.code.Focus()
}

// refused says why Turnkey refused the code typed. A wrong code is
// cleared, for the next to be typed, and the tries it has left are said;
// a code of no more use (its last try, expired) is replaced by a new one,
// sent at once.
func (f *loginForm) refused(err error) tea.Cmd {
	f.err, f.note = describe(err), ""
	s := f.sent
	if s == nil {
		return nil
	}
	wrong := s.Wrong != nil && s.Wrong(err)
	if wrong {
		f.code.SetValue("")
		f.tries--
		if f.tries != 0 { // < 0: not known
			f.err = text.CodeRefused(f.tries)
			return nil
		}
	}
	if wrong || s.Spent != nil && s.Spent(err) {
		why := text.CodeSpent
		switch {
		case wrong:
			why = text.CodeOutOfTries
		case !f.now.Before(s.Expires):
			why = text.CodeExpired
		}
		f.sent, f.err, f.note = nil, "", text.NewCode(why, s.Tries)
		f.ask(startMsg{busy: "Sending a new code to " + escape.Clean(f.value(0)), run: sendCodeRun(f.l, channels[f.method], f.value(0), f.value(1))})
	}
	return nil
}

// hint is the line under the inputs: what happens to what was typed.
func (f loginForm) hint() string {
	switch f.method {
	case bySocial:
		return f.socialHint()
	case byAPIKey:
		return ""
	}
	return "Turnkey sends a code there; the code and the new session key are encrypted to its enclave."
}
