package store

import (
	"bytes"
	"context"
	"encoding/json"
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

// Active reads what Load would say of the active session, decoding only
// its line, whatever its key holds; a file laid out otherwise is read
// whole.
func TestActiveReadsOneLine(t *testing.T) {
	ctx := context.Background()
	for _, active := range []string{"b", `we<ird> & "quoted" / ключ`, ""} {
		f := NewFile(t.TempDir())
		err := f.Update(ctx, func(st *session.State, commit session.Commit) error {
			*st = *sampleState()
			if active != "b" {
				s := *st.Sessions["b"]
				s.Key = active
				delete(st.Sessions, "b")
				if active != "" {
					st.Sessions[active] = &s
				}
			}
			st.Active = active
			return commit()
		})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Load(ctx)
		got, err := f.Active(ctx)
		if want := st.Sessions[st.Active]; err != nil || (want == nil) != (got == nil) || (want != nil && *got != *want) {
			t.Errorf("active %q: Active = %+v, %v; want %+v", active, got, err, want)
		}
	}
	// Laid out otherwise (by hand, say): read whole, the same answer.
	f := NewFile(t.TempDir())
	data, _ := Encode(sampleState())
	var pretty bytes.Buffer
	json.Indent(&pretty, data, "", "  ")
	os.MkdirAll(f.Dir(), 0o700)
	os.WriteFile(f.Path(), pretty.Bytes(), 0o600)
	if got, err := f.Active(ctx); err != nil || got == nil || got.Key != "b" {
		t.Errorf("an indented file: %+v, %v", got, err)
	}
}
