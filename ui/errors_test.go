package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// tkauthFlag finds a command-line flag of tkauth's; other programs'
// (gnome-keyring-daemon --unlock) are theirs.
var tkauthFlag = regexp.MustCompile(`(^|[^-\w])--[a-z]`)

func namesFlag(msg string) bool {
	return tkauthFlag.MatchString(strings.ReplaceAll(msg, "gnome-keyring-daemon --unlock", ""))
}

// The TUI has no flags: what it says of an error names none, and says its
// own way out where it has one.
func TestErrorsNameNoFlag(t *testing.T) {
	for _, tt := range []struct {
		err  error
		says string
	}{
		{fmt.Errorf("the system key store: %w", store.ErrKeyringTimeout), "did not answer in time"},
		{store.ErrKeyringLocked, "unlock it"},
		{&session.KeyStoreUnavailableError{Name: "system"}, `start tkauth with the "system" key store`},
		{&turnkey.RedirectError{Status: 302, Location: "https://x", AuthProxy: true}, "does not follow"},
		{&turnkey.ProxyError{Status: 400, Message: "captcha required"}, "parent organization's API key"},
		{&turnkey.ProxyError{Status: 404, Message: "auth proxy config not found"}, "check the configuration ID"},
		{&turnkey.MFAError{MFANeeded: turnkey.MFANeeded{ActivityID: "x"}}, "nothing was done"},
		{&session.ScopeError{Key: "s", Type: "signer", Scope: "false", Err: session.ErrDenied}, "long-lived API key instead"},
	} {
		if got := describe(tt.err); namesFlag(got) || !strings.Contains(got, tt.says) {
			t.Errorf("describe(%T) = %q, want %q and no flag", tt.err, got, tt.says)
		}
	}
}

// A refresh the TUI may not send where it was logged in says how to in
// the TUI's terms, not the command line's.
func TestRefreshElsewhereNamesNoFlag(t *testing.T) {
	mgr, sv := loggedIn(t)
	other := *sv
	other.Named = "https://elsewhere.example"
	msg := refreshRun(mgr, other, "later", time.Now)(context.Background()).(actionDoneMsg)
	if msg.err == nil || namesFlag(msg.status) || !strings.Contains(msg.status, "start tkauth without an API URL") {
		t.Errorf("status %q", msg.status)
	}
}
