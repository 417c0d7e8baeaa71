package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// A refresh deletes the replaced key on Turnkey only if it is a session's:
// not when Turnkey lists it as a long-lived key, nor when it is a
// long-lived key this machine knows, whatever Turnkey calls it. The
// refresh itself stands, and says the old key was left.
func TestRefreshLeavesALongLivedOldKey(t *testing.T) {
	for name, how := range map[string]func(f *apiFixture, pub string){
		"Turnkey lists it as an API key": func(f *apiFixture, pub string) { f.srv.Mislabel(pub, "CREDENTIAL_TYPE_API_KEY_P256") },
		"this machine knows it": func(f *apiFixture, pub string) {
			f.m.WithLongLivedKeys(func(context.Context) []string { return []string{pub} })
		},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f := newAPIFixture(t)
			res, err := f.m.Login(ctx, session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"}, session.LoginOptions{Key: "work", Expires: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			old := res.Session.PublicKey
			how(f, old)
			out, err := f.m.Refresh(ctx, f.sv(), "work", 0, nil)
			var kept *session.KeptError
			if err != nil || !errors.As(out.OldKeyRevoked, &kept) || !errors.Is(out.OldKeyRevoked, session.ErrNotASession) {
				t.Fatalf("refresh: %+v, %v", out.OldKeyRevoked, err)
			}
			if !f.srv.HasKey(old) {
				t.Error("the old key was deleted on Turnkey")
			}
		})
	}
}

// A one-command session is ended only if Turnkey lists its key as a
// session's: a server that says otherwise keeps it, and End says so.
func TestOneShotEndChecksTheType(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	o, err := f.m.LoginOneShot(ctx, f.api, f.apiKey, "o", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Mislabel(o.Session.PublicKey, "CREDENTIAL_TYPE_API_KEY_P256")
	if err := o.End(ctx); !errors.Is(err, session.ErrOneShotLeft) || !errors.Is(err, session.ErrNotASession) {
		t.Errorf("End: %v", err)
	}
	if !f.srv.HasKey(o.Session.PublicKey) {
		t.Error("a key Turnkey called long-lived was deleted")
	}
}
