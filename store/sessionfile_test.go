package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

func sampleState() *session.State {
	st := session.NewState()
	exp := time.Date(2026, 11, 25, 12, 15, 0, 0, time.UTC)
	stored := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	st.Sessions["a"] = &session.Session{Key: "a", Token: "tok.a.sig", Claims: session.Claims{
		Expiry: exp, PublicKey: "02" + strings.Repeat("aa", 32), Type: session.ReadWrite, UserID: "u", OrganizationID: "o", Scope: "s",
	}, Verified: true, StoredAt: stored}
	st.Sessions["b"] = &session.Session{Key: "b", Token: "tok.b.sig", Claims: session.Claims{
		Expiry: exp, PublicKey: "03" + strings.Repeat("bb", 32), Type: session.ReadOnly, UserID: "u2", OrganizationID: "o", SessionProfileID: "p",
	}, StoredAt: stored}
	st.Active = "b"
	st.KeyPairs["02"+strings.Repeat("aa", 32)] = session.KeyPair{PublicKey: "02" + strings.Repeat("aa", 32), KeyStore: "system", CreatedAt: stored, Deleting: true}
	return st
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	want := sampleState()
	data, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Encode(got)
	if string(again) != string(data) {
		t.Errorf("round trip changed the file:\n%s\nthen\n%s", data, again)
	}
	pub := "02" + strings.Repeat("aa", 32)
	if got.Active != "b" || *got.Sessions["a"] != *want.Sessions["a"] || *got.Sessions["b"] != *want.Sessions["b"] || got.KeyPairs[pub] != want.KeyPairs[pub] {
		t.Errorf("decoded %+v", got)
	}
}

func TestLoadMissingIsEmpty(t *testing.T) {
	st, err := NewFile(filepath.Join(t.TempDir(), "nothing-here")).Load(context.Background())
	if err != nil || len(st.Sessions) != 0 || st.Active != "" {
		t.Fatalf("Load = %+v, %v", st, err)
	}
}

// A file tkauth cannot take as it is gives an error naming it, and is never
// overwritten, not even by a change that would not touch what is broken.
func TestBadFileIsReportedAndKept(t *testing.T) {
	tests := []struct {
		name, content string
		want          error
		says          string
	}{
		{"not JSON", "{\"version\": 1, \"sess", ErrCorrupt, "session file is corrupt"},
		{"no version", `{"sessions": []}`, ErrCorrupt, "no format version"},
		{"newer version", `{"version": 2, "sessions": [], "somethingNew": true}`, ErrNewerVersion, "format version 2; this tkauth reads up to 1"},
		{"duplicate session", `{"version":1,"sessions":[{"sessionKey":"a","token":"t","publicKey":"p"},{"sessionKey":"a","token":"t","publicKey":"p"}]}`, ErrCorrupt, `"a" appears twice`},
		{"dangling active", `{"version":1,"active":"x","sessions":[]}`, ErrCorrupt, `active session "x" is not stored`},
		{"session without token", `{"version":1,"sessions":[{"sessionKey":"a","publicKey":"p"}]}`, ErrCorrupt, "lacks its key, token or public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			f := NewFile(dir)
			if err := os.WriteFile(f.Path(), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := f.Load(context.Background())
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), f.Path()) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Load err = %v; want %v, naming %s and saying %q", err, tt.want, f.Path(), tt.says)
			}
			called := false
			err = f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
				called = true
				return commit()
			})
			if !errors.Is(err, tt.want) || called {
				t.Fatalf("Update err = %v, fn called %v", err, called)
			}
			if b, _ := os.ReadFile(f.Path()); string(b) != tt.content {
				t.Errorf("file changed to %q", b)
			}
		})
	}
}

// Many writers at once, each adding its own sessions: none is lost.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	f := NewFile(t.TempDir())
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				key := fmt.Sprintf("w%d-%d", w, i)
				errs <- f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
					st.Sessions[key] = &session.Session{Key: key, Token: "t", Claims: session.Claims{PublicKey: "p"}}
					return commit()
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st, err := f.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Sessions) != writers*each {
		t.Errorf("%d sessions stored, want %d", len(st.Sessions), writers*each)
	}
}

func TestFileKeys(t *testing.T) {
	ctx := context.Background()
	k := NewFileKeys(t.TempDir())
	pub := "03" + strings.Repeat("0f", 32)
	if _, err := k.Get(ctx, pub); !errors.Is(err, session.ErrKeyNotFound) {
		t.Fatalf("Get before Put: %v", err)
	}
	if err := k.Put(ctx, pub, "priv"); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get(ctx, pub); got != "priv" || err != nil {
		t.Fatalf("Get = %q, %v", got, err)
	}
	for range 2 { // the second delete finds nothing, and that is done too
		if err := k.Delete(ctx, pub); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.Put(ctx, "../../etc/passwd", "x"); err == nil {
		t.Fatal("a public key that is a path was accepted")
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := Encode(sampleState())
	f.Add(good)
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"active":"a","sessions":[{"sessionKey":"a","token":"t","publicKey":"p"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Decode(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNewerVersion) {
				t.Fatalf("error %v is neither ErrCorrupt nor ErrNewerVersion", err)
			}
			return
		}
		// Whatever decodes, encodes and decodes to the same thing.
		again, err := Encode(st)
		if err != nil {
			t.Fatal(err)
		}
		st2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-decoding what was encoded: %v", err)
		}
		if st2.Active != st.Active || len(st2.Sessions) != len(st.Sessions) || len(st2.KeyPairs) != len(st.KeyPairs) {
			t.Fatal("round trip changed the state")
		}
		if st.Active != "" {
			if _, ok := st.Sessions[st.Active]; !ok {
				t.Fatal("active session not stored")
			}
		}
	})
}

func TestTrailingDataIsCorrupt(t *testing.T) {
	good, _ := Encode(sampleState())
	if _, err := Decode(append(good, []byte(`{"version":1}`)...)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if _, err := Decode(append(good, []byte("\n\n")...)); err != nil {
		t.Fatalf("trailing white space: %v", err)
	}
}
