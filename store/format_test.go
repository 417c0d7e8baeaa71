package store

import (
	"context"
	"os"
	"slices"
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

// The Auth Proxy configurations remembered round-trip in order, one a
// line after the key pairs; a file without them (every file before them)
// reads as none, and writes as it was; entries with no ID or listed twice
// are dropped, as a "previous" pointing nowhere is.
func TestAuthProxiesInTheFile(t *testing.T) {
	st := session.NewState()
	used := []session.AuthProxyConfig{
		{ID: "cfg-b", URL: "https://authproxy.turnkey.com", UsedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)},
		{ID: "cfg-a", UsedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)},
	}
	st.AuthProxies = used
	data, err := Encode(st)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":1,"active":"","sessions":[
],"keyPairs":[
],"authProxies":[
{"configId":"cfg-b","url":"https://authproxy.turnkey.com","usedAt":"2026-12-01T10:00:00Z"},
{"configId":"cfg-a","usedAt":"2026-11-01T10:00:00Z"}
]}
`
	if string(data) != want {
		t.Fatalf("encoded:\n%s\nwant:\n%s", data, want)
	}
	back, err := Decode(data)
	if err != nil || !slices.Equal(back.AuthProxies, used) {
		t.Fatalf("decoded %+v, %v", back, err)
	}
	old := []byte("{\"version\":1,\"active\":\"\",\"sessions\":[\n],\"keyPairs\":[\n]}\n")
	if st, err := Decode(old); err != nil || st.AuthProxies != nil {
		t.Fatalf("a file without them: %+v, %v", st, err)
	} else if again, _ := Encode(st); string(again) != string(old) {
		t.Errorf("a file without them written as:\n%s", again)
	}
	messy := `{"version":1,"sessions":[],"keyPairs":[],"authProxies":[{"configId":""},{"configId":"x","url":"u"},{"configId":"x","url":"u"},{"configId":"x"}]}`
	if st, err := Decode([]byte(messy)); err != nil || len(st.AuthProxies) != 2 || st.AuthProxies[0].URL != "u" || st.AuthProxies[1].URL != "" {
		t.Errorf("entries with no ID or twice: %+v, %v", st, err)
	}
}
