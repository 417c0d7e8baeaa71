package text_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// What a refresh did, as both front ends say it; the key escaped.
func TestRefreshed(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		s    session.Session
		want string
	}{
		{session.Session{Key: "acme/admin", APIBaseURL: "https://api.turnkey.com", Claims: session.Claims{Expiry: now.Add(15 * time.Minute)}}, "Refreshed acme/admin at https://api.turnkey.com: expires in 15m."},
		{session.Session{Key: "a\x1b[2J", APIBaseURL: "https://x", Claims: session.Claims{Expiry: now.Add(30 * time.Second)}}, `Refreshed a\x1b[2J at https://x: expires in 30s.`},
	} {
		if got := text.Refreshed(tt.s, now); got != tt.want {
			t.Errorf("Refreshed(%q) = %q, want %q", tt.s.Key, got, tt.want)
		}
	}
	if got, want := text.OldKeyLeft("no answer"), "the replaced key was not deleted on Turnkey: no answer; it works there until it expires"; got != want {
		t.Errorf("OldKeyLeft = %q, want %q", got, want)
	}
}

// What revoking came to: one session in a sentence of its own, more
// counted by the APIs asked.
func TestRevoked(t *testing.T) {
	const api = "https://api.turnkey.com"
	ok := session.Revocation{Key: "a", API: api}
	gone := session.Revocation{Key: "b\x07", API: api, AlreadyGone: true}
	failed := session.Revocation{Key: "c", API: "https://x", Err: errors.New("refused")}
	for _, tt := range []struct {
		name string
		rs   []session.Revocation
		want string
	}{
		{"revoked", []session.Revocation{ok}, "Revoked a's key on Turnkey (https://api.turnkey.com): the token no longer works."},
		{"gone already", []session.Revocation{gone}, `Turnkey (https://api.turnkey.com) no longer had b\x07's key: it was revoked already, or expired.`},
		{"failed", []session.Revocation{failed}, "Revoking c's key on Turnkey (https://x) failed."},
		{"several", []session.Revocation{ok, gone, failed}, "Revoked on Turnkey (https://api.turnkey.com, https://x): 1 session (1 more dead there already)."},
		{"two", []session.Revocation{ok, ok}, "Revoked on Turnkey (https://api.turnkey.com): 2 sessions."},
	} {
		if got := text.Revoked(tt.rs); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Turnkey's verdict on a session; why as the front end says it.
func TestVerdict(t *testing.T) {
	for _, tt := range []struct {
		c    session.Check
		want string
	}{
		{session.Check{Key: "a", API: "https://x", Status: session.Valid}, "Turnkey (https://x) accepts a."},
		{session.Check{Key: "a", API: "https://x", Status: session.Rejected}, "Turnkey rejects a: why"},
		{session.Check{Key: "a\x1b", Status: session.Unreachable}, `Turnkey could not be asked about a\x1b: why`},
		{session.Check{Key: "a", Status: session.Unchecked}, "a cannot be checked here: why"},
	} {
		if got := text.Verdict(tt.c, "why"); got != tt.want {
			t.Errorf("Verdict(%s) = %q, want %q", tt.c.Status, got, tt.want)
		}
	}
}

func TestPruned(t *testing.T) {
	for _, tt := range []struct {
		res  session.PruneResult
		want string
	}{
		{session.PruneResult{}, "Deleted 0 unused key pairs."},
		{session.PruneResult{Deleted: []string{"02a"}}, "Deleted 1 unused key pair."},
		{session.PruneResult{Deleted: []string{"02a", "02b"}, Failed: map[string]error{"02c": errors.New("x")}},
			"Deleted 2 unused key pairs. 1 key pair not deleted (it stays listed; prune again later)."},
		{session.PruneResult{Failed: map[string]error{"02c": errors.New("x"), "02d": errors.New("y")}},
			"Deleted 0 unused key pairs. 2 key pairs not deleted (they stay listed; prune again later)."},
	} {
		if got := text.Pruned(tt.res); got != tt.want {
			t.Errorf("Pruned(%+v) = %q, want %q", tt.res, got, tt.want)
		}
	}
}
