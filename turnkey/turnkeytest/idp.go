package turnkeytest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// IdP is a stand-in identity provider in the manner of Google's, Apple's
// and Facebook's OpenID Connect, and X's and Discord's OAuth 2.0: an
// authorization endpoint (/authorize) that consents at once as the user
// signed in, a token endpoint (/token) that checks PKCE (S256), and RS256
// id_tokens whose keys it publishes (/jwks). It refuses as a provider
// does: an unknown client or redirect URI is answered with an error page,
// never a redirect; a code is single-use, lives ten minutes, and is
// redeemed only by its client, redirect URI and verifier.
type IdP struct {
	*httptest.Server
	key *rsa.PrivateKey
	kid string

	mu      sync.Mutex
	clients map[string][]string // client ID -> redirect URIs
	subject string
	email   string
	codes   map[string]*idpCode
	tamper  []func(map[string]any)
	state   string // replaces the next redirect's state, if set
	skew    time.Duration
}

type idpCode struct {
	client, redirect, challenge, nonce, subject, email string
	expires                                            time.Time
	used                                               bool
}

// NewIdP starts a stand-in provider; close it when done.
func NewIdP() *IdP {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	p := &IdP{key: key, kid: "stand-in-1", clients: map[string][]string{}, codes: map[string]*idpCode{}, subject: "100000000000000000001", email: "ada@example.com"}
	p.Server = httptest.NewServer(p)
	return p
}

// Issuer is the iss of the provider's id_tokens.
func (p *IdP) Issuer() string { return p.URL }

// AddClient registers an app's client ID and its redirect URIs, matched
// exactly.
func (p *IdP) AddClient(clientID string, redirectURIs ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clients[clientID] = append(p.clients[clientID], redirectURIs...)
}

// SignIn makes subject (with email) the user who consents.
func (p *IdP) SignIn(subject, email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.subject, p.email = subject, email
}

// Subject is the user who consents.
func (p *IdP) Subject() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.subject
}

// TamperNext changes the claims of the next id_token the provider signs:
// a token for another nonce or audience, or an expired one.
func (p *IdP) TamperNext(f func(claims map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = append(p.tamper, f)
}

// StateNext makes the next redirect carry state instead of the one asked.
func (p *IdP) StateNext(state string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = state
}

// JWKS is the provider's keys document.
func (p *IdP) JWKS() []byte {
	return jwks(p.kid, &p.key.PublicKey)
}

func jwks(kid string, k *rsa.PublicKey) []byte {
	b64 := base64.RawURLEncoding.EncodeToString
	b, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
	}}})
	return b
}

// signRS256 makes a JWT of claims, RS256 with kid.
func signRS256(key *rsa.PrivateKey, kid string, claims map[string]any) string {
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	c, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	d := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	if err != nil {
		panic(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// idToken signs the id_token for c; the caller holds p.mu.
func (p *IdP) idToken(client, nonce, subject, email string) string {
	now := time.Now().Add(p.skew)
	claims := map[string]any{"iss": p.Issuer(), "aud": client, "sub": subject, "email": email, "email_verified": true,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if len(p.tamper) > 0 {
		p.tamper[0](claims)
		p.tamper = p.tamper[1:]
	}
	return signRS256(p.key, p.kid, claims)
}

func (p *IdP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/authorize":
		p.authorize(w, r)
	case "/token":
		p.token(w, r)
	case "/jwks":
		w.Header().Set("Content-Type", "application/json")
		w.Write(p.JWKS())
	case "/.well-known/openid-configuration":
		writeJSON(w, map[string]any{"issuer": p.Issuer(), "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
			"jwks_uri": p.URL + "/jwks", "response_types_supported": []string{"code", "id_token", "code id_token"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"}})
	default:
		http.NotFound(w, r)
	}
}

// authorize consents at once as the signed-in user and redirects with the
// answer: in the fragment for id_token and code id_token (or
// response_mode=fragment), else in the query.
func (p *IdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	defer p.mu.Unlock()
	client, redirect := q.Get("client_id"), q.Get("redirect_uri")
	uris, ok := p.clients[client]
	if !ok {
		http.Error(w, "invalid_client: unknown client_id "+client, http.StatusBadRequest)
		return
	}
	if !slices.Contains(uris, redirect) {
		http.Error(w, "redirect_uri_mismatch: "+redirect+" is not registered for this client", http.StatusBadRequest)
		return
	}
	state := q.Get("state")
	out := url.Values{}
	fragment := q.Get("response_mode") == "fragment"
	fail := func(code, desc string) {
		out.Set("error", code)
		out.Set("error_description", desc)
		out.Set("state", state)
		p.redirect(w, r, redirect, out, fragment)
	}
	rt := q.Get("response_type")
	switch rt {
	case "id_token", "code id_token":
		fragment = true
		if q.Get("nonce") == "" {
			fail("invalid_request", "nonce is required with "+rt)
			return
		}
	case "code":
		if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
			fail("invalid_request", "PKCE with S256 is required")
			return
		}
	default:
		fail("unsupported_response_type", rt)
		return
	}
	if strings.Contains(rt, "code") {
		code := randomCode(32, true)
		p.codes[code] = &idpCode{client: client, redirect: redirect, challenge: q.Get("code_challenge"), nonce: q.Get("nonce"),
			subject: p.subject, email: p.email, expires: time.Now().Add(p.skew).Add(10 * time.Minute)}
		out.Set("code", code)
	}
	if strings.Contains(rt, "id_token") {
		out.Set("id_token", p.idToken(client, q.Get("nonce"), p.subject, p.email))
	}
	if p.state != "" {
		state, p.state = p.state, ""
	}
	out.Set("state", state)
	p.redirect(w, r, redirect, out, fragment)
}

func (p *IdP) redirect(w http.ResponseWriter, r *http.Request, to string, v url.Values, fragment bool) {
	sep := "?"
	if fragment {
		sep = "#"
	} else if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+v.Encode(), http.StatusFound)
}

// redeem checks a code as a token endpoint does and spends it.
func (p *IdP) redeem(code, client, redirect, verifier string) (*idpCode, error) {
	c, ok := p.codes[code]
	switch {
	case !ok || c.used:
		return nil, errors.New("invalid_grant: unknown or used code")
	case time.Now().Add(p.skew).After(c.expires):
		return nil, errors.New("invalid_grant: the code has expired")
	case c.client != client:
		return nil, errors.New("invalid_grant: the code is another client's")
	case c.redirect != redirect:
		return nil, errors.New("invalid_grant: redirect_uri differs from the authorization request's")
	}
	h := sha256.Sum256([]byte(verifier))
	if verifier == "" || base64.RawURLEncoding.EncodeToString(h[:]) != c.challenge {
		return nil, errors.New("invalid_grant: code_verifier does not match the code_challenge")
	}
	c.used = true
	return c, nil
}

// Redeem is the provider's side of an exchange another party makes
// (Turnkey's, for X and Discord): the code's user, if it is good.
func (p *IdP) Redeem(code, client, redirect, verifier string) (subject, email string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.redeem(code, client, redirect, verifier)
	if err != nil {
		return "", "", err
	}
	return c.subject, c.email, nil
}

// token is the token endpoint: a form POST of grant_type, code,
// client_id, redirect_uri and code_verifier.
func (p *IdP) token(w http.ResponseWriter, r *http.Request) {
	refuse := func(msg string) {
		code, desc, _ := strings.Cut(msg, ": ")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		refuse("invalid_request: a form POST")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		refuse("unsupported_grant_type: " + r.PostForm.Get("grant_type"))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, err := p.redeem(r.PostForm.Get("code"), r.PostForm.Get("client_id"), r.PostForm.Get("redirect_uri"), r.PostForm.Get("code_verifier"))
	if err != nil {
		refuse(err.Error())
		return
	}
	writeJSON(w, map[string]any{"access_token": randomCode(32, true), "token_type": "bearer", "expires_in": 3600,
		"id_token": p.idToken(c.client, c.nonce, c.subject, c.email)})
}

// Describe says what the stand-in is, for the demo.
func (p *IdP) Describe() string {
	return fmt.Sprintf("stand-in provider at %s, signed in as %s", p.URL, p.email)
}
