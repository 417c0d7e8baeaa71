package text_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// confirmState holds a (active) and b on one key pair, c on another, and
// old, expired, on a key pair tkauth did not create.
func confirmState(now time.Time) *session.State {
	st := session.NewState()
	shared, own, foreign := "02"+strings.Repeat("aa", 32), "02"+strings.Repeat("bb", 32), "02"+strings.Repeat("cc", 32)
	add := func(key, pub string, left time.Duration) {
		st.Sessions[key] = &session.Session{Key: key, Claims: session.Claims{PublicKey: pub, Expiry: now.Add(left)}}
	}
	add("a\x1b[2J", shared, 14*time.Minute)
	add("b", shared, time.Hour)
	add("c", own, time.Hour)
	add("old", foreign, -4*time.Minute)
	st.Active = "a\x1b[2J"
	st.KeyPairs[shared] = session.KeyPair{PublicKey: shared, KeyStore: "system"}
	st.KeyPairs[own] = session.KeyPair{PublicKey: own, KeyStore: "file"}
	return st
}

// What both front ends ask before a logout: which sessions, what becomes
// of their key pairs, and that logging out is not revoking; every key
// escaped.
func TestLogoutQuestion(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	st := confirmState(now)
	q := text.LogoutQuestion(st, []string{"a\x1b[2J"}, session.Pick{Key: "a\x1b[2J"}, now)
	want := []string{
		`Removes the session a\x1b[2J (expires in 14m) from this machine.`,
		"It is the active session: afterwards none is active.",
		"Key pair kept: used by b.",
	}
	if q.Title != `Log out a\x1b[2J?` || strings.Join(q.Lines, "\n") != strings.Join(want, "\n") || q.Busy != `Logging out a\x1b[2J` {
		t.Errorf("one session: %+v", q)
	}
	q = text.LogoutQuestion(st, st.Keys(), session.Pick{All: true}, now)
	want = []string{
		"Removes from this machine:",
		`  a\x1b[2J (expires in 14m, active)`,
		"  b (expires in 1h00m)",
		"  c (expires in 1h00m)",
		"  old (expired 4m00s ago)",
		"Deletes their 1 key pair from the system key store.",
		"Deletes their 1 key pair from the file key store.",
		"Key pair 02cccccc…cccc (old) was not created by tkauth: left alone.",
	}
	if q.Title != "Log out all 4 sessions?" || strings.Join(q.Lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("all sessions: %q\n%s", q.Title, strings.Join(q.Lines, "\n"))
	}
	if q := text.LogoutQuestion(st, []string{"old"}, session.Pick{Expired: true}, now); q.Title != "Log out old?" {
		t.Errorf("the one expired session: %q", q.Title)
	}

	if got := text.NotRevoking(st, []string{"c"}, now); got != "Logging out is not revoking: Turnkey accepts its token until it expires in 1h00m." {
		t.Errorf("NotRevoking(c) = %q", got)
	}
	if got := text.NotRevoking(st, st.Keys(), now); got != "Logging out is not revoking: Turnkey accepts the tokens of 3 live sessions until they expire." {
		t.Errorf("NotRevoking(all) = %q", got)
	}
	if got := text.NotRevoking(st, []string{"old"}, now); got != "" {
		t.Errorf("NotRevoking(expired) = %q, want nothing", got)
	}
	if got := text.RevokesMore(st, []string{"b"}); got != `Revoking a key pair ends every session on it: a\x1b[2J share one, and are logged out too.` {
		t.Errorf("RevokesMore(b) = %q", got)
	}
	if got := text.RevokesMore(st, []string{"c"}); got != "" {
		t.Errorf("RevokesMore(c) = %q, want nothing", got)
	}
}

func TestPruneQuestion(t *testing.T) {
	st := session.NewState()
	pub, fresh := "02"+strings.Repeat("dd", 32), "02"+strings.Repeat("ee", 32)
	st.KeyPairs[pub] = session.KeyPair{PublicKey: pub, KeyStore: "file"}
	q := text.PruneQuestion(st, []string{pub}, []string{fresh})
	want := "Deletes 1 key pair that tkauth created and no session uses:\n  02dddddd…dddd (file key store)\n" +
		"Keeps 1 new key pair no session has used yet: a login may be about to (kept for 10m after creation)."
	if q.Title != "Delete 1 unused key pair?" || strings.Join(q.Lines, "\n") != want {
		t.Errorf("%q\n%s", q.Title, strings.Join(q.Lines, "\n"))
	}
}

func TestProblemWords(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s := session.Session{Claims: session.Claims{Expiry: now.Add(-4 * time.Minute)}}
	if got := text.Problem(session.ProblemExpired, s, now); got != "it expired 4m00s ago: Turnkey refuses it" {
		t.Errorf("expired: %q", got)
	}
	if got := text.ProblemLabel(session.ProblemKeyPairMissing); got != "key pair missing" {
		t.Errorf("label: %q", got)
	}
}

// Where a key pair is and who shares it, as the details pane and show
// both say it.
func TestKeyPair(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	st := confirmState(now)
	if got := text.KeyPair(st, st.Sessions["b"], "present"); got != `present in the system key store; shared with a\x1b[2J` {
		t.Errorf("shared: %q", got)
	}
	if got := text.KeyPair(st, st.Sessions["old"], "missing"); got != "missing; not created by tkauth, so never deleted by it" {
		t.Errorf("imported: %q", got)
	}
	pub := st.Sessions["c"].PublicKey
	for _, k := range []string{"d", "e", "f", "g"} {
		st.Sessions[k] = &session.Session{Key: k, Claims: session.Claims{PublicKey: pub}}
	}
	if got := text.KeyPair(st, st.Sessions["c"], "checking…"); got != "checking… in the file key store; shared with d, e, f and 1 more" {
		t.Errorf("shared by five: %q", got)
	}
}
