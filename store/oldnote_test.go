package store

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// oldStore writes st as an older tkauth did, with a generation in the
// file's header, and returns the store and that generation.
func oldStore(t *testing.T, st *session.State) (*File, string) {
	t.Helper()
	const gen = "00c0ffee00c0ffee"
	f := NewFile(t.TempDir())
	data, err := Encode(st)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(data), `{"version":1`, `{"version":1,"gen":"`+gen+`"`, 1)
	if err := os.WriteFile(f.Path(), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	return f, gen
}

// A store an older tkauth left with a logout note beside it reads as that
// logout meant: the key pairs the note names, and the file marks Deleting,
// are gone. The next write takes that in and removes the note.
func TestAnOldLogoutNoteIsReadOnce(t *testing.T) {
	ctx := context.Background()
	st := sampleState() // a's key pair is marked Deleting
	aPub := "02" + strings.Repeat("aa", 32)
	bPub := st.Sessions["b"].PublicKey
	st.KeyPairs[bPub] = session.KeyPair{PublicKey: bPub, KeyStore: "file", CreatedAt: time.Now().UTC()}
	f, gen := oldStore(t, st)
	note := `{"gen":"` + gen + `","deleted":["` + aPub + `","` + bPub + `"]}` + "\n"
	if err := os.WriteFile(f.oldNotePath(), []byte(note), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := f.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.KeyPairs[aPub]; ok {
		t.Error("the note's key pair, marked Deleting, is still listed")
	}
	if _, ok := got.KeyPairs[bPub]; !ok {
		t.Error("the note dropped a key pair the file does not mark Deleting")
	}
	if len(got.Sessions) != 2 || got.Active != "b" {
		t.Errorf("the old file read as %+v", got)
	}
	if err := f.Update(ctx, func(_ *session.State, commit session.Commit) error { return commit() }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(f.oldNotePath()); !os.IsNotExist(err) {
		t.Errorf("the note is still there after a write: %v", err)
	}
	data, _ := os.ReadFile(f.Path())
	_, pairs, _ := strings.Cut(string(data), `"keyPairs"`)
	if strings.Contains(pairs, aPub) || strings.Contains(string(data), `"gen"`) {
		t.Errorf("the file written after the note:\n%s", data)
	}
	noLeftovers(t, f.Dir())
}
