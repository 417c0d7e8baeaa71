package text_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

func TestDurationAndExpiry(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {59*time.Second + 999*time.Millisecond, "59s"}, {time.Minute, "1m00s"},
		{9*time.Minute + 59*time.Second, "9m59s"}, {10 * time.Minute, "10m"}, {59 * time.Minute, "59m"},
		{time.Hour, "1h00m"}, {23*time.Hour + 59*time.Minute, "23h59m"}, {24 * time.Hour, "1d0h"}, {50 * time.Hour, "2d2h"},
	} {
		if got := text.Duration(tt.d); got != tt.want {
			t.Errorf("Duration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
	if got := text.Expiry(now, now.Add(14*time.Minute)); got != "expires in 14m" {
		t.Errorf("Expiry in the future: %q", got)
	}
	if got := text.Expiry(now, now); got != "expired 0s ago" {
		t.Errorf("Expiry now: %q", got)
	}
	if got := text.Expiry(now, now.Add(-4*time.Minute)); got != "expired 4m00s ago" {
		t.Errorf("Expiry in the past: %q", got)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 key pairs", 1: "1 key pair", 2: "2 key pairs"} {
		if got := text.Plural(n, "key pair"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLogout(t *testing.T) {
	for _, tt := range []struct {
		res  session.LogoutResult
		want string
	}{
		{session.LogoutResult{}, "No session to log out."},
		{session.LogoutResult{Sessions: []string{"a\x1b"}, DeletedKeyPairs: []string{"p"}, ClearedActive: true},
			`Logged out a\x1b; 1 key pair deleted; no session is active now.`},
		{session.LogoutResult{Sessions: []string{"a", "b"}, KeptKeyPairs: []session.KeptKeyPair{{UsedBy: []string{"c", "d"}}}, Unmanaged: []string{"x"}, Gone: []string{"e"}},
			"Logged out 2 sessions; 0 key pairs deleted; key pair kept: used by c, d; 1 key pair not created by tkauth left alone; already logged out elsewhere: e."},
		{session.LogoutResult{Sessions: []string{"a", "b"}, DeletedKeyPairs: []string{"p"}, Pending: []string{"q"}},
			"Logged out 2 sessions; 1 key pair deleted; 1 key pair not yet deleted, listed as being deleted: a prune finishes it."},
	} {
		if got := text.Logout(tt.res); got != tt.want {
			t.Errorf("Logout(%+v) =\n%q, want\n%q", tt.res, got, tt.want)
		}
	}
}

func TestPlanLines(t *testing.T) {
	own := "02" + strings.Repeat("ab", 32)
	plan := session.LogoutPlan{Delete: []string{own}, Kept: []session.KeptKeyPair{{UsedBy: []string{"s2"}}}, Unmanaged: []string{"03" + strings.Repeat("cd", 32)}}
	st := session.NewState()
	st.KeyPairs[own] = session.KeyPair{KeyStore: "system"}
	st.Sessions["s1"] = &session.Session{Key: "s1", Claims: session.Claims{PublicKey: own}}
	st.Sessions["s\x1b]0;x"] = &session.Session{Key: "s\x1b]0;x", Claims: session.Claims{PublicKey: own}}
	got := text.PlanLines(plan, st)
	want := []string{
		`Deletes key pair 02ababab…abab (s\x1b]0;x, s1) from the system key store.`,
		"Key pair kept: used by s2.",
		"Key pair 03cdcdcd…cdcd was not created by tkauth: left alone.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("PlanLines =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPlanSummary(t *testing.T) {
	st := session.NewState()
	plan := session.LogoutPlan{Kept: []session.KeptKeyPair{{UsedBy: []string{"s9"}}}}
	for i, ks := range []string{"system", "system", "file"} {
		pub := fmt.Sprintf("02%064x", i)
		st.KeyPairs[pub] = session.KeyPair{KeyStore: ks}
		plan.Delete = append(plan.Delete, pub)
	}
	got := strings.Join(text.PlanSummary(plan, st), "\n")
	want := "Deletes their 2 key pairs from the system key store.\nDeletes their 1 key pair from the file key store.\nKey pair kept: used by s9."
	if got != want {
		t.Errorf("PlanSummary =\n%s\nwant\n%s", got, want)
	}
}

func TestFactorsSaysTheirOrder(t *testing.T) {
	if got := text.Factors([]string{"an API key", "an SMS code\x1b[2J"}); got != `an API key, then an SMS code\x1b[2J` {
		t.Errorf("got %q", got)
	}
}
