package turnkeytest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// Turnkey's words for social login's refusals.
const (
	MsgBadOIDC        = "invalid OIDC token"
	MsgOIDCNonce      = "OIDC token nonce does not match sha256(publicKey)"
	MsgOIDCExpired    = "OIDC token has expired"
	MsgNoOAuthUser    = "no user found with a matching OAuth provider (iss, aud, sub)"
	MsgOAuthClient    = "client ID is not configured for this provider"
	MsgOAuth2Exchange = "failed to exchange the auth code with the OAuth 2.0 provider"
)

// OIDCTokenLife is how long an OIDC token Turnkey issues for X and Discord
// lives: "short-lived" (docs features/authentication/social-logins.mdx).
const OIDCTokenLife = 5 * time.Minute

// oidcState is the fake's state for social login.
type oidcState struct {
	issuers map[string]map[string]*rsa.PublicKey // iss -> kid -> key, from JWKS documents
	users   map[string]contactUser               // iss|aud|sub -> its user
	idp     *IdP                                 // the provider X's and Discord's codes go to
	key     *rsa.PrivateKey                      // signs the tokens Turnkey issues
}

func (s *Server) oidc() *oidcState {
	if s.oauth.issuers == nil {
		s.oauth.issuers, s.oauth.users = map[string]map[string]*rsa.PublicKey{}, map[string]contactUser{}
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		s.oauth.key = k
		s.trust(s.OIDCIssuer(), jwks("turnkey-1", &k.PublicKey))
	}
	return &s.oauth
}

// OIDCIssuer is the iss of the OIDC tokens the fake issues for X and
// Discord ("Turnkey URL", docs social-logins.mdx's comparison table).
func (s *Server) OIDCIssuer() string { return s.URL }

// TrustIdP has the fake verify p's id_tokens, by the keys p publishes,
// and send X's and Discord's codes to p.
func (s *Server) TrustIdP(p *IdP) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.oidc()
	s.trust(p.Issuer(), p.JWKS())
	st.idp = p
}

// trust reads a JWKS document of issuer iss.
func (s *Server) trust(iss string, doc []byte) {
	var d struct {
		Keys []struct{ Kty, Kid, N, E string }
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		panic(err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range d.Keys {
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if k.Kty != "RSA" || err1 != nil || err2 != nil {
			continue
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	s.oauth.issuers[iss] = keys
}

// AddOAuthUser makes org a sub-organization of parent whose user holds
// the OAuth identity (iss, aud, sub): a token with those claims logs in
// as user. For X and Discord, iss is OIDCIssuer and sub "x:ID" or
// "discord:ID".
func (s *Server) AddOAuthUser(parent, org, user, iss, aud, sub string) {
	s.AddSubOrg(parent, org, user, "", "")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oidc().users[iss+"|"+aud+"|"+sub] = contactUser{org: org, user: user}
}

// oidcClaims are what Turnkey reads of an OIDC token.
type oidcClaims struct {
	Iss, Sub, Nonce, TKNonce string
	Aud                      json.RawMessage
	Exp                      int64
}

func (c oidcClaims) audiences() []string {
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(c.Aud, &many)
	return many
}

// verifyOIDC checks an OIDC token as Turnkey's enclaves do (docs
// social-logins.mdx, "OIDC token verification"): RS256 by a key the
// issuer publishes, not expired; with pub, its nonce (or tknonce) must be
// hex(sha256(pub)). Its user is the one whose OAuth provider matches
// iss, aud and sub; the second result is false when there is none.
// The caller holds s.mu.
func (s *Server) verifyOIDC(raw, pub string) (contactUser, oidcClaims, bool, *failure) {
	st := s.oidc()
	parts := strings.Split(raw, ".")
	var c oidcClaims
	if len(parts) != 3 {
		return contactUser{}, c, false, refuse(http.StatusUnauthorized, 16, MsgBadOIDC+": not a JWT")
	}
	header, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	payload, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	var h struct{ Alg, Kid string }
	if errors.Join(err1, err2, err3) != nil || json.Unmarshal(header, &h) != nil || json.Unmarshal(payload, &c) != nil {
		return contactUser{}, c, false, refuse(http.StatusUnauthorized, 16, MsgBadOIDC+": malformed")
	}
	key := st.issuers[c.Iss][h.Kid]
	d := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if h.Alg != "RS256" || key == nil || rsa.VerifyPKCS1v15(key, crypto.SHA256, d[:], sig) != nil {
		return contactUser{}, c, false, refuse(http.StatusUnauthorized, 16, MsgBadOIDC+": signature not verified against the issuer's keys")
	}
	if !s.now().Before(time.Unix(c.Exp, 0)) {
		return contactUser{}, c, false, refuse(http.StatusUnauthorized, 16, MsgOIDCExpired)
	}
	// Turnkey checks the nonce on login (docs social-logins.mdx, "Nonce
	// restrictions"; the docs' OAuth 2.0 walk-through says Turnkey's own
	// tokens are exempt, but the SDK sends and gets the nonce there too,
	// and tkauth checks it itself: the fake holds every token to it).
	if pub != "" {
		want := turnkey.OAuthNonce(pub)
		if c.Nonce != want && c.TKNonce != want {
			return contactUser{}, c, false, refuse(http.StatusUnauthorized, 16, MsgOIDCNonce)
		}
	}
	for _, aud := range c.audiences() {
		if u, ok := st.users[c.Iss+"|"+aud+"|"+c.Sub]; ok {
			return u, c, true, nil
		}
	}
	return contactUser{}, c, false, nil
}

// account is the Auth Proxy's /v1/account for the configuration of org:
// the sub-organization of org whose user the filter finds, or nothing.
func (s *Server) account(w http.ResponseWriter, org string, body []byte) {
	var p wire.ProxyGetAccountRequest
	if json.Unmarshal(body, &p) != nil || p.FilterType == "" || p.FilterValue == "" {
		writeError(w, http.StatusBadRequest, 3, "filterType and filterValue are required")
		return
	}
	var u contactUser
	var found bool
	switch p.FilterType {
	case "OIDC_TOKEN":
		var f *failure
		if u, _, found, f = s.verifyOIDC(p.FilterValue, ""); f != nil {
			f.write(w)
			return
		}
	case "EMAIL", "PHONE_NUMBER":
		u, found = s.codes.contacts[normal(p.FilterValue)]
	default:
		writeError(w, http.StatusBadRequest, 3, "unsupported filterType: "+p.FilterType)
		return
	}
	if !found || (u.org != org && s.codes.parents[u.org] != org) {
		// An empty answer, as Turnkey gives one (docs auth-proxy.mdx,
		// Account lookup; core.ts completeOauth then signs up).
		writeJSON(w, wire.ProxyGetAccountResponse{})
		return
	}
	writeJSON(w, wire.ProxyGetAccountResponse{OrganizationID: u.org})
}

// oauth2Authenticate is the Auth Proxy's /v1/oauth2_authenticate for
// configuration c: the code exchanged at the provider with the app's
// client, and an OIDC token Turnkey issues for the user, sub "x:ID" or
// "discord:ID", carrying the request's nonce.
func (s *Server) oauth2Authenticate(w http.ResponseWriter, c AuthProxyConfig, body []byte) {
	var p wire.ProxyOAuth2AuthenticateRequest
	if json.Unmarshal(body, &p) != nil || p.Provider == "" || p.AuthCode == "" || p.RedirectUri == "" || p.CodeVerifier == "" || p.Nonce == "" || p.ClientID == "" {
		writeError(w, http.StatusBadRequest, 3, "provider, authCode, redirectUri, codeVerifier, nonce and clientId are required")
		return
	}
	var name string
	switch p.Provider {
	case wire.Oauth2ProviderX:
		name = "x"
	case wire.Oauth2ProviderDiscord:
		name = "discord"
	default:
		writeError(w, http.StatusBadRequest, 3, "unknown provider: "+string(p.Provider))
		return
	}
	if c.OAuthClientIDs[name] != p.ClientID {
		writeError(w, http.StatusBadRequest, 3, MsgOAuthClient)
		return
	}
	st := s.oidc()
	if st.idp == nil {
		writeError(w, http.StatusBadRequest, 3, MsgOAuth2Exchange+": no provider")
		return
	}
	sub, _, err := st.idp.Redeem(p.AuthCode, p.ClientID, p.RedirectUri, p.CodeVerifier)
	if err != nil {
		writeError(w, http.StatusBadRequest, 3, MsgOAuth2Exchange+": "+err.Error())
		return
	}
	now := s.now()
	tok := signRS256(st.key, "turnkey-1", map[string]any{"iss": s.OIDCIssuer(), "aud": p.ClientID, "sub": name + ":" + sub,
		"nonce": p.Nonce, "iat": now.Unix(), "exp": now.Add(OIDCTokenLife).Unix()})
	writeJSON(w, wire.ProxyOAuth2AuthenticateResponse{OidcToken: tok})
}

// attestedOIDC is stamp_login with an OIDC attested stamp (tkhq/sdk
// core.ts loginWithOauth): the token verified and bound to the stamp's
// key, the session issued to the user whose OAuth provider it matches,
// addressed to the user's sub-organization or its parent (the SDK's
// completeOauth sends the app's). get_activity and get_mfa_status about
// the activity it made are answered under the same stamp.
func (s *Server) attestedOIDC(w http.ResponseWriter, path string, st wire.AttestedStamp, req request, body []byte) {
	u, _, found, f := s.verifyOIDC(st.PublicKeyAttestation, st.PublicKey)
	if f != nil {
		f.write(w)
		return
	}
	if !found {
		writeError(w, http.StatusNotFound, 5, MsgNoOAuthUser)
		return
	}
	sum := sha256.Sum256([]byte(st.PublicKeyAttestation))
	id := "oidc:" + hex.EncodeToString(sum[:16])
	switch path {
	case wire.PathGetActivity, wire.PathGetMFAStatus:
		s.activityFor(w, path, id, body)
		return
	case wire.PathStampLogin:
	default:
		writeError(w, http.StatusUnauthorized, 16, "an OIDC attested stamp can only log in")
		return
	}
	if !req.wellFormed(w, path) {
		return
	}
	if req.OrganizationID != u.org && req.OrganizationID != s.codes.parents[u.org] {
		writeError(w, http.StatusUnauthorized, 16, MsgNoOAuthUser+" in organization "+req.OrganizationID)
		return
	}
	p, ok := readStampLogin(w, req.Parameters)
	if !ok {
		return
	}
	if p.PublicKey != st.PublicKey {
		writeError(w, http.StatusBadRequest, 3, "publicKey does not match the attested stamp's")
		return
	}
	s.issue(w, wire.ActivityTypeStampLogin, u.org, u.user, p, nil)
	s.codes.byToken[s.lastActivity] = id
}

// providers is what wallet_kit_config lists: codes, and c's providers.
func (c AuthProxyConfig) providers() []string {
	return append([]string{"email", "sms"}, c.Providers...)
}
