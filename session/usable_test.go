package session_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

func TestProblems(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	live := session.Session{Claims: session.Claims{Expiry: now.Add(time.Hour)}}
	dead := session.Session{Claims: session.Claims{Expiry: now}}
	for _, tt := range []struct {
		name    string
		s       session.Session
		keyPair session.Presence
		want    []session.Problem
	}{
		{"live, key pair present", live, session.Present, nil},
		{"live, key store not asked", live, session.PresenceUnknown, nil},
		{"live, key pair missing", live, session.Missing, []session.Problem{session.ProblemKeyPairMissing}},
		{"expired at this very second", dead, session.Present, []session.Problem{session.ProblemExpired}},
		{"expired and missing", dead, session.Missing, []session.Problem{session.ProblemExpired, session.ProblemKeyPairMissing}},
	} {
		if got := tt.s.Problems(now, tt.keyPair); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestInLastMinute(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for left, want := range map[time.Duration]bool{
		-time.Second:                         false,
		0:                                    false,
		time.Second:                          true,
		session.LastMinute - time.Nanosecond: true,
		session.LastMinute:                   false,
		2 * time.Minute:                      false,
	} {
		s := session.Session{Claims: session.Claims{Expiry: now.Add(left)}}
		if got := s.InLastMinute(now); got != want {
			t.Errorf("%v left: InLastMinute = %v, want %v", left, got, want)
		}
	}
}
