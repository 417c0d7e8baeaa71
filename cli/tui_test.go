package cli

import (
	"testing"

	"github.com/tkauth/tkauth/session"
)

// The demo with --api and tkauth get the same TUI: MFA said in the status
// line, login, remote sessions, no question on the terminal.
func TestTUIConfigIsOneAssembly(t *testing.T) {
	asked := func(session.Session, string) bool { t.Error("asked on the terminal"); return true }
	cfg := tuiConfig(tuiParts{Servers: &session.Servers{Default: "https://api.example", Confirm: asked}, LoginURL: "https://api.example"})
	if cfg.MFA == nil || cfg.Login == nil || cfg.Remote == nil || cfg.Servers == nil || cfg.Servers.Confirm != nil || cfg.Servers.Dial == nil || !cfg.Watch {
		t.Errorf("with an API: %+v", cfg)
	}
	cfg = tuiConfig(tuiParts{Demo: true})
	if cfg.MFA != nil || cfg.Login != nil || cfg.Remote != nil || cfg.Servers != nil || !cfg.Demo {
		t.Errorf("without one: %+v", cfg)
	}
}
