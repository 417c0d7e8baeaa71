package session_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// Crash injection. crashStore and crashKeys call crash before and after
// every durable step: each commit of the session file, each Put and Delete
// of a private key. A child process (this test binary again) exits at
// step N, as a kill -9 or a power cut would leave things; the parent then
// checks that what is on disk is sound. Nothing here is reachable from
// tkauth itself.

const (
	crashDirEnv = "TKAUTH_TEST_CRASH_DIR"
	crashOpEnv  = "TKAUTH_TEST_CRASH_OP"
	crashAtEnv  = "TKAUTH_TEST_CRASH_AT"
	crashExit   = 77
)

type crashStore struct {
	session.Store
	crash func(string)
}

func (c crashStore) Update(ctx context.Context, fn func(*session.State, session.Commit) error) error {
	return c.Store.Update(ctx, func(st *session.State, commit session.Commit) error {
		return fn(st, func() error {
			c.crash("before commit")
			err := commit()
			c.crash("after commit")
			return err
		})
	})
}

type crashKeys struct {
	session.KeyStore
	crash func(string)
}

func (c crashKeys) Put(ctx context.Context, pub, priv string) error {
	c.crash("before key put")
	err := c.KeyStore.Put(ctx, pub, priv)
	c.crash("after key put")
	return err
}

func (c crashKeys) Delete(ctx context.Context, pub string) error {
	c.crash("before key delete")
	err := c.KeyStore.Delete(ctx, pub)
	c.crash("after key delete")
	return err
}

// crashFixture is the store every crash run starts from: "a" active on k1,
// "b" and "c" sharing k2, "d" expired on k3, k4 made and unused, "imp" on
// a key pair tkauth did not make.
type crashFixture struct {
	k1, k2, k3, k4 string
	tokens         map[string]string // session key -> a fresh token to store
}

// crashOps are the changes tried at every step. mayGo and mayCome are the
// sessions each may remove and add: every other session must survive.
var crashOps = []struct {
	name           string
	mayGo, mayCome []string
	run            func(ctx context.Context, m *session.Manager, fx crashFixture) error
}{
	{"store session", nil, []string{"e"}, func(ctx context.Context, m *session.Manager, fx crashFixture) error {
		_, err := m.StoreSession(ctx, fx.tokens["e"], "e")
		return err
	}},
	{"store session replacing one", nil, nil, func(ctx context.Context, m *session.Manager, fx crashFixture) error {
		_, err := m.StoreSession(ctx, fx.tokens["a-on-k4"], "a")
		return err
	}},
	{"logout", []string{"a"}, nil, func(ctx context.Context, m *session.Manager, _ crashFixture) error {
		_, err := m.Logout(ctx, "a")
		return err
	}},
	{"logout of a shared key pair", []string{"b"}, nil, func(ctx context.Context, m *session.Manager, _ crashFixture) error {
		_, err := m.Logout(ctx, "b")
		return err
	}},
	{"logout expired", []string{"d"}, nil, func(ctx context.Context, m *session.Manager, _ crashFixture) error {
		_, err := logoutPicked(ctx, m, session.Pick{Expired: true})
		return err
	}},
	{"clear all", []string{"a", "b", "c", "d", "imp"}, nil, func(ctx context.Context, m *session.Manager, _ crashFixture) error {
		_, err := logoutPicked(ctx, m, session.Pick{All: true})
		return err
	}},
	{"clear unused key pairs", nil, nil, func(ctx context.Context, m *session.Manager, _ crashFixture) error {
		_, err := m.ClearUnusedKeyPairs(ctx, false)
		return err
	}},
	{"create key pair", nil, nil, func(ctx context.Context, m *session.Manager, _ crashFixture) error {
		_, err := m.CreateKeyPair(ctx)
		return err
	}},
	{"switch", nil, nil, func(ctx context.Context, m *session.Manager, _ crashFixture) error {
		return m.SetActive(ctx, "b")
	}},
}

func makeCrashFixture(t *testing.T, dir string) crashFixture {
	t.Helper()
	ctx := context.Background()
	past := time.Now().Add(-time.Hour)
	m := session.NewManager(store.NewFile(dir), store.NewFileKeys(dir)).WithClock(func() time.Time { return past })
	var fx crashFixture
	for _, k := range []*string{&fx.k1, &fx.k2, &fx.k3, &fx.k4} {
		pub, err := m.CreateKeyPair(ctx)
		if err != nil {
			t.Fatal(err)
		}
		*k = pub
	}
	notarizer, _, _ := session.NewPrivateKey()
	tok := func(pub string, exp time.Duration) string {
		s, err := session.NewToken(session.Claims{Expiry: time.Now().Add(exp), PublicKey: pub, Type: session.ReadWrite, UserID: "u", OrganizationID: "o"}, notarizer)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, s := range []struct {
		key, pub string
		exp      time.Duration
	}{{"b", fx.k2, time.Hour}, {"c", fx.k2, time.Hour}, {"d", fx.k3, -time.Minute}, {"imp", vectorPub, time.Hour}, {"a", fx.k1, time.Hour}} {
		if _, err := m.StoreSession(ctx, tok(s.pub, s.exp), s.key); err != nil {
			t.Fatal(err)
		}
	}
	fx.tokens = map[string]string{"e": tok(fx.k4, time.Hour), "a-on-k4": tok(fx.k4, time.Hour)}
	return fx
}

// crashChild runs one operation with a crash at step `at` (counting from
// 1); it exits with crashExit there. Without a crash it exits 0.
func crashChild(dir, op string, at int) error {
	fx, err := readFixture(dir)
	if err != nil {
		return err
	}
	step := 0
	crash := func(string) {
		if step++; step == at {
			os.Exit(crashExit)
		}
	}
	m := session.NewManager(crashStore{store.NewFile(dir), crash}, crashKeys{store.NewFileKeys(dir), crash})
	for _, o := range crashOps {
		if o.name == op {
			return o.run(context.Background(), m, fx)
		}
	}
	return fmt.Errorf("no operation %q", op)
}

// The fixture travels to the child in a file beside the store.
func writeFixture(dir string, fx crashFixture) error {
	lines := []string{fx.k1, fx.k2, fx.k3, fx.k4, fx.tokens["e"], fx.tokens["a-on-k4"]}
	return os.WriteFile(filepath.Join(dir, "fixture"), []byte(strings.Join(lines, "\n")), 0o600)
}

func readFixture(dir string) (crashFixture, error) {
	b, err := os.ReadFile(filepath.Join(dir, "fixture"))
	if err != nil {
		return crashFixture{}, err
	}
	l := strings.Split(string(b), "\n")
	return crashFixture{k1: l[0], k2: l[1], k3: l[2], k4: l[3], tokens: map[string]string{"e": l[4], "a-on-k4": l[5]}}, nil
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// countSteps runs op to the end, counting its durable steps.
func countSteps(t *testing.T, template, op string) int {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, template, dir)
	fx, _ := readFixture(dir)
	n := 0
	count := func(string) { n++ }
	m := session.NewManager(crashStore{store.NewFile(dir), count}, crashKeys{store.NewFileKeys(dir), count})
	for _, o := range crashOps {
		if o.name == op {
			if err := o.run(context.Background(), m, fx); err != nil {
				t.Fatalf("%s without a crash: %v", op, err)
			}
		}
	}
	return n
}

// checkAfterCrash checks what a crash left in dir, then that the next
// clear of unused key pairs leaves it exactly tidy.
func checkAfterCrash(dir string, before *session.State, mayGo, mayCome []string) error {
	ctx := context.Background()
	m := session.NewManager(store.NewFile(dir), store.NewFileKeys(dir))
	st, err := m.State(ctx)
	if err != nil {
		return fmt.Errorf("the store does not load: %w", err)
	}
	for k := range before.Sessions {
		if _, ok := st.Sessions[k]; !ok && !slices.Contains(mayGo, k) {
			return fmt.Errorf("session %q was lost", k)
		}
	}
	for k := range st.Sessions {
		if _, ok := before.Sessions[k]; !ok && !slices.Contains(mayCome, k) {
			return fmt.Errorf("session %q appeared", k)
		}
	}
	if st.Active != "" {
		if _, ok := st.Sessions[st.Active]; !ok {
			return fmt.Errorf("active %q is not stored", st.Active)
		}
	}
	keys := store.NewFileKeys(dir)
	for _, s := range st.List() {
		kp, ours := st.KeyPairs[s.PublicKey]
		if !ours {
			if s.PublicKey != vectorPub {
				return fmt.Errorf("session %q: its key pair is not indexed", s.Key)
			}
			continue
		}
		if kp.Deleting {
			return fmt.Errorf("session %q: its key pair is marked for deletion", s.Key)
		}
		if has, _ := keys.Has(ctx, s.PublicKey); !has {
			return fmt.Errorf("session %q: its private key is gone", s.Key)
		}
	}
	onDisk := func() []string {
		files, _ := filepath.Glob(filepath.Join(store.NewFileKeys(dir).Dir(), "*.private"))
		var pubs []string
		for _, f := range files {
			pubs = append(pubs, strings.TrimSuffix(filepath.Base(f), ".private"))
		}
		return pubs
	}
	for _, pub := range onDisk() {
		if _, ok := st.KeyPairs[pub]; !ok {
			return fmt.Errorf("private key %s is not in tkauth's index: it would never be deleted", session.Short(pub))
		}
	}
	if _, err := m.ClearUnusedKeyPairs(ctx, true); err != nil {
		return fmt.Errorf("clear unused after the crash: %w", err)
	}
	st, _ = m.State(ctx)
	var used []string
	for _, s := range st.Sessions {
		if _, ours := st.KeyPairs[s.PublicKey]; ours && !slices.Contains(used, s.PublicKey) {
			used = append(used, s.PublicKey)
		}
	}
	indexed := slices.Sorted(func(yield func(string) bool) {
		for pub := range st.KeyPairs {
			if !yield(pub) {
				return
			}
		}
	})
	slices.Sort(used)
	disk := onDisk()
	slices.Sort(disk)
	if !slices.Equal(indexed, used) || !slices.Equal(disk, used) {
		return fmt.Errorf("after clear unused: %d indexed, %d key files, %d used by sessions", len(indexed), len(disk), len(used))
	}
	return nil
}

func TestCrashAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per crash point")
	}
	template := t.TempDir()
	fx := makeCrashFixture(t, template)
	if err := writeFixture(template, fx); err != nil {
		t.Fatal(err)
	}
	before, err := store.NewFile(template).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tried, held := 0, 0
	for _, op := range crashOps {
		steps := countSteps(t, template, op.name)
		if steps == 0 {
			t.Errorf("%s: no durable step counted", op.name)
		}
		for at := 1; at <= steps; at++ {
			dir := t.TempDir()
			copyDir(t, template, dir)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashOpEnv+"="+op.name, crashAtEnv+"="+strconv.Itoa(at))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != crashExit {
				t.Errorf("%s, step %d: the child did not crash there (%v)\n%s", op.name, at, err, out)
				continue
			}
			tried++
			if err := checkAfterCrash(dir, before, op.mayGo, op.mayCome); err != nil {
				t.Errorf("%s, crash at step %d of %d: %v", op.name, at, steps, err)
				continue
			}
			held++
		}
	}
	t.Logf("crash points: %d tried, %d held", tried, held)
}
