package session_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

func TestTargets(t *testing.T) {
	st := session.NewState()
	for key, exp := range map[string]time.Duration{"a": time.Hour, "b": -time.Minute, "c": -time.Second, "d": time.Second} {
		st.Sessions[key] = &session.Session{Key: key, Claims: session.Claims{Expiry: t0.Add(exp)}}
	}
	st.Active = "d"
	none := session.NewState()
	noActive := session.NewState()
	noActive.Sessions["a"] = st.Sessions["a"]

	for _, tt := range []struct {
		name string
		st   *session.State
		pick session.Pick
		want []string
		err  error
	}{
		{"the active one", st, session.Pick{}, []string{"d"}, nil},
		{"a key", st, session.Pick{Key: "b"}, []string{"b"}, nil},
		{"all, in order", st, session.Pick{All: true}, []string{"a", "b", "c", "d"}, nil},
		{"the expired ones, at now", st, session.Pick{Expired: true}, []string{"b", "c"}, nil},
		{"none expired is no keys, not an error", noActive, session.Pick{Expired: true}, nil, nil},
		{"an unknown key", st, session.Pick{Key: "z"}, nil, session.ErrNotFound},
		{"no active session", noActive, session.Pick{}, nil, session.ErrNoActiveSession},
		{"all of none", none, session.Pick{All: true}, nil, nil}, // nothing to log out is done
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := session.Targets(tt.st, tt.pick, t0)
			if !slices.Equal(got, tt.want) || !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Errorf("Targets = %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
	if _, err := session.Targets(st, session.Pick{Key: "a", All: true}, t0); err == nil {
		t.Error("a key and all at once is accepted")
	}
}

// What was confirmed is what is logged out: a session stored after the
// confirmation stays, and one another process logged out meanwhile is
// reported gone, not an error.
func TestLogoutIsExactlyTheConfirmedSessions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, b, c := f.keyPair(), f.keyPair(), f.keyPair()
	f.add("a", a)
	f.add("b", b)
	confirmed, err := session.Targets(f.state(), session.Pick{All: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile, in another terminal:
	f.add("c", c)
	if _, err := f.m.Logout(ctx, "b"); err != nil {
		t.Fatal(err)
	}

	res, err := f.m.Logout(ctx, confirmed...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Sessions, []string{"a"}) || !slices.Equal(res.Gone, []string{"b"}) || res.ClearedActive {
		t.Errorf("result = %+v, want a logged out and b gone", res)
	}
	f.check([]string{"c"}, "c", []string{c}, []string{a, b})

	// Nothing asked for is there any more: not found, nothing changes.
	if _, err := f.m.Logout(ctx, "a", "b"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("logout of sessions already gone: %v, want ErrNotFound", err)
	}
	f.check([]string{"c"}, "c", []string{c}, nil)
}

// revokeAPI is a TurnkeyAPI whose revocations answer as told, to pin the
// rule RevokeAndLogout follows for each answer.
type revokeAPI struct {
	session.TurnkeyAPI
	answers map[string]error // by public key
	asked   []string
}

func (a *revokeAPI) BaseURL() string { return "https://api.example" }

func (a *revokeAPI) RevokeSessionKey(_ context.Context, _ session.Signer, _, _, publicKey string) error {
	a.asked = append(a.asked, publicKey)
	return a.answers[publicKey]
}

func TestRevokeAndLogout(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	ok, gone, down := f.keyPair(), f.keyPair(), f.keyPair()
	f.add("ok", ok)
	f.add("gone", gone)
	f.add("down", down)
	errDown := errors.New("Turnkey answered 503")
	api := &revokeAPI{answers: map[string]error{gone: session.ErrKeyNotOnTurnkey, down: errDown}}

	sv := session.Servers{Dial: func(string) session.TurnkeyAPI { return api }}
	res, err := f.m.RevokeAndLogout(ctx, sv, nil, false, "ok", "gone", "down")
	var re *session.RevokeError
	if !errors.As(err, &re) || re.Key != "down" || !errors.Is(err, errDown) {
		t.Fatalf("err = %v, want a RevokeError for down", err)
	}
	if len(api.asked) != 3 {
		t.Errorf("asked Turnkey about %d keys, want 3", len(api.asked))
	}
	want := []session.Revocation{{Key: "down", Err: errDown}, {Key: "gone", AlreadyGone: true}, {Key: "ok"}}
	if !slices.EqualFunc(res.Revoked, want, func(a, b session.Revocation) bool {
		return a.Key == b.Key && a.AlreadyGone == b.AlreadyGone && errors.Is(a.Err, b.Err)
	}) {
		t.Errorf("revoked = %+v, want %+v", res.Revoked, want)
	}
	// A key Turnkey no longer has counts as revoked; a failed revocation
	// keeps its session, so that it can sign another try.
	if !slices.Equal(res.Sessions, []string{"gone", "ok"}) {
		t.Errorf("logged out %q, want ok and gone", res.Sessions)
	}
	f.check([]string{"down"}, "down", []string{down}, []string{ok, gone})

	// Forced: logged out all the same, the failure still reported.
	res, err = f.m.RevokeAndLogout(ctx, sv, nil, true, "down")
	if err != nil || !slices.Equal(res.Sessions, []string{"down"}) || len(res.Revoked) != 1 || !errors.Is(res.Revoked[0].Err, errDown) {
		t.Errorf("forced: %+v, %v", res, err)
	}
	f.check(nil, "", nil, []string{down})
}
