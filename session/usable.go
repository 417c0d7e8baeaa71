package session

import "time"

// LastMinute is a session's last stretch before it expires: it is still
// used, with a warning, and the TUI highlights it and refreshes the active
// one.
const LastMinute = time.Minute

// Problem is a reason a session cannot sign requests now.
type Problem int

// The problems Problems finds.
const (
	// ProblemExpired: Turnkey refuses the session.
	ProblemExpired Problem = iota + 1
	// ProblemKeyPairMissing: its private key is not in its key store, so
	// nothing can sign for it.
	ProblemKeyPairMissing
	// ProblemKeyPairInProcess: it is the note of a session made for one
	// command by `exec --login`, whose key pair lives only in that
	// process.
	ProblemKeyPairInProcess
)

// Problems says why s cannot sign requests at now, given whether its key
// pair is in its key store: none if it can. What Turnkey says of it
// (Check) is asked separately.
func (s Session) Problems(now time.Time, keyPair Presence) []Problem {
	var out []Problem
	if s.Expired(now) {
		out = append(out, ProblemExpired)
	}
	switch keyPair {
	case Missing:
		out = append(out, ProblemKeyPairMissing)
	case InProcess:
		out = append(out, ProblemKeyPairInProcess)
	}
	return out
}

// InLastMinute reports whether s is live at now but within LastMinute of
// its expiry.
func (s Session) InLastMinute(now time.Time) bool {
	left := s.Expiry.Sub(now)
	return left > 0 && left < LastMinute
}
