package turnkeytest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

const redirect = "http://127.0.0.1:1/callback"

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize asks p for q and returns the answer's status and what the
// redirect carries (query or fragment).
func authorize(t *testing.T, p *IdP, q url.Values) (int, url.Values) {
	t.Helper()
	resp, err := noFollow.Get(p.URL + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	v := loc.Query()
	if loc.Fragment != "" {
		v, _ = url.ParseQuery(loc.Fragment)
	}
	return resp.StatusCode, v
}

func codeRequest(challenge string) url.Values {
	return url.Values{"client_id": {"app"}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {"s1"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
}

func TestIdPRefusesAsAProviderDoes(t *testing.T) {
	p := NewIdP()
	defer p.Close()
	p.AddClient("app", redirect)
	verifier, challenge := turnkey.PKCE()

	for name, q := range map[string]url.Values{
		"an unknown client":        {"client_id": {"other"}, "redirect_uri": {redirect}, "response_type": {"code"}},
		"an unregistered redirect": {"client_id": {"app"}, "redirect_uri": {"http://127.0.0.1:2/callback"}, "response_type": {"code"}},
	} {
		if status, _ := authorize(t, p, q); status != http.StatusBadRequest {
			t.Errorf("%s: %d, not an error page", name, status)
		}
	}
	if _, v := authorize(t, p, codeRequest("")); v.Get("error") != "invalid_request" || v.Get("state") != "s1" {
		t.Errorf("a code without PKCE: %v", v)
	}
	if _, v := authorize(t, p, url.Values{"client_id": {"app"}, "redirect_uri": {redirect}, "response_type": {"id_token"}, "state": {"s"}}); v.Get("error") != "invalid_request" {
		t.Errorf("an id_token without a nonce: %v", v)
	}

	status, v := authorize(t, p, codeRequest(challenge))
	code := v.Get("code")
	if status != http.StatusFound || code == "" || v.Get("state") != "s1" {
		t.Fatalf("%d %v", status, v)
	}
	redeem := func(form url.Values) (int, map[string]any) {
		resp, err := http.PostForm(p.URL+"/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	form := func(k, val string) url.Values {
		f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {"app"}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
		f.Set(k, val)
		return f
	}
	for _, bad := range []url.Values{form("code_verifier", "wrong"), form("redirect_uri", "http://127.0.0.1:2/callback"), form("client_id", "other"), form("grant_type", "password")} {
		if status, out := redeem(bad); status != http.StatusBadRequest || out["error"] == nil {
			t.Errorf("%v: %d %v", bad, status, out)
		}
	}
	if status, out := redeem(form("code", code)); status != http.StatusOK || out["id_token"] == "" {
		t.Fatalf("%d %v", status, out)
	}
	if status, _ := redeem(form("code", code)); status != http.StatusBadRequest {
		t.Error("a code redeemed twice")
	}
}

// oidcWorld: Turnkey with parent o, sub-organization sub whose user ada
// holds the provider's identity for client app, and an Auth Proxy cfg.
func oidcWorld(t *testing.T) (*Server, *IdP) {
	srv, p := New(), NewIdP()
	t.Cleanup(srv.Close)
	t.Cleanup(p.Close)
	srv.TrustIdP(p)
	p.AddClient("app", redirect)
	p.AddClient("x-app", redirect)
	srv.AddOAuthUser("o", "sub", "ada", p.Issuer(), "app", p.Subject())
	srv.AddOAuthUser("o", "sub", "ada", srv.OIDCIssuer(), "x-app", "x:"+p.Subject())
	srv.AddAuthProxy(AuthProxyConfig{ID: "cfg", OrganizationID: "o", Providers: []string{"google", "x"}, OAuthClientIDs: map[string]string{"google": "google-app", "x": "x-app"}})
	return srv, p
}

func newKey(t *testing.T) session.P256Key {
	priv, pub, err := session.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return session.P256Key{Public: pub, Private: priv}
}

func implicitToken(t *testing.T, p *IdP, nonce string) string {
	_, v := authorize(t, p, url.Values{"client_id": {"app"}, "redirect_uri": {redirect}, "response_type": {"id_token"}, "state": {"s"}, "nonce": {nonce}})
	if v.Get("id_token") == "" {
		t.Fatalf("no id_token: %v", v)
	}
	return v.Get("id_token")
}

func proxyPost(t *testing.T, srv *Server, path string, req any, resp any) int {
	b, _ := json.Marshal(req)
	r, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(b))
	r.Header.Set(wire.ProxyConfigHeader, "cfg")
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	json.NewDecoder(res.Body).Decode(resp)
	return res.StatusCode
}

func TestOIDCStampLogin(t *testing.T) {
	srv, p := oidcWorld(t)
	ctx := context.Background()
	c := srv.Client()
	login := func(k session.P256Key, tok, org string) error {
		_, err := c.StampLoginOIDC(ctx, k, tok, session.LoginRequest{PublicKey: k.Public, Org: org, Expires: time.Minute})
		return err
	}
	k := newKey(t)
	tok := implicitToken(t, p, turnkey.OAuthNonce(k.Public))
	var acct wire.ProxyGetAccountResponse
	if proxyPost(t, srv, wire.ProxyPathAccount, wire.ProxyGetAccountRequest{FilterType: "OIDC_TOKEN", FilterValue: tok}, &acct); acct.OrganizationID != "sub" {
		t.Fatalf("account %+v", acct)
	}
	for name, err := range map[string]error{
		"another key's token":       login(newKey(t), tok, "sub"),
		"another organization":      login(k, tok, "elsewhere"),
		"a token of another issuer": login(k, forged(tok), "sub"),
	} {
		if err == nil {
			t.Errorf("%s: logged in", name)
		}
	}
	if err := login(k, tok, "sub"); err != nil || !srv.HasKey(k.Public) {
		t.Fatalf("login: %v", err)
	}
	k2 := newKey(t)
	if err := login(k2, implicitToken(t, p, turnkey.OAuthNonce(k2.Public)), "o"); err != nil || !srv.HasKey(k2.Public) {
		t.Errorf("addressed to the parent, as the SDK does: %v", err)
	}
	p.SignIn("someone-else", "bob@example.com")
	k4 := newKey(t)
	stranger := implicitToken(t, p, turnkey.OAuthNonce(k4.Public))
	acct = wire.ProxyGetAccountResponse{}
	if status := proxyPost(t, srv, wire.ProxyPathAccount, wire.ProxyGetAccountRequest{FilterType: "OIDC_TOKEN", FilterValue: stranger}, &acct); status != http.StatusOK || acct.OrganizationID != "" {
		t.Errorf("someone the app does not know: %d %+v", status, acct)
	}
	if err := login(k4, stranger, "sub"); err == nil || !strings.Contains(err.Error(), MsgNoOAuthUser) {
		t.Errorf("someone the app does not know logged in: %v", err)
	}
	k3 := newKey(t)
	late := implicitToken(t, p, turnkey.OAuthNonce(k3.Public))
	srv.Advance(2 * time.Hour)
	if err := login(k3, late, "sub"); err == nil || !strings.Contains(err.Error(), MsgOIDCExpired) {
		t.Errorf("an expired token: %v", err)
	}

}

// forged is tok signed by a key no issuer published.
func forged(tok string) string {
	parts := strings.Split(tok, ".")
	h := sha256.Sum256([]byte(parts[1]))
	return parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(h[:])
}

func TestOAuth2Authenticate(t *testing.T) {
	srv, p := oidcWorld(t)
	verifier, challenge := turnkey.PKCE()
	get := func() string {
		q := codeRequest(challenge)
		q.Set("client_id", "x-app")
		_, v := authorize(t, p, q)
		return v.Get("code")
	}
	req := wire.ProxyOAuth2AuthenticateRequest{Provider: wire.Oauth2ProviderX, AuthCode: get(), RedirectUri: redirect, CodeVerifier: verifier, Nonce: "n1", ClientID: "x-app"}
	var out wire.ProxyOAuth2AuthenticateResponse
	for name, r := range map[string]wire.ProxyOAuth2AuthenticateRequest{
		"another client ID": func() wire.ProxyOAuth2AuthenticateRequest { r := req; r.ClientID = "app"; return r }(),
		"a wrong verifier":  func() wire.ProxyOAuth2AuthenticateRequest { r := req; r.CodeVerifier = "x"; return r }(),
		"no nonce":          func() wire.ProxyOAuth2AuthenticateRequest { r := req; r.Nonce = ""; return r }(),
	} {
		if status := proxyPost(t, srv, wire.ProxyPathOauth2Authenticate, r, &out); status != http.StatusBadRequest {
			t.Errorf("%s: %d", name, status)
		}
	}
	req.AuthCode = get()
	if status := proxyPost(t, srv, wire.ProxyPathOauth2Authenticate, req, &out); status != http.StatusOK {
		t.Fatalf("%d", status)
	}
	c, err := turnkey.ReadIDToken(out.OidcToken)
	if err != nil || c.Issuer != srv.OIDCIssuer() || c.Subject != "x:"+p.Subject() || c.Nonce != "n1" || c.Audience[0] != "x-app" {
		t.Errorf("%+v %v", c, err)
	}
}

// The demo's stand-in provider logs in as the sandbox user at every
// provider its Auth Proxy configuration enables.
func TestSeedDemoOAuth(t *testing.T) {
	srv, p := New(), NewIdP()
	defer srv.Close()
	defer p.Close()
	srv.SeedDemoOAuth(p, redirect)
	k := newKey(t)
	_, v := authorize(t, p, url.Values{"client_id": {DemoOAuthClients["google"]}, "redirect_uri": {redirect}, "response_type": {"id_token"}, "state": {"s"}, "nonce": {turnkey.OAuthNonce(k.Public)}})
	b, _ := json.Marshal(wire.ProxyGetAccountRequest{FilterType: "OIDC_TOKEN", FilterValue: v.Get("id_token")})
	r, _ := http.NewRequest(http.MethodPost, srv.URL+wire.ProxyPathAccount, bytes.NewReader(b))
	r.Header.Set(wire.ProxyConfigHeader, DemoAuthProxy)
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var acct wire.ProxyGetAccountResponse
	json.NewDecoder(res.Body).Decode(&acct)
	if acct.OrganizationID != fixture.DemoSubOrg {
		t.Errorf("account %+v", acct)
	}
	cfg, err := turnkey.NewAuthProxy(srv.URL, DemoAuthProxy).Config(context.Background())
	if err != nil || len(cfg.Providers) != 7 {
		t.Errorf("%+v %v", cfg, err)
	}
}
