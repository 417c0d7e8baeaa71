package text

import (
	"slices"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// Question is a confirmation both front ends ask: a title that asks, and
// lines that say exactly what will happen.
type Question struct {
	Title string
	Lines []string
	// Busy says what is under way once it is confirmed.
	Busy string
}

// Problem says in words why s cannot be used (session.Problems).
func Problem(p session.Problem, s session.Session, now time.Time) string {
	switch p {
	case session.ProblemExpired:
		return "it " + Expiry(now, s.Expiry) + ": Turnkey refuses it"
	case session.ProblemKeyPairMissing:
		return "its key pair is missing from its key store, so it cannot sign"
	case session.ProblemKeyPairInProcess:
		return "it was made for one command by tkauth exec --login, and its key pair lives only in that process, so nothing else can sign with it"
	}
	return "it cannot be used"
}

// ProblemLabel is Problem in a word or two, for a heading.
func ProblemLabel(p session.Problem) string {
	switch p {
	case session.ProblemExpired:
		return "expired"
	case session.ProblemKeyPairMissing:
		return "key pair missing"
	case session.ProblemKeyPairInProcess:
		return "made for one command"
	}
	return "unusable"
}

// LogoutQuestion asks before logging out the sessions under keys, which
// pick picked: which sessions, what becomes of their key pairs, and that
// the live ones' tokens work on at Turnkey until they expire.
func LogoutQuestion(st *session.State, keys []string, pick session.Pick, now time.Time) Question {
	var q Question
	if len(keys) == 1 && !pick.All {
		key := keys[0]
		q.Title = "Log out " + escape.Clean(key) + "?"
		q.Busy = "Logging out " + escape.Clean(key)
		q.Lines = append(q.Lines, "Removes the session "+escape.Clean(key)+" ("+Expiry(now, st.Sessions[key].Expiry)+") from this machine.")
		if key == st.Active {
			q.Lines = append(q.Lines, "It is the active session: afterwards none is active.")
		}
		q.Lines = append(q.Lines, PlanLines(session.PlanLogout(st, keys), st)...)
	} else {
		which := "all " + Plural(len(keys), "session")
		if pick.Expired {
			which = Plural(len(keys), "expired session")
		}
		q.Title = "Log out " + which + "?"
		q.Busy = "Logging out " + Plural(len(keys), "session")
		q.Lines = append(q.Lines, "Removes from this machine:")
		for _, k := range keys {
			mark := ""
			if k == st.Active {
				mark = ", active"
			}
			q.Lines = append(q.Lines, "  "+escape.Clean(k)+" ("+Expiry(now, st.Sessions[k].Expiry)+mark+")")
		}
		q.Lines = append(q.Lines, PlanSummary(session.PlanLogout(st, keys), st)...)
	}
	return q
}

// NotRevoking says that logging out the sessions under keys leaves the
// live ones' tokens working at Turnkey until they expire; "" if none is
// live.
func NotRevoking(st *session.State, keys []string, now time.Time) string {
	live := 0
	for _, k := range keys {
		if !st.Sessions[k].Expired(now) {
			live++
		}
	}
	switch {
	case live == 0:
		return ""
	case len(keys) == 1:
		return "Logging out is not revoking: Turnkey accepts its token until it " + Expiry(now, st.Sessions[keys[0]].Expiry) + "."
	}
	return "Logging out is not revoking: Turnkey accepts the tokens of " + Plural(live, "live session") + " until they expire."
}

// RevokesMore names the sessions, besides those under keys, that revoking
// keys on Turnkey ends (session.RevokeTargets); "" if none.
func RevokesMore(st *session.State, keys []string) string {
	var more []string
	for _, k := range session.RevokeTargets(st, keys) {
		if !slices.Contains(keys, k) {
			more = append(more, k)
		}
	}
	if len(more) == 0 {
		return ""
	}
	return "Revoking a key pair ends every session on it: " + escape.Join(more) + " share one, and are logged out too."
}

// PruneQuestion asks before deleting the unused key pairs, and says which
// new ones are kept (session.PruneCandidates).
func PruneQuestion(st *session.State, unused, keptNew []string) Question {
	lines := []string{"Deletes " + Plural(len(unused), "key pair") + " that tkauth created and no session uses:"}
	for _, pub := range unused {
		lines = append(lines, "  "+session.Short(pub)+" ("+st.KeyPairs[pub].KeyStore+" key store)")
	}
	if len(keptNew) > 0 {
		lines = append(lines, KeptNew(len(keptNew)))
	}
	return Question{
		Title: "Delete " + Plural(len(unused), "unused key pair") + "?",
		Lines: lines,
		Busy:  "Deleting unused key pairs",
	}
}

// KeptNew says why a prune keeps n new key pairs.
func KeptNew(n int) string {
	return "Keeps " + Plural(n, "new key pair") + " no session has used yet: a login may be about to (kept for " + Duration(session.ClaimWindow) + " after creation)."
}

// NothingToPrune says that a prune has nothing to delete, keeping
// keptNew new key pairs.
func NothingToPrune(keptNew int) string {
	if keptNew > 0 {
		return "No key pairs to delete; " + Plural(keptNew, "new key pair") + " kept: no session has used it yet, a login may be about to."
	}
	return "No unused key pairs: every key pair tkauth made is used by a session."
}

// Pruned says what a prune did: the key pairs it deleted, and those it
// could not (PruneFailed).
func Pruned(res session.PruneResult) string {
	s := "Deleted " + Plural(len(res.Deleted), "unused key pair") + "."
	if len(res.Failed) > 0 {
		s += " " + PruneFailed(len(res.Failed)) + "."
	}
	return s
}

// PruneFailed says that n key pairs a prune meant to delete are still
// there.
func PruneFailed(n int) string {
	stay := "they stay"
	if n == 1 {
		stay = "it stays"
	}
	return Plural(n, "key pair") + " not deleted (" + stay + " listed; prune again later)"
}

// QuitQuestion asks before the TUI quits while an action (busy, what it
// is doing) runs: quitting cuts it off where it is. Every step of an
// action is durable, so the store still loads.
func QuitQuestion(busy string) Question {
	return Question{
		Title: "Quit while an action runs?",
		Lines: []string{
			"Under way: " + busy + ".",
			"",
			"Quitting cuts it off where it is: the store stays one that loads, but whether the action was done is not said here; tkauth list shows what is stored.",
		},
		Busy: "Quitting",
	}
}
