package session_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	fixtures "github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// errNoAnswer is a key store's error for a call it did not answer in time,
// as store's keyring gives it.
var errNoAnswer = fmt.Errorf("the system keyring did not answer in time (waited 5s): %w", session.ErrNoAnswer)

// A key store that does not answer a delete may still carry it out when
// it wakes. Logout must not then have said that the session was not
// logged out: it logs it out, keeps the key pair listed as being deleted,
// and says so. Whether the late delete happens or not, a prune ends it.
func TestLogoutWhenTheKeyStoreDoesNotAnswer(t *testing.T) {
	for _, late := range []bool{true, false} {
		t.Run(fmt.Sprintf("the delete happens later: %v", late), func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			a, b := f.keyPair(), f.keyPair()
			f.add("a", a)
			f.add("b", b)
			f.keys.failDelete, f.keys.late = errNoAnswer, late
			res, err := f.m.Logout(ctx, "b")
			if !errors.Is(err, session.ErrNoAnswer) {
				t.Fatalf("err = %v, want ErrNoAnswer", err)
			}
			if !slices.Equal(res.Sessions, []string{"b"}) || !slices.Equal(res.Pending, []string{b}) || len(res.DeletedKeyPairs) != 0 || !res.ClearedActive {
				t.Errorf("result = %+v: want b logged out, its key pair pending", res)
			}
			st := f.state()
			if _, ok := st.Sessions["b"]; ok || !st.KeyPairs[b].Deleting || st.Active != "" {
				t.Errorf("stored: session b %v, key pair %+v, active %q", ok, st.KeyPairs[b], st.Active)
			}
			// The keyring wakes (or not); the next prune finishes.
			f.keys.failDelete = nil
			if pr, err := f.m.ClearUnusedKeyPairs(ctx, false); err != nil || !slices.Equal(pr.Deleted, []string{b}) {
				t.Errorf("prune: %+v, %v", pr, err)
			}
			f.check([]string{"a"}, "", []string{a}, []string{b})
		})
	}
}

// roFixture is a fixture whose Manager's store turns read-only after n
// more commits (set later).
func roFixture(t *testing.T) (*fixture, *fixtures.ReadOnlyAfter) {
	f := newFixture(t)
	ro := &fixtures.ReadOnlyAfter{Store: store.NewFile(f.dir), N: 1 << 30}
	f.m = session.NewManager(ro, f.keys).WithClock(func() time.Time { return t0 })
	return f, ro
}

// When a later step cannot be written after an earlier one was, every
// result and message says what is on disk.
func TestLaterStepsFailingAfterEarlierOnes(t *testing.T) {
	ctx := context.Background()
	t.Run("logout: nothing written", func(t *testing.T) {
		f, ro := roFixture(t)
		a := f.keyPair()
		f.add("a", a)
		ro.N = 0
		res, err := f.m.Logout(ctx, "a")
		if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "nothing was logged out") || len(res.Sessions) != 0 {
			t.Errorf("%+v, %v", res, err)
		}
		f.check([]string{"a"}, "a", []string{a}, nil)
	})
	t.Run("logout: the last step not recorded", func(t *testing.T) {
		f, ro := roFixture(t)
		a := f.keyPair()
		f.add("a", a)
		ro.N = 1
		res, err := f.m.Logout(ctx, "a")
		if err != nil || !slices.Equal(res.Sessions, []string{"a"}) || !slices.Equal(res.DeletedKeyPairs, []string{a}) || !errors.Is(res.Unrecorded, syscall.EROFS) {
			t.Fatalf("%+v, %v: want a logged out, its key deleted, the last step unrecorded", res, err)
		}
		st := f.state()
		if _, ok := st.Sessions["a"]; ok || !st.KeyPairs[a].Deleting || f.has(a) {
			t.Errorf("on disk: session %v, key pair %+v, key %v", ok, st.KeyPairs[a], f.has(a))
		}
		ro.N = 1 << 30
		if pr, err := f.m.ClearUnusedKeyPairs(ctx, false); err != nil || !slices.Equal(pr.Deleted, []string{a}) {
			t.Errorf("prune: %+v, %v", pr, err)
		}
		f.check(nil, "", nil, []string{a})
	})
	t.Run("logout: a refused key, and the session cannot be put back", func(t *testing.T) {
		f, ro := roFixture(t)
		a := f.keyPair()
		f.add("a", a)
		ro.N, f.keys.failDelete = 1, store.ErrKeyringLocked
		res, err := f.m.Logout(ctx, "a")
		if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "they stay logged out") || !slices.Equal(res.Sessions, []string{"a"}) || !slices.Equal(res.Pending, []string{a}) {
			t.Fatalf("%+v, %v: want a logged out, its key pair left for a prune", res, err)
		}
		st := f.state()
		if _, ok := st.Sessions["a"]; ok || !st.KeyPairs[a].Deleting || !f.has(a) {
			t.Errorf("on disk: session %v, key pair %+v, key %v", ok, st.KeyPairs[a], f.has(a))
		}
		ro.N, f.keys.failDelete = 1<<30, nil
		if _, err := f.m.ClearUnusedKeyPairs(ctx, false); err != nil {
			t.Fatal(err)
		}
		f.check(nil, "", nil, []string{a})
	})
	t.Run("replacing a session: stored, the old key pair left for a prune", func(t *testing.T) {
		f, ro := roFixture(t)
		old, repl := f.keyPair(), f.keyPair()
		f.add("a", old)
		ro.N = 1
		res, err := f.m.StoreSession(ctx, f.token(repl, time.Hour), "a")
		if err != nil || res.Session.PublicKey != repl || !slices.Equal(res.DeletedKeyPairs, []string{old}) || !errors.Is(res.Leftover, syscall.EROFS) {
			t.Fatalf("%+v, %v: want the session stored, the old key deleted, unrecorded", res, err)
		}
		if got := f.state().Sessions["a"].PublicKey; got != repl {
			t.Errorf("stored key pair %s, want the new one", session.Short(got))
		}
	})
	t.Run("prune: deleted, not recorded", func(t *testing.T) {
		f, ro := roFixture(t)
		spare := f.keyPair()
		ro.N = 1
		res, err := f.m.ClearUnusedKeyPairs(ctx, true)
		if err != nil || !slices.Equal(res.Deleted, []string{spare}) || len(res.Failed) != 0 || !errors.Is(res.Unrecorded, syscall.EROFS) {
			t.Errorf("%+v, %v", res, err)
		}
	})
}
