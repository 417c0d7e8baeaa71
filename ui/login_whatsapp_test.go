package ui

import (
	"strings"
	"testing"

	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// The login form offers WhatsApp beside email and SMS: a phone number,
// the code sent by WhatsApp.
func TestLoginFormWhatsApp(t *testing.T) {
	_, tm := loginModel(t)
	tm, _ = press(t, tm, "l", "right", "right") // the form starts on the method: SMS, then WhatsApp
	if s := screen(tm); !strings.Contains(s, "WhatsApp code") || !strings.Contains(s, "Phone number") {
		t.Fatalf("no WhatsApp method:\n%s", s)
	}
	tm = typeText(t, tm, turnkeytest.SandboxPhone)
	tm, cmd := press(t, tm, "enter")
	tm, _ = outcome(t, tm, cmd)
	if s := screen(tm); !strings.Contains(s, "Turnkey sent a 6-character code to "+turnkeytest.SandboxPhone) {
		t.Fatalf("no code sent:\n%s", s)
	}
	tm, _ = press(t, tm, "esc", "l", "left") // from email, left wraps to the API key
	if s := screen(tm); !strings.Contains(s, "API key") || !strings.Contains(s, "Organization ID") {
		t.Errorf("left from email:\n%s", s)
	}
}
