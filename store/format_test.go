package store

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

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

// The encodings a File keeps between writes give the bytes a fresh
// encoding gives, whatever was added, changed, renamed or removed.
func TestEncodeCacheMatchesAFreshEncoding(t *testing.T) {
	st := session.NewState()
	var c encCache
	put := func(key string, exp time.Duration) {
		s := &session.Session{Key: key, Token: "t." + key, Claims: session.Claims{PublicKey: "02" + key, Expiry: time.Unix(1e9, 0).Add(exp), Type: session.ReadWrite}}
		st.Sessions[key] = s
		st.KeyPairs[s.PublicKey] = session.KeyPair{PublicKey: s.PublicKey, KeyStore: "file"}
	}
	check := func(step string) {
		t.Helper()
		var cached bytes.Buffer
		if err := encode(&cached, st, &c, ""); err != nil {
			t.Fatal(err)
		}
		fresh, err := Encode(st)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cached.Bytes(), fresh) {
			t.Fatalf("%s: the cached encoding differs:\n%s\nwant\n%s", step, cached.Bytes(), fresh)
		}
	}
	for _, k := range []string{"m", "c", "x"} {
		put(k, time.Hour)
	}
	check("first")
	put("a", time.Hour)
	put("z", time.Hour)
	put("n", time.Hour)
	check("added at both ends and between")
	put("m", 2*time.Hour)
	check("replaced")
	delete(st.Sessions, "c")
	kp := st.KeyPairs["02x"]
	kp.Deleting = true
	st.KeyPairs["02x"] = kp
	check("removed one, marked a key pair")
	st.Sessions["b"] = st.Sessions["n"]
	delete(st.Sessions, "n")
	check("renamed")
	st.Sessions, st.KeyPairs = map[string]*session.Session{}, map[string]session.KeyPair{}
	check("emptied")
}
