// Package text is the wording tkauth's two front ends share, the TUI and
// the plain commands: durations, plurals, what a logout, refresh or revoke
// will do and did, why a session cannot be used. Every untrusted string
// in it passes through package escape.
package text

import (
	"fmt"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// NameAndID is a name and its whole ID, "acme (3f1c2a9e-…)", or the ID
// alone when the name is not known; escaped.
func NameAndID(name, id string) string {
	if name == "" {
		return escape.Clean(id)
	}
	return escape.Clean(name) + " (" + escape.Clean(id) + ")"
}

// Expiry says when a session expires, relative to now: "expires in 14m",
// "expires in 45s", "expired 4m ago".
func Expiry(now, expiry time.Time) string {
	d := expiry.Sub(now)
	if d <= 0 {
		return "expired " + Duration(-d) + " ago"
	}
	return "expires in " + Duration(d)
}

// Duration is d rounded down to what a person needs at its size: seconds
// under a minute, minutes and seconds under ten minutes, then minutes,
// hours and minutes, days and hours.
func Duration(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 10*60:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 60*60:
		return fmt.Sprintf("%dm", s/60)
	case s < 24*60*60:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%dh", s/86400, s%86400/3600)
}

// Type says a session's type: "read-write", "read-only", or, for a
// session scoped by a session profile, "profile" and its name, escaped.
func Type(t session.Type) string {
	if t.Scoped() {
		return "profile " + escape.Clean(string(t))
	}
	return t.String()
}

// Plural says "1 noun" or "n nouns".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Logout says in one line what a logout did: "Logged out X; 1 key pair
// deleted", with what was kept and why.
func Logout(res session.LogoutResult) string {
	if len(res.Sessions) == 0 {
		return "No session to log out."
	}
	var b strings.Builder
	if len(res.Sessions) == 1 {
		b.WriteString("Logged out " + escape.Clean(res.Sessions[0]))
	} else {
		b.WriteString("Logged out " + Plural(len(res.Sessions), "session"))
	}
	b.WriteString("; " + Plural(len(res.DeletedKeyPairs), "key pair") + " deleted")
	for _, k := range res.KeptKeyPairs {
		b.WriteString("; key pair kept: used by " + escape.Join(k.UsedBy))
	}
	if n := len(res.Unmanaged); n > 0 {
		b.WriteString("; " + Plural(n, "key pair") + " not created by tkauth left alone")
	}
	if n := len(res.Pending); n > 0 {
		b.WriteString("; " + Plural(n, "key pair") + " not yet deleted, listed as being deleted: a prune finishes it")
	}
	if len(res.Gone) > 0 {
		b.WriteString("; already logged out elsewhere: " + escape.Join(res.Gone))
	}
	if res.ClearedActive {
		b.WriteString("; no session is active now")
	}
	return b.String() + "."
}

// PlanSummary is PlanLines for a confirmation that lists the sessions
// already: the key pairs deleted, which only those sessions use, are
// counted by key store rather than listed.
func PlanSummary(plan session.LogoutPlan, st *session.State) []string {
	byStore := map[string]int{}
	var stores []string
	for _, pub := range plan.Delete {
		ks := st.KeyPairs[pub].KeyStore
		if byStore[ks] == 0 {
			stores = append(stores, ks)
		}
		byStore[ks]++
	}
	var lines []string
	for _, ks := range stores {
		lines = append(lines, "Deletes their "+Plural(byStore[ks], "key pair")+" from the "+ks+" key store.")
	}
	rest := PlanLines(session.LogoutPlan{Kept: plan.Kept, Unmanaged: plan.Unmanaged}, st)
	return append(lines, rest...)
}

// PlanLines says what a logout plan does to key pairs, one line each,
// naming the sessions on each; the TUI's dialogs and the logout command's
// question use the same words.
func PlanLines(plan session.LogoutPlan, st *session.State) []string {
	var lines []string
	byPair := st.UsersByKeyPair()
	users := func(pub string) string {
		if u := byPair[pub]; len(u) > 0 {
			return " (" + escape.Join(u) + ")"
		}
		return ""
	}
	for _, pub := range plan.Delete {
		lines = append(lines, "Deletes key pair "+session.Short(pub)+users(pub)+" from the "+st.KeyPairs[pub].KeyStore+" key store.")
	}
	for _, k := range plan.Kept {
		lines = append(lines, "Key pair kept: used by "+escape.Join(k.UsedBy)+".")
	}
	for _, pub := range plan.Unmanaged {
		lines = append(lines, "Key pair "+session.Short(pub)+users(pub)+" was not created by tkauth: left alone.")
	}
	return lines
}

// KeyPair says where s's key pair is, as presence words it ("present",
// "checking…"), and which other sessions share it: a few, and how many
// more.
func KeyPair(st *session.State, s *session.Session, presence string) string {
	if st.IsOneShotNote(s) {
		pid, _ := session.OneShotPID(s.Key)
		return fmt.Sprintf("only in the memory of tkauth exec --login (process %d), which made the session for one command and ends it when the command ends", pid)
	}
	out := presence
	if kp, ours := st.KeyPairs[s.PublicKey]; ours {
		out += " in the " + kp.KeyStore + " key store"
	} else {
		out += "; not created by tkauth, so never deleted by it"
	}
	const most = 3
	var names []string
	users := st.UsersOf(s.PublicKey)
	for _, u := range users {
		if u != s.Key && len(names) < most {
			names = append(names, u)
		}
	}
	if len(names) > 0 {
		out += "; shared with " + escape.Join(names)
	}
	if rest := len(users) - 1 - len(names); rest > 0 {
		out += fmt.Sprintf(" and %d more", rest)
	}
	return out
}

// Signed says who signed a session's token, in a word: "verified"
// (Turnkey's production notarizer), "test-signed" (the test signer
// tkauth was told to accept) or "unverified".
func Signed(s session.Session) string {
	switch {
	case s.Verified:
		return "verified"
	case s.TestSigned:
		return "test-signed"
	}
	return "unverified"
}

// SignedLong says it in a sentence.
func SignedLong(s session.Session) string {
	switch {
	case s.Verified:
		return "verified: signed by Turnkey's production key"
	case s.TestSigned:
		return "test-signed: by a stand-in's signer, not by Turnkey"
	}
	return "unverified: not signed by Turnkey's production key"
}

// LoggedIn says what a login stored: the organization, API, user, the
// session's key (now active), its type and its expiry.
func LoggedIn(s session.Session, now time.Time) string {
	return fmt.Sprintf("Logged in to organization %s at %s as user %s: session %s (now active), %s, %s.",
		ShortName(s.OrganizationName, s.OrganizationID), escape.Clean(s.APIBaseURL), ShortName(s.Username, s.UserID), escape.Clean(s.Key), Type(s.Type), Expiry(now, s.Expiry))
}

// ShortName is a name and its ID cut short, "acme (3f1c2a9e…9b0c)", or the
// whole ID when the name is not known; escaped.
func ShortName(name, id string) string {
	if name == "" {
		return escape.Clean(id)
	}
	return escape.Clean(name) + " (" + escape.Clean(session.Short(id)) + ")"
}
