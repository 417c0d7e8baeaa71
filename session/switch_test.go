package session_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/session"
)

// switch - goes back to the session active before, as cd - does; the
// store remembers it across processes, and forgets a logged-out one.
func TestSwitchBack(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.m.SwitchBack(ctx); !errors.Is(err, session.ErrNoPrevious) {
		t.Errorf("with nothing before: %v", err)
	}
	f.add("a", f.keyPair())
	f.add("b", f.keyPair()) // storing makes b active; a is previous
	if key, err := f.m.SwitchBack(ctx); err != nil || key != "a" {
		t.Fatalf("back: %q, %v", key, err)
	}
	if key, _ := f.m.SwitchBack(ctx); key != "b" {
		t.Errorf("back again: %q, want b", key)
	}
	if err := f.m.SetActive(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if st := f.state(); st.Active != "a" || st.Previous != "b" {
		t.Errorf("active %q, previous %q", st.Active, st.Previous)
	}
	if _, err := f.m.Logout(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.SwitchBack(ctx); !errors.Is(err, session.ErrNoPrevious) {
		t.Errorf("back to a logged-out session: %v", err)
	}
}

func TestRename(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, b := f.keyPair(), f.keyPair()
	f.add("a", a)
	f.add("b", b) // active b, previous a
	if err := f.m.Rename(ctx, "a", "alpha"); err != nil {
		t.Fatal(err)
	}
	if err := f.m.Rename(ctx, "b", "beta"); err != nil {
		t.Fatal(err)
	}
	st := f.state()
	if st.Active != "beta" || st.Previous != "alpha" || st.Sessions["alpha"].Key != "alpha" {
		t.Errorf("active %q, previous %q", st.Active, st.Previous)
	}
	f.check([]string{"alpha", "beta"}, "beta", []string{a, b}, nil)
	if err := f.m.Rename(ctx, "alpha", "beta"); !errors.Is(err, session.ErrExists) {
		t.Errorf("onto a taken key: %v", err)
	}
	if err := f.m.Rename(ctx, "nope", "x"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("an unknown key: %v", err)
	}
	if err := f.m.Rename(ctx, "alpha", "bad\x1b"); !errors.Is(err, session.ErrInvalidKey) {
		t.Errorf("to a bad key: %v", err)
	}
}

// An unknown session key is answered with the stored keys nearest to it.
func TestNearest(t *testing.T) {
	st := session.NewState()
	for _, k := range []string{"acme/admin", "acme/viewer", "globex/ops", "initech/dev", "@turnkey/session/v3"} {
		st.Sessions[k] = &session.Session{Key: k}
	}
	for key, want := range map[string][]string{
		"acme/admn":   {"acme/admin"},
		"ACME/ADMIN":  {"acme/admin"},
		"globex/opz":  {"globex/ops"},
		"acme":        {"acme/admin", "acme/viewer"},
		"initech":     {"initech/dev"},
		"zzz":         nil,
		"acme/admins": {"acme/admin"},
		"acme/amdin":  {"acme/admin"}, // two letters swapped: one edit
	} {
		if got := session.Nearest(st, key); !slices.Equal(got, want) {
			t.Errorf("Nearest(%q) = %q, want %q", key, got, want)
		}
	}
	_, err := session.Targets(st, session.Pick{Key: "acme/admn"}, t0)
	if !errors.Is(err, session.ErrNotFound) || !strings.Contains(err.Error(), `did you mean "acme/admin"?`) {
		t.Errorf("Targets: %v", err)
	}
}
