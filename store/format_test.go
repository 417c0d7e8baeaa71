package store

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/session"
)

// The store never writes a file it would then refuse: text that is not
// UTF-8 would come back changed (two keys "a\xff" and "a\xfe" both as
// "a\uFFFD": one key twice, a corrupt file).
func TestNeverWritesWhatItCannotReadBack(t *testing.T) {
	ctx := context.Background()
	f := NewFile(t.TempDir())
	if err := f.Update(ctx, func(st *session.State, commit session.Commit) error {
		st.Sessions["ok"] = &session.Session{Key: "ok", Token: "t", Claims: session.Claims{PublicKey: "02" + strings.Repeat("aa", 32)}}
		return commit()
	}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(f.Path())
	err := f.Update(ctx, func(st *session.State, commit session.Commit) error {
		for _, k := range []string{"a\xff", "a\xfe"} {
			st.Sessions[k] = &session.Session{Key: k, Token: "t", Claims: session.Claims{PublicKey: "02" + strings.Repeat("aa", 32)}}
		}
		return commit()
	})
	if err == nil || !strings.Contains(err.Error(), "not UTF-8") {
		t.Fatalf("writing keys that are not UTF-8: %v", err)
	}
	if after, _ := os.ReadFile(f.Path()); string(after) != string(before) {
		t.Error("the refused write changed the file")
	}
	if _, err := f.Load(ctx); err != nil {
		t.Errorf("the store no longer loads: %v", err)
	}
}
