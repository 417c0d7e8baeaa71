package text

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// Refreshed says what a refresh did: the session s it stored, at which
// API, and until when.
func Refreshed(s session.Session, now time.Time) string {
	return "Refreshed " + escape.Clean(s.Key) + " at " + escape.Clean(s.APIBaseURL) + ": " + Expiry(now, s.Expiry) + "."
}

// OldKeyLeft says that the key a refresh replaced is still on Turnkey;
// why is the error, as the front end says it.
func OldKeyLeft(why string) string {
	return "the replaced key was not deleted on Turnkey: " + why + "; it works there until it expires"
}

// ReplacedKeyEnded says that the key of the live session a login replaced
// was ended on Turnkey.
func ReplacedKeyEnded(e *session.EndedKey) string {
	return "Ended on Turnkey the replaced session's key " + escape.Clean(session.Short(e.PublicKey)) + "."
}

// ReplacedKey says, as sentences, what came of ending the key of the live
// session a login replaced (res.OldKey): ended, or live on Turnkey until
// when and why (why is the error, as the front end says it); "" when
// there was none to end.
func ReplacedKey(e *session.EndedKey, why string, now time.Time) string {
	switch {
	case e == nil:
		return ""
	case e.Err == nil:
		return ReplacedKeyEnded(e)
	}
	return "The" + strings.TrimSuffix(strings.TrimPrefix(ReplacedKeyLeft(e, why, now), "the"), ".") + "."
}

// ReplacedKeyLeft says that the key of the live session a login replaced
// stays live on Turnkey, until when; why is the error, as the front end
// says it.
func ReplacedKeyLeft(e *session.EndedKey, why string, now time.Time) string {
	return "the replaced session's key " + escape.Clean(session.Short(e.PublicKey)) + " stays live on Turnkey until " +
		e.Expiry.Local().Format("15:04") + " (" + Expiry(now, e.Expiry) + "): " + why
}

// Revoked says what revoking sessions' keys on Turnkey came to: one
// session's in a sentence of its own, more counted, with the APIs asked.
// Why one failed is the error's to say.
func Revoked(rs []session.Revocation) string {
	if len(rs) == 1 {
		r := rs[0]
		key, api := escape.Clean(r.Key), escape.Clean(r.API)
		switch {
		case r.AlreadyGone:
			return "Turnkey (" + api + ") no longer had " + key + "'s key: it was revoked already, or expired."
		case r.Err == nil:
			return "Revoked " + key + "'s key on Turnkey (" + api + "): the token no longer works."
		}
		return "Revoking " + key + "'s key on Turnkey (" + api + ") failed."
	}
	revoked, gone := 0, 0
	var apis []string
	for _, r := range rs {
		switch {
		case r.AlreadyGone:
			gone++
		case r.Err == nil:
			revoked++
		}
		if r.API != "" && !slices.Contains(apis, r.API) {
			apis = append(apis, r.API)
		}
	}
	say := "Revoked on Turnkey (" + escape.Join(apis) + "): " + Plural(revoked, "session")
	if gone > 0 {
		say += " (" + Plural(gone, "more") + " dead there already)"
	}
	return say + "."
}

// Verdict says Turnkey's verdict on the session c asked about; why is
// c.Why as the front end says it, with its own way out.
func Verdict(c session.Check, why string) string {
	key := escape.Clean(c.Key)
	switch c.Status {
	case session.Valid:
		return "Turnkey (" + escape.Clean(c.API) + ") accepts " + key + "."
	case session.Rejected:
		return "Turnkey rejects " + key + ": " + why
	case session.Unreachable:
		return "Turnkey could not be asked about " + key + ": " + why
	}
	return key + " cannot be checked here: " + why
}

// LeftoverNote says that s, the note of a session `tkauth exec --login`
// made for a command in process pid, which ended without ending it, may
// be live on Turnkey, until when, and how to end it there.
func LeftoverNote(s session.Session, pid int) string {
	return fmt.Sprintf("the session %s was made for a command by `tkauth exec --login` (process %d), which ended without ending it: it may be live on Turnkey until %s; `tkauth logout --revoke %s --api-key NAME` ends it there",
		escape.Clean(s.Key), pid, s.Expiry.UTC().Format(time.RFC3339), escape.Clean(escape.Shell(s.Key)))
}

// LeftoverNotes are the notes in st of sessions made for a command by
// `tkauth exec --login` whose process is gone (gone says so of a pid) and
// that have not expired at now, each with its process: what LeftoverNote
// says.
func LeftoverNotes(st *session.State, now time.Time, self int, gone func(pid int) bool) []string {
	var out []string
	for _, s := range session.OneShotNotes(st, now) {
		pid, _ := session.OneShotPID(s.Key)
		if pid != self && gone(pid) {
			out = append(out, LeftoverNote(s, pid))
		}
	}
	return out
}
