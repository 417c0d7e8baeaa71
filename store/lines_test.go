package store

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// stateOf is a state of n sessions, each with a key pair of its own; its
// text has escapes, text past ASCII and HTML's characters in places.
func stateOf(n int) *session.State {
	st := session.NewState()
	exp := time.Date(2026, 11, 25, 12, 15, 0, 0, time.UTC)
	for i := range n {
		key := fmt.Sprintf("org-%03d/user-%05d", i%7, i)
		switch i % 5 {
		case 1:
			key += ` "quoted" \ <b>&`
		case 2:
			key += " ünïcödé ✓"
		}
		pub := fmt.Sprintf("02%064x", i+1)
		s := &session.Session{Key: key, Token: "tok." + strings.Repeat("x", i%50) + ".sig", Claims: session.Claims{
			Expiry: exp.Add(time.Duration(i) * time.Second), PublicKey: pub, Type: session.ReadWrite, UserID: "u\n\"line\"\t", OrganizationID: "o",
		}, Verified: i%2 == 0, StoredAt: exp.Add(-time.Hour)}
		if i%3 == 0 {
			s.SessionProfileID, s.Scope, s.APIBaseURL = "profile", "scope", "https://api.turnkey.com"
		}
		st.Sessions[key] = s
		st.KeyPairs[pub] = session.KeyPair{PublicKey: pub, KeyStore: "file", CreatedAt: exp.Add(-time.Hour), Deleting: i%4 == 1, Unclaimed: i%4 == 2}
		switch i {
		case n / 2:
			st.Active = key
		case n / 3:
			st.Previous = key
		}
	}
	return st
}

// equalStates says whether a and b encode alike: the same state.
func equalStates(t *testing.T, a, b *session.State) bool {
	t.Helper()
	ea, err := Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := Encode(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(ea, eb)
}

// Every file tkauth writes is read a line at a time, to the state walk
// reads, and the encodings kept are those a fresh encode makes.
func TestDecodeLinesReadsWhatEncodeWrites(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 101} {
		want := stateOf(n)
		if n == 0 {
			want.KeyPairs["02aa"] = session.KeyPair{PublicKey: "02aa", KeyStore: "system"}
		}
		var b bytes.Buffer
		if err := encode(&b, want, &encCache{}, "0123456789abcdef"); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		got, cache, err := decodeLines(string(data))
		if err != nil {
			t.Fatalf("%d sessions: %v", n, err)
		}
		whole, err := decodeWalk(bytes.NewReader(data), false)
		if err != nil {
			t.Fatal(err)
		}
		if !equalStates(t, got, whole) || !equalStates(t, got, want) {
			t.Errorf("%d sessions: read another state", n)
		}
		if len(got.Sessions) > 0 && !slices.Equal(got.Order, want.Keys()) {
			t.Errorf("%d sessions: the order read is %q", n, got.Order)
		}
		var again bytes.Buffer
		if err := encode(&again, got, cache, "0123456789abcdef"); err != nil || !bytes.Equal(again.Bytes(), data) {
			t.Errorf("%d sessions: encoding with the encodings read gives another file (%v)", n, err)
		}
		listed, err := decodeLinesFrom(bytes.NewReader(data), int64(len(data)))
		if err != nil || len(listed.Sessions) != n || (n > 0 && !slices.Equal(listed.Order, want.Keys())) {
			t.Fatalf("%d sessions without tokens: %v", n, err)
		}
		for _, s := range listed.Sessions {
			if s.Token != "" {
				t.Fatal("a token was kept")
			}
		}
	}
}

// What is not laid out as encode writes it is left to walk, which says
// what is wrong, or reads it.
func TestDecodeLinesLeavesTheRestToWalk(t *testing.T) {
	data, _ := Encode(stateOf(10))
	s := string(data)
	for name, in := range map[string]string{
		"white space":                   strings.Replace(s, `"token":`, `"token": `, 1),
		"a field in another case":       strings.Replace(s, `"sessionKey"`, `"SessionKey"`, 1),
		"a field twice":                 strings.Replace(s, `"scope":"scope"`, `"scope":"scope","scope":"other"`, 1),
		"a field it does not know":      strings.Replace(s, `"scope":"scope"`, `"scope":"scope","extra":1`, 1),
		"a null":                        strings.Replace(s, `"userId":"u\n\"line\"\t"`, `"userId":null`, 1),
		"an expiry with a fraction":     strings.Replace(s, `"expiry":1795608900`, `"expiry":1795608900.5`, 1),
		"an expiry with a leading zero": strings.Replace(s, `"expiry":1795608900`, `"expiry":01795608900`, 1),
		"a session key twice":           strings.Replace(s, `"sessionKey":"org-003/user-00003"`, `"sessionKey":"org-002/user-00009"`, 1),
		"no line break at the end":      strings.TrimSuffix(s, "\n"),
		"blank lines at the end":        s + "\n\n",
		"a newer version":               strings.Replace(s, `{"version":1,`, `{"version":9,`, 1),
		"the active session not stored": strings.Replace(s, `"active":"org-005/user-00005"`, `"active":"nobody"`, 1),
		"a comma after the last":        strings.Replace(s, "}\n],\"keyPairs\"", "},\n],\"keyPairs\"", 1),
		"invalid UTF-8":                 strings.Replace(s, "ünïcödé", "\xff\xfe", 1),
		"pretty-printed":                strings.ReplaceAll(s, ",", ",\n  "),
	} {
		if in == s {
			t.Fatalf("%s: the case changed nothing", name)
		}
		if _, _, err := decodeLines(in); err == nil {
			t.Errorf("%s: read a line at a time", name)
		}
		if _, err := decodeLinesFrom(strings.NewReader(in), int64(len(in))); err == nil {
			t.Errorf("%s: read a line at a time without tokens", name)
		}
	}
}

// Whatever decodeLines reads, walk reads too, to the same state.
func FuzzDecodeLines(f *testing.F) {
	for _, n := range []int{0, 1, 2, 5} {
		data, _ := Encode(stateOf(n))
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, _, err := decodeLines(string(data))
		if err != nil {
			return
		}
		listed, err := decodeLinesFrom(bytes.NewReader(data), int64(len(data)))
		if err != nil || len(listed.Sessions) != len(st.Sessions) {
			t.Fatalf("read whole, but not a line at a time without tokens: %v", err)
		}
		whole, err := decodeWalk(bytes.NewReader(data), false)
		if err != nil {
			t.Fatalf("read a line at a time, refused by walk: %v", err)
		}
		if !equalStates(t, st, whole) {
			t.Fatal("lines and walk read different states")
		}
	})
}

// Whatever activeLine finds, a whole decode of the same file finds too,
// when it takes the file.
func FuzzActiveLine(f *testing.F) {
	for _, n := range []int{0, 1, 3} {
		data, _ := Encode(stateOf(n))
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, ok := activeLine(data)
		if !ok {
			return
		}
		st, err := Decode(data)
		if err != nil {
			return // activeLine reads no further than the active session's line
		}
		want := st.Sessions[st.Active]
		if (s == nil) != (want == nil) || (s != nil && *s != *want) {
			t.Fatalf("activeLine found %+v, the whole file %+v", s, want)
		}
	})
}
