package text

import (
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// One session is "this session" and "it"; more are "these" and "they";
// what is logged out here is said as a logout is, in its own sentence.
func TestEndWordsFollowTheCount(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s := session.Session{Key: "k", Claims: session.Claims{UserID: "u", OrganizationID: "o"}}
	key := func(id string) session.APIKey {
		return session.APIKey{ID: id, PublicKey: "02" + id, Expiry: now.Add(time.Hour)}
	}
	a, b, c := session.RemoteSession{APIKey: key("a")}, session.RemoteSession{APIKey: key("b"), Here: "k"}, session.RemoteSession{APIKey: key("c")}
	for _, tt := range []struct {
		doomed []session.RemoteSession
		want   []string
	}{
		{[]session.RemoteSession{a}, []string{"This session of user u in organization o ends on Turnkey:", "A session on another device ends at once: whoever holds it must log in again."}},
		{[]session.RemoteSession{a, c}, []string{"These 2 sessions of user u in organization o end on Turnkey:", "Sessions on other devices end at once: whoever holds them must log in again."}},
		{[]session.RemoteSession{b}, []string{"This session of user u in organization o ends on Turnkey:", "logged out here too"}},
	} {
		q := strings.Join(EndQuestion(s, tt.doomed, now).Lines, "\n")
		for _, w := range tt.want {
			if !strings.Contains(q, w) {
				t.Errorf("%d doomed: %q lacks %q", len(tt.doomed), q, w)
			}
		}
		if len(tt.doomed) == 1 && strings.Contains(q, "Sessions on") {
			t.Errorf("one doomed: %q", q)
		}
	}
	r := session.Remote{API: "https://api.turnkey.com", Sessions: []session.RemoteSession{a, b}}
	got := Ended(r, session.RemoteEnd{Ended: []session.RemoteSession{b}, Logout: session.LogoutResult{Sessions: []string{"k"}}})
	if want := "Ended 1 session on Turnkey (https://api.turnkey.com): b; wherever it was, it no longer works. Logged out k; 0 key pairs deleted."; !strings.HasPrefix(got, want) || strings.Contains(got, "among them") {
		t.Errorf("Ended = %q", got)
	}
}
