package text

import (
	"fmt"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// When is a time as the remote view shows it, "-" if unknown.
func When(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// KeyExpiry says when an API key expires: "never" for none.
func KeyExpiry(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return Expiry(now, t)
}

// EndQuestion asks before ending sessions of s's user on Turnkey, naming
// each, and this machine's that will be logged out too.
func EndQuestion(s session.Session, doomed []session.RemoteSession, now time.Time) Question {
	q := Question{
		Title: fmt.Sprintf("End %s on Turnkey?", Plural(len(doomed), "session")),
		Busy:  "Ending " + Plural(len(doomed), "session") + " on Turnkey",
	}
	whose := fmt.Sprintf("of user %s in organization %s", ShortName(s.Username, s.UserID), ShortName(s.OrganizationName, s.OrganizationID))
	if len(doomed) == 1 {
		q.Lines = append(q.Lines, "This session "+whose+" ends on Turnkey:")
	} else {
		q.Lines = append(q.Lines, fmt.Sprintf("These %d sessions %s end on Turnkey:", len(doomed), whose))
	}
	elsewhere := 0
	for _, d := range doomed {
		line := fmt.Sprintf("  %s  %s, made %s, %s", escape.Clean(d.ID), escape.Clean(session.Short(d.PublicKey)), When(d.Created), KeyExpiry(now, d.Expiry))
		if d.Here != "" {
			line += " (this machine's " + escape.Clean(d.Here) + ", logged out here too)"
		} else {
			elsewhere++
		}
		q.Lines = append(q.Lines, line)
	}
	switch {
	case elsewhere == 1:
		q.Lines = append(q.Lines, "A session on another device ends at once: whoever holds it must log in again.")
	case elsewhere > 1:
		q.Lines = append(q.Lines, "Sessions on other devices end at once: whoever holds them must log in again.")
	}
	return q
}

// Ended says what ending sessions did, on Turnkey and here, and what is
// left on both.
func Ended(r session.Remote, end session.RemoteEnd) string {
	ids := make([]string, len(end.Ended))
	for i, s := range end.Ended {
		ids[i] = escape.Clean(s.ID)
	}
	gone := "wherever they were, they no longer work"
	if len(ids) == 1 {
		gone = "wherever it was, it no longer works"
	}
	out := fmt.Sprintf("Ended %s on Turnkey (%s): %s; %s.", Plural(len(ids), "session"), escape.Clean(r.API), strings.Join(ids, ", "), gone)
	if len(end.Left) > 0 {
		left := make([]string, len(end.Left))
		for i, s := range end.Left {
			left[i] = escape.Clean(s.ID)
		}
		out += fmt.Sprintf(" Not ended, though asked for, as listing the keys again shows: %s (%s).", strings.Join(left, ", "), escape.Message(fmt.Sprint(end.LeftWhy)))
	}
	if len(end.Logout.Sessions) > 0 {
		out += " " + Logout(end.Logout) // those stored here
	}
	left, leftHere := 0, 0
	for _, s := range r.Sessions {
		if !ended(end.Ended, s.ID) {
			left++
			if s.Here != "" {
				leftHere++
			}
		}
	}
	return out + fmt.Sprintf(" Left on Turnkey: %s of the user (%d stored here), and every long-lived API key.", Plural(left, "live session"), leftHere)
}

func ended(end []session.RemoteSession, id string) bool {
	for _, s := range end {
		if s.ID == id {
			return true
		}
	}
	return false
}
