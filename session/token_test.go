package session_test

import (
	"crypto/ecdsa"
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// The compressed public key of TURNKEY.md's key vector: a valid point.
const vectorPub = "02f739f8c77b32f4d5f13265861febd76e7a9c61a1140d296b8c16302508870316"

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// hdr and sig are Turnkey's header and a junk signature of the right size.
var hdr, sig = b64(`{"alg":"ES256","typ":"JWT"}`), b64(strings.Repeat("s", 64))

// jwt assembles a token from a raw JSON payload, with a junk signature.
func jwt(payload string) string { return hdr + "." + b64(payload) + "." + sig }

const goodPayload = `{"exp":1900000000,"public_key":"` + vectorPub + `","session_type":"SESSION_TYPE_READ_ONLY","user_id":"u-1","organization_id":"o-1"}`

func TestParseClaims(t *testing.T) {
	s, err := session.Parse(jwt(`{"exp":1900000000.5,"public_key":"` + strings.ToUpper(vectorPub) + `","session_type":"SESSION_TYPE_READ_WRITE","user_id":"u-1","organization_id":"o-1","session_profile_id":"p-1","scope":"s"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := session.Claims{
		Expiry: time.Unix(1900000000, 0).UTC(), PublicKey: vectorPub, Type: session.ReadWrite,
		UserID: "u-1", OrganizationID: "o-1", SessionProfileID: "p-1", Scope: "s",
	}
	if s.Claims != want {
		t.Errorf("claims = %+v\nwant     %+v", s.Claims, want)
	}
	if s.Verified {
		t.Error("a token with a junk signature is Verified")
	}
	if s.Key != "" {
		t.Errorf("Parse set Key %q; the caller names the session", s.Key)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, token, want string
	}{
		{"empty", "", "empty"},
		{"two parts", "a.b", "3 dot-separated parts, this has 2"},
		{"four parts", "a.b.c.d", "this has 4"},
		{"a character outside base64url", "x.!!!.y", "'!' at byte 3 cannot be in a token"},
		{"payload not base64url", hdr + ".a.y", "the payload is not base64url"},
		{"payload not JSON", hdr + "." + b64("{nope") + "." + sig, "not a JSON object"},
		{"payload a JSON array", hdr + "." + b64("[1]") + "." + sig, "not a JSON object"},
		{"a claim twice", jwt(strings.Replace(goodPayload, `{"exp":1900000000,`, `{"exp":1,"exp":1900000000,`, 1)), `"exp" appears twice`},
		{"bytes after the payload", jwt(goodPayload + `{}`), "there is more after the object"},
		{"a claim twice, in two cases", jwt(strings.Replace(goodPayload, `"user_id":"u-1"`, `"user_id":"u-1","User_Id":"u-2"`, 1)), `"user_id" and "User_Id" differ only in case`},
		{"a claim in another case", jwt(strings.Replace(goodPayload, `"user_id":"u-1"`, `"user_id":"u-1","Scope":"all"`, 1)), `"Scope" is "scope" in another case`},
		{"the header's algorithm in another case", b64(`{"ALG":"none","alg":"ES256"}`) + "." + b64(goodPayload) + "." + sig, `"ALG" is "alg" in another case`},
		{"payload not UTF-8", jwt(strings.Replace(goodPayload, "u-1", "u-\xff", 1)), "the payload is not UTF-8"},
		{"escapes in place of the header", "\x1b[2J." + b64(goodPayload) + "." + sig, "the control character U+001B at byte 1"},
		{"a line break inside", hdr + "." + b64(goodPayload)[:10] + "\n" + b64(goodPayload)[10:] + "." + sig, "a line break at byte"},
		{"a space inside", hdr + " ." + b64(goodPayload) + "." + sig, "a space at byte"},
		{"not UTF-8", hdr + "\xff." + b64(goodPayload) + "." + sig, "a byte that is not UTF-8"},
		{"padding", hdr + "=." + b64(goodPayload) + "." + sig, "padding (=)"},
		{"non-canonical base64", jwt(goodPayload)[:len(jwt(goodPayload))-1] + "x", "the signature is not base64url"}, // its last character ends in bits a decoder drops
		{"header not JSON", b64("ES256") + "." + b64(goodPayload) + "." + sig, "the header is not a JSON object"},
		{"header with another algorithm", b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(goodPayload) + "." + sig, `algorithm is "HS256"`},
		{"header without an algorithm", b64(`{"typ":"JWT"}`) + "." + b64(goodPayload) + "." + sig, "algorithm is none"},
		{"header with an escape in its type", b64(`{"alg":"ES256","typ":"JWT\u001b[31m"}`) + "." + b64(goodPayload) + "." + sig, `type is "JWT\x1b[31m"`},
		{"header with the algorithm twice", b64(`{"alg":"none","alg":"ES256"}`) + "." + b64(goodPayload) + "." + sig, `"alg" appears twice`},
		{"a short signature", hdr + "." + b64(goodPayload) + "." + b64("short"), "the signature is 5 bytes"},
		{"missing user_id", jwt(`{"exp":1,"public_key":"` + vectorPub + `","session_type":"SESSION_TYPE_READ_ONLY","organization_id":"o"}`), "missing required claim user_id"},
		{"missing several", jwt(`{"exp":1}`), "missing required claim public_key, session_type, user_id, organization_id"},
		{"exp null", jwt(`{"exp":null,"public_key":"` + vectorPub + `","session_type":"SESSION_TYPE_READ_ONLY","user_id":"u","organization_id":"o"}`), "missing required claim exp"},
		{"exp a string", jwt(`{"exp":"1900000000","public_key":"` + vectorPub + `","session_type":"SESSION_TYPE_READ_ONLY","user_id":"u","organization_id":"o"}`), `exp is "1900000000", not a number`},
		{"exp negative", jwt(strings.Replace(goodPayload, "1900000000", "-5", 1)), "exp is -5"},
		{"public_key short", jwt(strings.Replace(goodPayload, vectorPub, "02abcd", 1)), "public_key: want 66 hex digits"},
		{"public_key not hex", jwt(strings.Replace(goodPayload, vectorPub, "zz"+vectorPub[2:], 1)), "public_key: not hex"},
		{"public_key uncompressed prefix", jwt(strings.Replace(goodPayload, vectorPub, "04"+vectorPub[2:], 1)), "prefix 04 is not 02 or 03"},
		{"public_key off the curve", jwt(strings.Replace(goodPayload, vectorPub, "02"+strings.Repeat("ff", 32), 1)), "not a point on P-256"},
		{"a session_type too long for a profile's name", jwt(strings.Replace(goodPayload, "SESSION_TYPE_READ_ONLY", strings.Repeat("p", 300), 1)), "session_type is 300 bytes long"},
		{"oversized", strings.Repeat("a", session.MaxTokenSize+1), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := session.Parse(tt.token)
			if !errors.Is(err, session.ErrMalformedToken) {
				t.Fatalf("err = %v, want ErrMalformedToken", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestVerifyTurnkeyProductionToken(t *testing.T) {
	tok, err := os.ReadFile("testdata/turnkey-production.jwt")
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.Parse(string(tok))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Verified {
		t.Fatal("Turnkey's own production token does not verify")
	}
	if s.UserID != "6912b819-f4df-40f4-a192-20ee43090974" || s.Type != session.ReadWrite {
		t.Errorf("claims = %+v", s.Claims)
	}

	// One changed payload byte breaks the signature, but not the parse.
	parts := strings.Split(string(tok), ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := parts[0] + "." + b64(strings.Replace(string(payload), "READ_WRITE", "READ_ONLY", 1)) + "." + parts[2]
	f, err := session.Parse(forged)
	if err != nil {
		t.Fatal(err)
	}
	if f.Verified {
		t.Error("a token with an altered payload verifies")
	}
}

func TestNewTokenVerifiesOnlyAgainstItsNotarizer(t *testing.T) {
	notarizer, _, err := session.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	c := session.Claims{Expiry: time.Unix(1900000000, 0).UTC(), PublicKey: vectorPub, Type: session.ReadOnly, UserID: "u", OrganizationID: "o"}
	tok, err := session.NewToken(c, notarizer)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		key  *ecdsa.PublicKey
		want bool
	}{
		{"its notarizer", &notarizer.PublicKey, true},
		{"no notarizer", nil, false},
	} {
		s, err := session.ParseWithNotarizer(tok, tt.key)
		if err != nil {
			t.Fatal(err)
		}
		if s.Verified != tt.want || s.Claims != c {
			t.Errorf("%s: Verified = %v, claims %+v", tt.name, s.Verified, s.Claims)
		}
	}
	if s, _ := session.Parse(tok); s.Verified {
		t.Error("a token signed by a test key verifies as Turnkey's")
	}
}

func TestKeyVector(t *testing.T) {
	k, err := session.DecodePrivateKey("487f361ddfd73440e707f4daa6775b376859e8a3c9f29b3bb694a12927c0213c")
	if err != nil {
		t.Fatal(err)
	}
	if got := session.CompressPublicKey(&k.PublicKey); got != vectorPub {
		t.Errorf("public key = %s, want %s", got, vectorPub)
	}
	enc, err := session.EncodePrivateKey(k)
	if err != nil || enc != "487f361ddfd73440e707f4daa6775b376859e8a3c9f29b3bb694a12927c0213c" {
		t.Errorf("EncodePrivateKey = %q, %v", enc, err)
	}
}

// Compressing and parsing round-trip for keys of either Y parity (02 and
// 03 prefixes), without the raw coordinates Go 1.26 deprecates.
func TestCompressRoundTrip(t *testing.T) {
	seen := map[byte]bool{}
	for range 64 {
		k, pub, err := session.NewPrivateKey()
		if err != nil {
			t.Fatal(err)
		}
		seen[pub[1]] = true
		back, err := session.ParsePublicKey(pub)
		if err != nil || !back.Equal(&k.PublicKey) {
			t.Fatalf("%s does not parse back to its key: %v", pub, err)
		}
	}
	if !seen['2'] || !seen['3'] {
		t.Errorf("64 keys gave prefixes %v; want both 02 and 03", seen)
	}
}

func FuzzParse(f *testing.F) {
	tok, err := os.ReadFile("testdata/turnkey-production.jwt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(tok))
	f.Add(jwt(goodPayload))
	f.Add(jwt(`{"exp":1e308}`))
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		s, err := session.Parse(token)
		if err != nil {
			if !errors.Is(err, session.ErrMalformedToken) {
				t.Fatalf("error %v does not wrap ErrMalformedToken", err)
			}
			return
		}
		// What parses has every required claim and a usable public key.
		if s.UserID == "" || s.OrganizationID == "" || (s.Type != session.ReadWrite && s.Type != session.ReadOnly) {
			t.Fatalf("accepted incomplete claims %+v", s.Claims)
		}
		if _, err := session.ParsePublicKey(s.PublicKey); err != nil {
			t.Fatalf("accepted public key %q: %v", s.PublicKey, err)
		}
	})
}
