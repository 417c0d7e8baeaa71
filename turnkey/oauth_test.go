package turnkey

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// The docs' example (features/authentication/social-logins.mdx, "Nonce
// restrictions"): the nonce is sha256 of the public key's hex text.
func TestOAuthNonceIsTheDocsExample(t *testing.T) {
	if got := OAuthNonce("0394e549c71fa99dd5cf752fba623090be314949b74e4cdf7ca72031dd638e281a"); got != "1663bba492a323085b13895634a3618792c4ec6896f3c34ef3c26396df22ef82" {
		t.Errorf("nonce %s", got)
	}
}

func TestPKCEIsS256(t *testing.T) {
	v, c := PKCE()
	h := sha256.Sum256([]byte(v))
	if len(v) != 43 || base64.RawURLEncoding.EncodeToString(h[:]) != c {
		t.Errorf("verifier %q, challenge %q", v, c)
	}
	if v2, _ := PKCE(); v2 == v {
		t.Error("the same verifier twice")
	}
}

func idToken(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	return "e30." + base64.RawURLEncoding.EncodeToString(b) + ".c2ln"
}

func TestCheckIDToken(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	pub := "02f739f8c77b32f4d5f13265861febd76e7a9c61a1140d296b8c16302508870316"
	good := map[string]any{"iss": "https://accounts.google.com", "sub": "1", "aud": "app", "nonce": OAuthNonce(pub), "exp": now.Add(time.Minute).Unix()}
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for a, b := range good {
			c[a] = b
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	for _, tt := range []struct {
		name   string
		claims map[string]any
		want   error
	}{
		{"good", good, nil},
		{"tknonce in place of nonce", with("nonce", nil), ErrTokenNonce},
		{"aud in a list", with("aud", []string{"other", "app"}), nil},
		{"another nonce", with("nonce", OAuthNonce("03ab")), ErrTokenNonce},
		{"no nonce", with("nonce", nil), ErrTokenNonce},
		{"another aud", with("aud", "other"), ErrTokenAudience},
		{"expired", with("exp", now.Unix()), ErrOIDCExpired},
	} {
		c := tt.claims
		if tt.name == "tknonce in place of nonce" {
			c["tknonce"] = OAuthNonce(pub)
			tt.want = nil
		}
		_, err := CheckIDToken(idToken(c), pub, "app", now)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, err := CheckIDToken("not.a-token", pub, "app", now); err == nil {
		t.Error("a token that is not a JWT passed")
	}
}

// Apple redirects to no loopback address: its real login is refused
// before anything is asked, and a stand-in for it (a provider URL) is not.
func TestAppleCannotComeBackToATerminal(t *testing.T) {
	var apple Provider
	for _, p := range Providers {
		if p.Name == "apple" {
			apple = p
		}
	}
	l := &OAuthLogin{Provider: apple}
	if _, err := l.Start(context.Background()); !errors.Is(err, errNoLoopbackRedirect) || !strings.Contains(err.Error(), "never an IP address or localhost") {
		t.Fatalf("Start: %v, want the provider's refusal in words", err)
	}
	if p := apple.WithProviderURL("http://127.0.0.1:1"); p.NoLoopback != "" {
		t.Fatalf("a stand-in for Apple keeps NoLoopback %q", p.NoLoopback)
	}
	for _, p := range Providers {
		if p.Name != "apple" && p.NoLoopback != "" {
			t.Errorf("%s: NoLoopback %q", p.Name, p.NoLoopback)
		}
	}
}
