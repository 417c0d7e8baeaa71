package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// Remote tells sessions from long-lived keys by credential type (a
// long-lived key with an expiry stays one), leaves out expired sessions,
// orders the rest by age and marks the one stored here; Pick refuses a
// long-lived key and an unknown ID, and --others spares this machine's.
func TestRemoteSessions(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	res, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "here", Expires: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Advance(time.Minute)
	old := f.srv.SessionElsewhere("o", "u", 10*time.Minute)
	f.srv.SessionElsewhere("o", "u", 30*time.Second) // expires below
	f.srv.Advance(time.Minute)
	_, pub, _ := session.NewPrivateKey()
	f.srv.AddExpiringAPIKey("o", "u", pub, 24*time.Hour)
	f.m.WithClock(func() time.Time { return time.Now().Add(2 * time.Minute) })

	r, err := f.m.Remote(ctx, f.api, res.Session, f.apiKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Sessions) != 2 || r.Sessions[0].Here != "here" || r.Sessions[1].PublicKey != old || r.Sessions[1].Here != "" {
		t.Fatalf("sessions: %+v", r.Sessions)
	}
	if len(r.LongLived) != 2 {
		t.Fatalf("long-lived: %+v", r.LongLived)
	}
	for _, k := range r.LongLived {
		if k.IsSession() || k.PublicKey == pub && k.Expiry.Sub(k.Created) != 24*time.Hour {
			t.Errorf("long-lived %+v", k)
		}
	}

	if _, err := r.Pick([]string{r.LongLived[0].ID}, false); !errors.Is(err, session.ErrNotASession) {
		t.Errorf("a long-lived key: %v", err)
	}
	if _, err := r.Pick([]string{r.Sessions[1].ID, "nope"}, false); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("an unknown ID: %v", err)
	}
	others, err := r.Pick(nil, true)
	if err != nil || len(others) != 1 || others[0].PublicKey != old {
		t.Errorf("others: %+v, %v", others, err)
	}
	// A second session stored on this machine's key pair goes with it.
	if _, err := f.m.StoreSession(ctx, res.Session.Token, "twin"); err != nil {
		t.Fatal(err)
	}
	end, err := f.m.EndRemote(ctx, f.api, r, f.apiKey, r.Sessions)
	if err != nil || len(end.Ended) != 2 || len(end.Logout.Sessions) != 2 || f.srv.HasKey(old) || f.srv.HasKey(res.Session.PublicKey) || !f.srv.HasKey(pub) {
		t.Errorf("ending both: %+v, %v", end, err)
	}
	for _, k := range []string{"here", "twin"} {
		if _, err := f.m.Get(ctx, k); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("%s is still stored: %v", k, err)
		}
	}
}
