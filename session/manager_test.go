package session_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// flakyKeys is a file key store whose Put and Delete fail on demand, as a
// locked or frozen keyring would. A frozen one may still carry out, when
// it wakes, the call it did not answer: with late, a failed Delete
// deletes all the same.
type flakyKeys struct {
	*store.FileKeys
	failPut, failDelete error
	late                bool
}

func (k *flakyKeys) Put(ctx context.Context, pub, priv string) error {
	if k.failPut != nil {
		return k.failPut
	}
	return k.FileKeys.Put(ctx, pub, priv)
}

func (k *flakyKeys) Delete(ctx context.Context, pub string) error {
	if k.failDelete != nil {
		if k.late {
			k.FileKeys.Delete(ctx, pub)
		}
		return k.failDelete
	}
	return k.FileKeys.Delete(ctx, pub)
}

type fixture struct {
	t    *testing.T
	dir  string
	m    *session.Manager
	keys *flakyKeys
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	keys := &flakyKeys{FileKeys: store.NewFileKeys(dir)}
	m := session.NewManager(store.NewFile(dir), keys).WithClock(func() time.Time { return t0 })
	return &fixture{t: t, dir: dir, m: m, keys: keys}
}

// keyPair creates a key pair through the Manager, so it is tkauth's own.
func (f *fixture) keyPair() string {
	f.t.Helper()
	pub, err := f.m.CreateKeyPair(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return pub
}

// token mints a session token bound to pub, expiring in d.
func (f *fixture) token(pub string, d time.Duration) string {
	f.t.Helper()
	notarizer, _, err := session.NewPrivateKey()
	if err != nil {
		f.t.Fatal(err)
	}
	tok, err := session.NewToken(session.Claims{Expiry: t0.Add(d), PublicKey: pub, Type: session.ReadWrite, UserID: "u", OrganizationID: "o"}, notarizer)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// add stores a session under key, bound to pub, and returns the result.
func (f *fixture) add(key, pub string) session.StoreResult {
	f.t.Helper()
	res, err := f.m.StoreSession(context.Background(), f.token(pub, time.Hour), key)
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

func (f *fixture) state() *session.State {
	f.t.Helper()
	st, err := f.m.State(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// has reports whether the key store holds pub's private key.
func (f *fixture) has(pub string) bool {
	f.t.Helper()
	_, err := f.keys.Get(context.Background(), pub)
	if err != nil && !errors.Is(err, session.ErrKeyNotFound) {
		f.t.Fatal(err)
	}
	return err == nil
}

// check asserts the stored sessions, the active key, and which of pubs
// are (in the index and the key store) or are not.
func (f *fixture) check(sessions []string, active string, present, absent []string) {
	f.t.Helper()
	st := f.state()
	var got []string
	for _, s := range st.List() {
		got = append(got, s.Key)
	}
	if !slices.Equal(got, sessions) {
		f.t.Errorf("sessions = %q, want %q", got, sessions)
	}
	if st.Active != active {
		f.t.Errorf("active = %q, want %q", st.Active, active)
	}
	for _, pub := range present {
		if _, ok := st.KeyPairs[pub]; !ok || !f.has(pub) {
			f.t.Errorf("key pair %s: indexed %v, in key store %v; want both", session.Short(pub), ok, f.has(pub))
		}
	}
	for _, pub := range absent {
		if _, ok := st.KeyPairs[pub]; ok || f.has(pub) {
			f.t.Errorf("key pair %s: indexed %v, in key store %v; want neither", session.Short(pub), ok, f.has(pub))
		}
	}
}

// logoutPicked logs out what p picks, as the front ends do: Targets on
// the state as read, then Logout of exactly those.
func logoutPicked(ctx context.Context, m *session.Manager, p session.Pick) (session.LogoutResult, error) {
	st, err := m.State(ctx)
	if err != nil {
		return session.LogoutResult{}, err
	}
	keys, err := session.Targets(st, p, m.Now())
	if err != nil {
		return session.LogoutResult{}, err
	}
	return m.Logout(ctx, keys...)
}

// Each test ports one behaviour of Turnkey's SDK (or fixes one of its bugs).
func TestManagerTurnkeySemantics(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"logout with key removes that session and its key pair", func(t *testing.T, f *fixture) {
			a, b := f.keyPair(), f.keyPair()
			f.add("a", a)
			f.add("b", b)
			res, err := f.m.Logout(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Sessions, []string{"a"}) || !slices.Equal(res.DeletedKeyPairs, []string{a}) || res.ClearedActive {
				t.Errorf("result = %+v", res)
			}
			f.check([]string{"b"}, "b", []string{b}, []string{a})
		}},
		{"logout without key logs out the active session", func(t *testing.T, f *fixture) {
			a, b := f.keyPair(), f.keyPair()
			f.add("a", a)
			f.add("b", b) // storing makes b active
			res, err := logoutPicked(ctx, f.m, session.Pick{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Sessions, []string{"b"}) || !res.ClearedActive {
				t.Errorf("result = %+v", res)
			}
			f.check([]string{"a"}, "", []string{a}, []string{b})
		}},
		{"logout with no active session is its own error and changes nothing", func(t *testing.T, f *fixture) {
			a := f.keyPair()
			f.add("a", a)
			if _, err := logoutPicked(ctx, f.m, session.Pick{}); err != nil {
				t.Fatal(err)
			}
			b := f.keyPair()
			f.add("b", b)
			if _, err := f.m.Logout(ctx, "b"); err != nil {
				t.Fatal(err)
			}
			_, err := logoutPicked(ctx, f.m, session.Pick{})
			if !errors.Is(err, session.ErrNoActiveSession) || err.Error() != "no active session" {
				t.Fatalf("err = %v, want ErrNoActiveSession", err)
			}
			f.check(nil, "", nil, []string{a, b})
		}},
		{"logout of an unknown key is not found, never a silent success", func(t *testing.T, f *fixture) {
			a := f.keyPair()
			f.add("a", a)
			_, err := f.m.Logout(ctx, "nope")
			if !errors.Is(err, session.ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) {
				t.Fatalf("err = %v, want ErrNotFound naming the key", err)
			}
			f.check([]string{"a"}, "a", []string{a}, nil)
		}},
		{"logging out the active session clears the pointer and promotes nobody", func(t *testing.T, f *fixture) {
			a, b, c := f.keyPair(), f.keyPair(), f.keyPair()
			f.add("a", a)
			f.add("b", b)
			f.add("c", c)
			if err := f.m.SetActive(ctx, "b"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.m.Logout(ctx, "b"); err != nil {
				t.Fatal(err)
			}
			f.check([]string{"a", "c"}, "", []string{a, c}, []string{b})
		}},
		{"logging out another session keeps the active pointer", func(t *testing.T, f *fixture) {
			a, b := f.keyPair(), f.keyPair()
			f.add("a", a)
			f.add("b", b)
			if _, err := f.m.Logout(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			f.check([]string{"b"}, "b", []string{b}, []string{a})
		}},
		{"storing a session makes it active", func(t *testing.T, f *fixture) {
			a, b := f.keyPair(), f.keyPair()
			f.add("a", a)
			f.add("b", b)
			f.check([]string{"a", "b"}, "b", []string{a, b}, nil)
			f.add("a", a)
			f.check([]string{"a", "b"}, "a", []string{a, b}, nil)
		}},
		{"storing without a key uses Turnkey's default key", func(t *testing.T, f *fixture) {
			a := f.keyPair()
			res := f.add("", a)
			if res.Session.Key != session.DefaultKey {
				t.Errorf("key = %q", res.Session.Key)
			}
			f.check([]string{session.DefaultKey}, session.DefaultKey, []string{a}, nil)
		}},
		{"replacing a session deletes its old key pair when unused", func(t *testing.T, f *fixture) {
			old, repl := f.keyPair(), f.keyPair()
			f.add("a", old)
			res := f.add("a", repl)
			if !res.Replaced || !slices.Equal(res.DeletedKeyPairs, []string{old}) || res.Leftover != nil {
				t.Errorf("result = %+v", res)
			}
			f.check([]string{"a"}, "a", []string{repl}, []string{old})
			if got := f.state().Sessions["a"].PublicKey; got != repl {
				t.Errorf("stored public key %s, want the new one", got)
			}
		}},
		{"replacing a session keeps its old key pair when another uses it", func(t *testing.T, f *fixture) {
			shared, repl := f.keyPair(), f.keyPair()
			f.add("a", shared)
			f.add("b", shared)
			res := f.add("a", repl)
			if len(res.DeletedKeyPairs) != 0 {
				t.Errorf("deleted %q", res.DeletedKeyPairs)
			}
			f.check([]string{"a", "b"}, "a", []string{shared, repl}, nil)
		}},
		{"clear all removes every session and its key pairs", func(t *testing.T, f *fixture) {
			a, b, spare := f.keyPair(), f.keyPair(), f.keyPair()
			f.add("a", a)
			f.add("b", b)
			f.add("c", b)
			res, err := logoutPicked(ctx, f.m, session.Pick{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Sessions, []string{"a", "b", "c"}) || len(res.DeletedKeyPairs) != 2 || !res.ClearedActive {
				t.Errorf("result = %+v", res)
			}
			// A key pair no session used is not the session's to delete.
			f.check(nil, "", []string{spare}, []string{a, b})
		}},
		{"clear unused deletes only tkauth's own unused key pairs", func(t *testing.T, f *fixture) {
			used, unused := f.keyPair(), f.keyPair()
			f.add("a", used)
			// An item tkauth did not create, in its key store's place.
			foreign := "03" + strings.Repeat("ab", 32)
			if err := f.keys.FileKeys.Put(ctx, foreign, "not ours"); err != nil {
				t.Fatal(err)
			}
			res, err := f.m.ClearUnusedKeyPairs(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Deleted, []string{unused}) {
				t.Errorf("deleted %q, want only %s", res.Deleted, unused)
			}
			f.check([]string{"a"}, "a", []string{used}, []string{unused})
			if !f.has(foreign) {
				t.Error("clear unused deleted a key store item tkauth did not create")
			}
		}},
		{"a key pair shared by two sessions survives the first logout", func(t *testing.T, f *fixture) {
			shared := f.keyPair()
			f.add("a", shared)
			f.add("b", shared)
			res, err := f.m.Logout(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			if len(res.DeletedKeyPairs) != 0 || len(res.KeptKeyPairs) != 1 || !slices.Equal(res.KeptKeyPairs[0].UsedBy, []string{"b"}) {
				t.Errorf("result = %+v, want key pair kept, used by b", res)
			}
			f.check([]string{"b"}, "b", []string{shared}, nil)
			res, err = f.m.Logout(ctx, "b")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.DeletedKeyPairs, []string{shared}) {
				t.Errorf("second logout deleted %q", res.DeletedKeyPairs)
			}
			f.check(nil, "", nil, []string{shared})
		}},
		{"an imported session's key pair is never deleted", func(t *testing.T, f *fixture) {
			foreign := "03" + strings.Repeat("cd", 32)
			if err := f.keys.FileKeys.Put(ctx, foreign, "not ours"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.m.StoreSession(ctx, f.token(vectorPub, time.Hour), "imported"); err != nil {
				t.Fatal(err)
			}
			res, err := f.m.Logout(ctx, "imported")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Unmanaged, []string{vectorPub}) || len(res.DeletedKeyPairs) != 0 {
				t.Errorf("result = %+v", res)
			}
			if !f.has(foreign) {
				t.Error("foreign item deleted")
			}
		}},
		{"logout expired removes only expired sessions, under one lock", func(t *testing.T, f *fixture) {
			a, b := f.keyPair(), f.keyPair()
			if _, err := f.m.StoreSession(ctx, f.token(a, -time.Second), "old"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.m.StoreSession(ctx, f.token(b, time.Second), "new"); err != nil {
				t.Fatal(err)
			}
			res, err := logoutPicked(ctx, f.m, session.Pick{Expired: true})
			if err != nil || !slices.Equal(res.Sessions, []string{"old"}) {
				t.Fatalf("result %+v, %v", res, err)
			}
			f.check([]string{"new"}, "new", []string{b}, []string{a})
		}},
		{"set active on an unknown key is not found", func(t *testing.T, f *fixture) {
			a := f.keyPair()
			f.add("a", a)
			if err := f.m.SetActive(ctx, "nope"); !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
			f.check([]string{"a"}, "a", []string{a}, nil)
		}},
		{"expired sessions are kept at load and reported as expired", func(t *testing.T, f *fixture) {
			a := f.keyPair()
			if _, err := f.m.StoreSession(ctx, f.token(a, -time.Minute), "old"); err != nil {
				t.Fatal(err)
			}
			s, err := f.m.Get(ctx, "old")
			if err != nil {
				t.Fatal(err)
			}
			if !s.Expired(t0) {
				t.Error("not reported expired")
			}
			f.check([]string{"old"}, "old", []string{a}, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newFixture(t)) })
	}
}

func TestLogoutKeyStoreFailureKeepsSession(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, b := f.keyPair(), f.keyPair()
	f.add("a", a)
	f.add("b", b)
	f.keys.failDelete = store.ErrKeyringLocked
	res, err := f.m.Logout(ctx, "b")
	if !errors.Is(err, store.ErrKeyringLocked) || !strings.Contains(err.Error(), `session "b" was not logged out`) {
		t.Fatalf("err = %v, want the key store's error and the session named", err)
	}
	if len(res.Sessions) != 0 {
		t.Errorf("result claims %q logged out", res.Sessions)
	}
	f.check([]string{"a", "b"}, "b", []string{a, b}, nil)
	if f.state().KeyPairs[b].Deleting {
		t.Error("key pair left marked Deleting after the session was restored")
	}

	// Clear all with one store failing: nothing is half-done.
	res, err = logoutPicked(ctx, f.m, session.Pick{All: true})
	if err == nil {
		t.Fatal("clear all succeeded with a failing key store")
	}
	f.check([]string{"a", "b"}, "b", []string{a, b}, nil)

	f.keys.failDelete = nil
	if _, err := f.m.Logout(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	f.check([]string{"a"}, "", []string{a}, []string{b})
}

func TestCreateKeyPair(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	pub := f.keyPair()
	if _, err := session.ParsePublicKey(pub); err != nil {
		t.Fatalf("CreateKeyPair returned %q: %v", pub, err)
	}
	kp := f.state().KeyPairs[pub]
	if kp.KeyStore != "file" || !kp.CreatedAt.Equal(t0) {
		t.Errorf("index entry = %+v", kp)
	}
	priv, err := f.keys.Get(ctx, pub)
	if err != nil {
		t.Fatal(err)
	}
	k, err := session.DecodePrivateKey(priv)
	if err != nil || session.CompressPublicKey(&k.PublicKey) != pub {
		t.Fatalf("stored private key does not match %s: %v", pub, err)
	}
	// The private key is in the key store only, never the session file.
	data, err := os.ReadFile(store.NewFile(f.dir).Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), priv) {
		t.Error("private key written to the session file")
	}

	f.keys.failPut = errors.New("keyring locked")
	if _, err := f.m.CreateKeyPair(ctx); err == nil || !strings.Contains(err.Error(), "keyring locked") {
		t.Fatalf("err = %v", err)
	}
	// The entry stays, marked for deletion: a keyring that timed out may
	// still store the item later, and the next prune must find it.
	st := f.state()
	if n := len(st.KeyPairs); n != 2 {
		t.Fatalf("%d key pairs indexed after a failed create, want 2", n)
	}
	var failed string
	for p, kp := range st.KeyPairs {
		if p != pub {
			failed = p
			if !kp.Deleting {
				t.Error("the failed key pair is not marked for deletion")
			}
		}
	}
	f.keys.failPut = nil
	res, err := f.m.ClearUnusedKeyPairs(ctx, false)
	if err != nil || !slices.Equal(res.Deleted, []string{failed}) {
		t.Errorf("prune after a failed create: %+v, %v", res, err)
	}
}

// A crash after step 1 of a logout leaves the session gone and its key pair
// marked Deleting. That store loads, and clear unused finishes the job.
func TestCrashMidLogoutIsFinishedByClearUnused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.keyPair()
	f.add("a", a)
	st := store.NewFile(f.dir)
	err := st.Update(ctx, func(s *session.State, commit session.Commit) error {
		delete(s.Sessions, "a")
		s.Active = ""
		kp := s.KeyPairs[a]
		kp.Deleting = true
		s.KeyPairs[a] = kp
		return commit() // and the process dies here
	})
	if err != nil {
		t.Fatal(err)
	}
	if !f.state().KeyPairs[a].Deleting || !f.has(a) {
		t.Fatal("setup: want a key pair marked Deleting and still in the key store")
	}
	res, err := f.m.ClearUnusedKeyPairs(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Deleted, []string{a}) {
		t.Errorf("deleted %q", res.Deleted)
	}
	f.check(nil, "", nil, []string{a})
}

// Storing a session for a key pair a crash left marked Deleting takes it
// back: clear unused must not delete it afterwards.
func TestStoreReclaimsKeyPairMarkedDeleting(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.keyPair()
	err := store.NewFile(f.dir).Update(ctx, func(s *session.State, commit session.Commit) error {
		kp := s.KeyPairs[a]
		kp.Deleting = true
		s.KeyPairs[a] = kp
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	f.add("a", a)
	if _, err := f.m.ClearUnusedKeyPairs(ctx, true); err != nil {
		t.Fatal(err)
	}
	f.check([]string{"a"}, "a", []string{a}, nil)
}

// The plan a confirmation shows is what Logout then does.
func TestPlanLogoutIsWhatLogoutDoes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	own, shared := f.keyPair(), f.keyPair()
	f.add("own", own)
	f.add("s1", shared)
	f.add("s2", shared)
	if _, err := f.m.StoreSession(ctx, f.token(vectorPub, time.Hour), "imported"); err != nil {
		t.Fatal(err)
	}
	st := f.state()
	if p := session.PlanLogout(st, []string{"s1", "s2"}); !slices.Equal(p.Delete, []string{shared}) || len(p.Kept) != 0 {
		t.Errorf("both users leaving: plan %+v, want the shared key pair deleted", p)
	}
	for _, tt := range []struct {
		key  string
		want session.LogoutPlan
	}{
		{"s1", session.LogoutPlan{Kept: []session.KeptKeyPair{{PublicKey: shared, UsedBy: []string{"s2"}}}}},
		{"imported", session.LogoutPlan{Unmanaged: []string{vectorPub}}},
		{"own", session.LogoutPlan{Delete: []string{own}}},
	} {
		plan := session.PlanLogout(f.state(), []string{tt.key})
		res, err := f.m.Logout(ctx, tt.key)
		if err != nil {
			t.Fatal(err)
		}
		got := session.LogoutPlan{Delete: res.DeletedKeyPairs, Kept: res.KeptKeyPairs, Unmanaged: res.Unmanaged}
		if !equalPlans(plan, tt.want) || !equalPlans(got, plan) {
			t.Errorf("%s: plan %+v, did %+v, want %+v", tt.key, plan, got, tt.want)
		}
	}
}

func equalPlans(a, b session.LogoutPlan) bool {
	return slices.Equal(a.Delete, b.Delete) && slices.Equal(a.Unmanaged, b.Unmanaged) &&
		slices.EqualFunc(a.Kept, b.Kept, func(x, y session.KeptKeyPair) bool {
			return x.PublicKey == y.PublicKey && slices.Equal(x.UsedBy, y.UsedBy)
		})
}

func TestKeyPairPresence(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	here, gone := f.keyPair(), f.keyPair()
	f.add("here", here)
	f.add("gone", gone)
	if _, err := f.m.StoreSession(ctx, f.token(vectorPub, time.Hour), "imported"); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(store.NewFileKeys(f.dir).Dir(), gone+".private")); err != nil {
		t.Fatal(err)
	}
	// A key pair held by a key store not in use cannot be asked about.
	elsewhere := "03" + strings.Repeat("77", 32)
	err := store.NewFile(f.dir).Update(ctx, func(st *session.State, commit session.Commit) error {
		st.KeyPairs[elsewhere] = session.KeyPair{PublicKey: elsewhere, KeyStore: "system"}
		st.Sessions["elsewhere"] = &session.Session{Key: "elsewhere", Token: "t", Claims: session.Claims{PublicKey: elsewhere}}
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	got := f.m.KeyPairPresence(ctx, f.state())
	want := map[string]session.Presence{here: session.Present, gone: session.Missing, vectorPub: session.Missing, elsewhere: session.PresenceUnknown}
	for pub, p := range want {
		if got[pub] != p {
			t.Errorf("%s: %s, want %s", session.Short(pub), got[pub], p)
		}
	}
}

// A new key pair is kept by clear unused until a session claims it or the
// claim window passes: another process may be logging in with it, and a
// concurrent prune would leave its session without a key.
func TestClearUnusedKeepsNewKeyPairs(t *testing.T) {
	ctx := context.Background()
	now := t0
	f := newFixture(t)
	f.m.WithClock(func() time.Time { return now })
	fresh, freed := f.keyPair(), f.keyPair()
	f.add("a", freed)
	if !f.state().KeyPairs[fresh].Unclaimed || f.state().KeyPairs[freed].Unclaimed {
		t.Fatal("a new key pair is unclaimed until a session is stored on it")
	}
	f.add("a", f.keyPair()) // replaces a: freed is deleted at once
	f.check([]string{"a"}, "a", []string{fresh}, []string{freed})

	res, err := f.m.ClearUnusedKeyPairs(ctx, false)
	if err != nil || len(res.Deleted) != 0 || !slices.Equal(res.KeptNew, []string{fresh}) {
		t.Fatalf("within the window: %+v, %v", res, err)
	}
	now = t0.Add(session.ClaimWindow)
	res, err = f.m.ClearUnusedKeyPairs(ctx, false)
	if err != nil || !slices.Equal(res.Deleted, []string{fresh}) {
		t.Fatalf("after the window: %+v, %v", res, err)
	}
	f.check([]string{"a"}, "a", nil, []string{fresh})
}
