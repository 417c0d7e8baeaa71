package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

func TestCheckKey(t *testing.T) {
	for _, key := range []string{"acme/admin", session.DefaultKey, "équipe/日本", strings.Repeat("k", session.MaxKeyLength)} {
		if err := session.CheckKey(key); err != nil {
			t.Errorf("CheckKey(%q) = %v", key, err)
		}
	}
	for key, says := range map[string]string{
		"":                  "empty",
		"a\xffb":            "not UTF-8",
		"\xfe":              "not UTF-8",
		"evil\x1b[2J":       "character U+001B at byte 5",
		"tab\tkey":          "U+0009",
		"new\nline":         "U+000A",
		"c1\u0085":          "U+0085",
		"rtl\u202e":         "U+202E",
		"zero\u200bwidth":   "U+200B",
		"soft\u00adhyphen":  "U+00AD",
		"word\u2060joiner":  "U+2060",
		"zw\u200djoiner":    "U+200D",
		"cgj\u034f":         "U+034F",
		"tag\U000e0041":     "U+E0041",
		"line\u2028sep":     "U+2028",
		"para\u2029sep":     "U+2029",
		"no\u00a0break":     "U+00A0",
		"ideographic\u3000": "U+3000",
		"vs\ufe0f":          "U+FE0F",
		"filler\u3164":      "U+3164",
		strings.Repeat("k", session.MaxKeyLength+1): "129 characters; the most is 128",
	} {
		err := session.CheckKey(key)
		if !errors.Is(err, session.ErrInvalidKey) || !strings.Contains(err.Error(), says) {
			t.Errorf("CheckKey(%q) = %v, want ErrInvalidKey saying %q", key, err, says)
		}
	}
}

// A session key the store could not keep as it is (not UTF-8: two such
// keys would read back as one, and the store as corrupt), or one that
// could not be typed back, is refused and nothing is stored.
func TestStoreRefusesBadSessionKeys(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.keyPair()
	f.add("good", a)
	for _, key := range []string{"bad\xff", "bad\xfe", "bell\a"} {
		if _, err := f.m.StoreSession(ctx, f.token(a, time.Hour), key); !errors.Is(err, session.ErrInvalidKey) {
			t.Errorf("StoreSession under %q: %v, want ErrInvalidKey", key, err)
		}
	}
	f.check([]string{"good"}, "good", []string{a}, nil)
}

func TestPasted(t *testing.T) {
	tok := jwt(goodPayload)
	for name, in := range map[string]string{
		"bare":                      tok,
		"white space around":        "\n\t " + tok + " \r\n",
		"Bearer":                    "Bearer " + tok,
		"bearer, any case":          "bEaReR   " + tok + "\n",
		"a JSON string":             `"` + tok + `"`,
		"an object's token field":   `{"token": "` + tok + `", "other": 1}`,
		"an object's session field": "{\n  \"session\": \"" + tok + "\"\n}\n",
		"both fields, alike":        `{"token":"` + tok + `","session":"` + tok + `"}`,
		"wrapped, indented":         "  " + tok[:40] + "\n  " + tok[40:80] + "\r\n  " + tok[80:] + "\n",
	} {
		got, err := session.Pasted(in)
		if err != nil || got != tok {
			t.Errorf("%s: Pasted = %.20q, %v; want the bare token", name, got, err)
		}
		if _, err := session.Parse(got); err != nil {
			t.Errorf("%s: the token does not parse: %v", name, err)
		}
	}
	for name, tt := range map[string]struct{ in, says string }{
		"empty":                   {" \n", "the input was empty"},
		"lines, not only a token": {tok[:40] + "\n" + "and some words", "the input has 2 lines, and not only a token's characters"},
		"an object without it":    {`{"jwt":"` + tok + `"}`, `no "token" or "session" field`},
		"a field not a string":    {`{"token":42}`, `"token" field is not a string`},
		"fields that differ":      {`{"token":"` + tok + `","session":"x"}`, "they differ"},
		"broken JSON":             {`{"token":`, "is not a JSON object"},
		"an unterminated quote":   {`"` + tok, "is not a JSON string"},
	} {
		_, err := session.Pasted(tt.in)
		if !errors.Is(err, session.ErrMalformedToken) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: Pasted = %v, want ErrMalformedToken saying %q", name, err, tt.says)
		}
	}
	// What Pasted leaves that is still not a token, Parse refuses, saying what.
	got, _ := session.Pasted("Token " + tok)
	if _, err := session.Parse(got); err == nil || !strings.Contains(err.Error(), "a space at byte 6") {
		t.Errorf("a token after another word: %v", err)
	}
}

// With a key form (the front end gives Unicode's NFC; here, lower case), a
// new key must be in it, and one that looks like a stored key, once both
// are in it and rid of invisible characters, is taken: a store an older
// tkauth wrote may hold such keys, which stay usable.
func TestKeysThatLookAlike(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.m.WithKeyForm(strings.ToLower)
	legacy := func(key string) {
		err := store.NewFile(f.dir).Update(ctx, func(st *session.State, commit session.Commit) error {
			st.Sessions[key] = &session.Session{Key: key, Token: "t", Claims: session.Claims{PublicKey: "02" + strings.Repeat("cd", 32)}}
			return commit()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	pub := f.keyPair()
	tok := f.token(pub, time.Hour)
	if _, err := f.m.StoreSession(ctx, tok, "Acme"); !errors.Is(err, session.ErrInvalidKey) || !strings.Contains(err.Error(), `in which it reads "acme"`) {
		t.Errorf("a key not in the form: %v", err)
	}
	legacy("ACME")
	legacy("glo\u00adbex")
	for _, key := range []string{"acme", "globex"} {
		if _, err := f.m.StoreSession(ctx, tok, key); !errors.Is(err, session.ErrExists) || !strings.Contains(err.Error(), "looks the same as the stored") {
			t.Errorf("%s beside a look-alike: %v", key, err)
		}
	}
	if _, err := f.m.StoreSession(ctx, tok, "ACME"); err != nil {
		t.Errorf("replacing the stored look-alike itself: %v", err)
	}
	if err := f.m.Rename(ctx, "ACME", "acme"); err != nil {
		t.Errorf("renaming a look-alike to the form: %v", err)
	}
	if err := f.m.Rename(ctx, "acme", "globex"); !errors.Is(err, session.ErrExists) {
		t.Errorf("renaming onto a look-alike: %v", err)
	}
}
