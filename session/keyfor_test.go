package session_test

import (
	"regexp"
	"testing"

	"github.com/tkauth/tkauth/session"
)

// A default session key is a shell word: lowercase, no spaces or
// characters a shell reads, one '/' between the organization's and the
// user's names; unique; and a session stored under the key an older
// tkauth chose keeps it.
func TestKeyForIsAShellWord(t *testing.T) {
	const org, user = "3f1c2a9e-7b4d-4e1a-9c2f-5d6e7f8a9b0c", "a1b2c3d4-0001-4a5b-8c9d-0e1f2a3b4c5d"
	who := func(orgName, userName string) session.Identity {
		return session.Identity{OrganizationID: org, OrganizationName: orgName, UserID: user, Username: userName}
	}
	empty := &session.State{Sessions: map[string]*session.Session{}}
	for _, tt := range []struct {
		who  session.Identity
		want string
	}{
		{who("Acme Payments", "alice"), "acme-payments/alice"},
		{who("Acme app user", "sandbox"), "acme-app-user/sandbox"},
		{who("Acme", "admin"), "acme/admin"},
		{who("  O'Brien & Sons (EU) ", "$(rm -rf ~)"), "o-brien-sons-eu/rm-rf"},
		{who("a/b", "c\u202ed"), "a-b/c-d"},
		{who("Ünïcode Café", "Zoë"), "ünïcode-café/zoë"},
		{who("", ""), "3f1c2a9e-7b4d-4e1a-9c2f-5d6e7f8a9b0c/a1b2c3d4-0001-4a5b-8c9d-0e1f2a3b4c5d"},
		{who("---", "..."), "3f1c2a9e-7b4d-4e1a-9c2f-5d6e7f8a9b0c/a1b2c3d4-0001-4a5b-8c9d-0e1f2a3b4c5d"},
	} {
		got := session.KeyFor(tt.who, empty)
		if got != tt.want {
			t.Errorf("KeyFor(%q, %q) = %q, want %q", tt.who.OrganizationName, tt.who.Username, got, tt.want)
		}
		if !regexp.MustCompile(`^[\p{Ll}\p{Lo}\p{M}\p{N}._-]+/[\p{Ll}\p{Lo}\p{M}\p{N}._-]+$`).MatchString(got) || session.CheckKey(got) != nil {
			t.Errorf("KeyFor(%q, %q) = %q: not a shell word", tt.who.OrganizationName, tt.who.Username, got)
		}
	}

	// Another user's session under the key: the organization's ID, then
	// the user's, until the key is free.
	st := &session.State{Sessions: map[string]*session.Session{
		"acme/admin": {Claims: session.Claims{OrganizationID: "other-org", UserID: "x"}},
	}}
	if got := session.KeyFor(who("Acme", "admin"), st); got != "acme/admin-3f1c2a9e" {
		t.Errorf("beside another's acme/admin: %q", got)
	}
	st.Sessions["acme/admin-3f1c2a9e"] = &session.Session{Claims: session.Claims{OrganizationID: org, UserID: "y"}}
	if got := session.KeyFor(who("Acme", "admin"), st); got != "acme/admin-3f1c2a9e-a1b2c3d4" {
		t.Errorf("beside two others': %q", got)
	}
	// The same user's own session: its key, to replace it.
	st.Sessions["acme/admin"].Claims = session.Claims{OrganizationID: org, UserID: user}
	if got := session.KeyFor(who("Acme", "admin"), st); got != "acme/admin" {
		t.Errorf("beside the user's own acme/admin: %q", got)
	}
	// A key an older tkauth chose for this user stays.
	old := &session.State{Sessions: map[string]*session.Session{
		"Acme Payments/alice": {Claims: session.Claims{OrganizationID: org, UserID: user}},
	}}
	if got := session.KeyFor(who("Acme Payments", "alice"), old); got != "Acme Payments/alice" {
		t.Errorf("an older key of the same user: %q", got)
	}
	old.Sessions["Acme Payments/alice"].Claims.UserID = "someone-else"
	if got := session.KeyFor(who("Acme Payments", "alice"), old); got != "acme-payments/alice" {
		t.Errorf("an older key of someone else: %q", got)
	}
}
