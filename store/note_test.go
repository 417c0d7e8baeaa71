package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// noteFixture is a store of two sessions on two key pairs of the file key
// store, with its manager.
func noteFixture(t *testing.T) (*File, *session.Manager, *session.State) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	f, ks := NewFile(dir), NewFileKeys(dir)
	m := session.NewManager(f, ks)
	for _, k := range []string{"a", "b"} {
		pub, err := m.CreateKeyPair(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s := &session.Session{Key: k, Token: "tok." + k + ".sig", Claims: session.Claims{
			PublicKey: pub, Expiry: time.Now().Add(time.Hour), UserID: "u", OrganizationID: "o", Type: session.ReadWrite,
		}, StoredAt: time.Now()}
		if _, err := m.Put(ctx, *s, k); err != nil {
			t.Fatal(err)
		}
	}
	st, err := f.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return f, m, st
}

func loadFresh(t *testing.T, dir string) *session.State {
	t.Helper()
	st, err := NewFile(dir).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// The last step of a logout, dropping the key pairs whose keys are
// deleted, goes in the note and not in a second write of the file; every
// reader sees it, and the next write of the file folds it in.
func TestTheLastStepOfALogoutIsANote(t *testing.T) {
	ctx := context.Background()
	f, m, st := noteFixture(t)
	pubA := st.Sessions["a"].PublicKey
	if _, err := m.Logout(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(f.Path())
	if !strings.Contains(string(data), `"deleting":true`) {
		t.Fatalf("the file was written a second time; want the logout's first step only:\n%s", data)
	}
	if _, err := os.Stat(f.notePath()); err != nil {
		t.Fatalf("no note: %v", err)
	}
	for name, got := range map[string]*session.State{"load": loadFresh(t, f.Dir()), "cached": must(f.Load(ctx)), "listing": must(NewFile(f.Dir()).Listing(ctx))} {
		if _, ok := got.KeyPairs[pubA]; ok || len(got.KeyPairs) != 1 || len(got.Sessions) != 1 {
			t.Errorf("%s: key pairs %v, sessions %d; want b's key pair alone", name, got.KeyPairs, len(got.Sessions))
		}
	}
	// Another store value (another process) that read the state before
	// the note sees the note once it is there.
	other := NewFile(f.Dir())
	if err := m.Rename(ctx, "b", "c"); err != nil {
		t.Fatal(err)
	}
	if got := f.readNote(readGenOf(t, f)); got != nil {
		t.Errorf("the note applies to the next write of the file too: %v", got)
	}
	data, _ = os.ReadFile(f.Path())
	if strings.Contains(string(data), pubA) {
		t.Error("the next write kept the deleted key pair")
	}
	if got := must(other.Load(ctx)); len(got.KeyPairs) != 1 || got.Sessions["c"] == nil {
		t.Errorf("after the next write: %v, sessions %v", got.KeyPairs, got.Keys())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A process that read the file between a logout's first step and its
// note sees the note: the cache knows the note as well as the file.
func TestTheCacheKnowsTheNote(t *testing.T) {
	ctx := context.Background()
	f, _, st := noteFixture(t)
	reader := NewFile(f.Dir())
	var between *session.State
	keys := hookKeys{FileKeys: NewFileKeys(f.Dir()), onDelete: func() { between = must(reader.Load(ctx)) }}
	if _, err := session.NewManager(NewFile(f.Dir()), keys).Logout(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	pubA := st.Sessions["a"].PublicKey
	if between == nil || !between.KeyPairs[pubA].Deleting {
		t.Fatalf("between the steps the reader saw %v", between)
	}
	if got := must(reader.Load(ctx)); len(got.KeyPairs) != 1 || got.KeyPairs[pubA].PublicKey != "" {
		t.Errorf("after the note the reader still sees %v", got.KeyPairs)
	}
}

// hookKeys calls onDelete before each Delete.
type hookKeys struct {
	*FileKeys
	onDelete func()
}

func (k hookKeys) Delete(ctx context.Context, pub string) error {
	k.onDelete()
	return k.FileKeys.Delete(ctx, pub)
}

// A note is trusted only as far as it cannot drop a key pair whose key is
// still there: for another generation, for a pair not marked Deleting,
// damaged, unsafe or not a regular file, it is ignored, and the marks
// stand until a prune.
func TestANoteIsTrustedOnlyForWhatItCanSay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := NewFile(dir)
	st := sampleState() // a's key pair is marked Deleting
	delete(st.Sessions, "a")
	bPub := st.Sessions["b"].PublicKey
	st.KeyPairs[bPub] = session.KeyPair{PublicKey: bPub, KeyStore: "file", CreatedAt: time.Now()}
	if err := f.Update(ctx, func(s *session.State, commit session.Commit) error {
		*s = *st
		return commit()
	}); err != nil {
		t.Fatal(err)
	}
	aPub := "02" + strings.Repeat("aa", 32)
	gen := readGenOf(t, f)
	write := func(content string, mode os.FileMode) {
		t.Helper()
		os.Remove(f.notePath())
		if err := os.WriteFile(f.notePath(), []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(f.notePath(), mode)
	}
	kept := func(what string, pubs ...string) {
		t.Helper()
		got := loadFresh(t, dir)
		for _, p := range pubs {
			if _, ok := got.KeyPairs[p]; !ok {
				t.Errorf("%s: dropped %s", what, p[:6])
			}
		}
	}
	whole := `{"gen":"` + gen + `","deleted":["` + aPub + `","` + bPub + `"]}`

	write(`{"gen":"0123456789abcdef","deleted":["`+aPub+`"]}`, 0o600)
	kept("a note for another generation", aPub)
	write(whole[:len(whole)-3], 0o600)
	kept("a torn note", aPub)
	write("", 0o600)
	kept("an empty note", aPub)
	write(whole, 0o622)
	kept("a note others can write", aPub)
	os.Remove(f.notePath())
	if err := syscall.Mkfifo(f.notePath(), 0o600); err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() bool { kept("a named pipe", aPub); return true })
	os.Remove(f.notePath())

	write(whole, 0o600)
	got := loadFresh(t, dir)
	if _, ok := got.KeyPairs[aPub]; ok {
		t.Error("a whole note for this generation did not drop the pair marked Deleting")
	}
	kept("a note naming a pair not marked Deleting", bPub)
}

func readGenOf(t *testing.T, f *File) string {
	t.Helper()
	file, err := os.Open(f.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	gen := readGen(file)
	if gen == "" {
		t.Fatal("no generation stamp")
	}
	return gen
}

// A commit marked Recoverable that changes more than dropping key pairs
// marked Deleting is written to the file, as any commit.
func TestOtherRecoverableCommitsAreWritten(t *testing.T) {
	ctx := context.Background()
	f, _, st := noteFixture(t)
	pubA := st.Sessions["a"].PublicKey
	err := f.Update(ctx, func(s *session.State, commit session.Commit) error {
		kp := s.KeyPairs[pubA]
		kp.Deleting = true
		s.KeyPairs[pubA] = kp
		if err := commit(); err != nil {
			return err
		}
		delete(s.KeyPairs, pubA)
		delete(s.Sessions, "a") // more than the note can say
		return commit(session.Recoverable)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.notePath()); !os.IsNotExist(err) {
		t.Errorf("a note was written: %v", err)
	}
	data, _ := os.ReadFile(filepath.Clean(f.Path()))
	if strings.Contains(string(data), pubA) {
		t.Error("the file still holds the key pair")
	}
}

// A note that cannot be written (a directory in its place) leaves the
// logout's last step to a write of the file, as before notes.
func TestANoteThatCannotBeWrittenIsAWriteOfTheFile(t *testing.T) {
	ctx := context.Background()
	f, m, st := noteFixture(t)
	if err := os.Mkdir(f.notePath(), 0o700); err != nil {
		t.Fatal(err)
	}
	res, err := m.Logout(ctx, "a")
	if err != nil || res.Unrecorded != nil {
		t.Fatalf("logout: %+v, %v", res, err)
	}
	data, _ := os.ReadFile(f.Path())
	if strings.Contains(string(data), st.Sessions["a"].PublicKey) {
		t.Error("the file still lists the deleted key pair")
	}
}
