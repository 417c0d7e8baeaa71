//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// Provider is a social login provider as Turnkey's SDK runs its flow
// (tkhq/sdk packages/react-wallet-kit/src/utils/oauth/config.ts,
// OAUTH_PROVIDER_CONFIGS, and pkce.ts for Facebook's token endpoint).
type Provider struct {
	Name  string // as enabledProviders and oauthClientIds name it
	Title string
	// AuthURL is the authorization endpoint; TokenURL, where the client
	// exchanges a code itself (Facebook only).
	AuthURL, TokenURL string
	Scope             string
	ResponseType      string
	// ResponseMode is sent when set (Apple's fragment).
	ResponseMode string
	// Fragment: the answer comes in the URL's fragment, which only the
	// browser sees (Google, Apple).
	Fragment bool
	PKCE     bool
	// NonceInParams: the nonce goes to the provider, which echoes it in
	// the id_token; else (X, Discord) to the Auth Proxy's
	// oauth2_authenticate.
	NonceInParams bool
	// Exchange is the Auth Proxy's name for a provider whose code it
	// exchanges (oauth2_authenticate); "" otherwise.
	Exchange wire.ProxyOauth2Provider
	// NoLoopback says why the provider redirects to no loopback address,
	// so that its login cannot come back to a terminal; "" where it can.
	NoLoopback string
}

// Providers are the social logins Turnkey's SDK offers.
var Providers = []Provider{
	{Name: "google", Title: "Google", AuthURL: "https://accounts.google.com/o/oauth2/v2/auth", Scope: "openid email profile",
		ResponseType: "id_token", Fragment: true, NonceInParams: true},
	{Name: "apple", Title: "Apple", AuthURL: "https://account.apple.com/auth/authorize",
		ResponseType: "code id_token", ResponseMode: "fragment", Fragment: true, NonceInParams: true,
		// Apple's Services ID takes only return URLs on a domain name
		// ("It can't be an IP address or localhost").
		NoLoopback: "Apple takes only return URLs on a domain name, never an IP address or localhost"},
	{Name: "facebook", Title: "Facebook", AuthURL: "https://www.facebook.com/v11.0/dialog/oauth", TokenURL: "https://graph.facebook.com/v11.0/oauth/access_token",
		Scope: "openid", ResponseType: "code", PKCE: true, NonceInParams: true},
	{Name: "x", Title: "X", AuthURL: "https://x.com/i/oauth2/authorize", Scope: "tweet.read users.read",
		ResponseType: "code", PKCE: true, Exchange: wire.Oauth2ProviderX},
	{Name: "discord", Title: "Discord", AuthURL: "https://discord.com/oauth2/authorize", Scope: "identify email",
		ResponseType: "code", PKCE: true, Exchange: wire.Oauth2ProviderDiscord},
}

// ProviderNames are the providers' names, in Providers' order.
func ProviderNames() []string {
	var n []string
	for _, p := range Providers {
		n = append(n, p.Name)
	}
	return n
}

// LookupProvider is the provider of that name (any case).
func LookupProvider(name string) (Provider, bool) {
	for _, p := range Providers {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p, true
		}
	}
	return Provider{}, false
}

// WithProviderURL is p with its authorization endpoint replaced by
// base/authorize and its token endpoint by base/token: a stand-in or a
// self-hosted provider on this machine.
func (p Provider) WithProviderURL(base string) Provider {
	base = strings.TrimRight(base, "/")
	p.AuthURL, p.NoLoopback = base+"/authorize", ""
	if p.TokenURL != "" {
		p.TokenURL = base + "/token"
	}
	return p
}

// DefaultRedirectPort is the loopback port of the redirect, unless told:
// the app's owner registers http://127.0.0.1:53682/callback.
const DefaultRedirectPort = 53682

// RedirectPath is the redirect URI's path on the loopback listener.
const RedirectPath = "/callback"

// RedirectURI is the loopback redirect URI on port.
func RedirectURI(port int) string {
	return "http://127.0.0.1:" + strconv.Itoa(port) + RedirectPath
}

// OAuthNonce is what Turnkey asks of an OIDC token's nonce for the session
// key pub (compressed hex): hex(sha256(pub's hex text)) (tkhq/sdk
// react-wallet-kit Provider.tsx, `bytesToHex(sha256(publicKey))`; docs
// features/authentication/social-logins.mdx, "Nonce restrictions").
func OAuthNonce(pub string) string {
	h := sha256.Sum256([]byte(pub))
	return hex.EncodeToString(h[:])
}

// PKCE is a verifier and its S256 challenge, as the SDK makes them
// (pkce.ts generateChallengePair: 32 random bytes, base64url).
func PKCE() (verifier, challenge string) {
	b := make([]byte, 32)
	rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(h[:])
}

// Errors of social login, in words.
var (
	ErrNotEnabled    = errors.New("the app's Auth Proxy configuration does not enable this provider")
	ErrNoClientID    = errors.New("the app's Auth Proxy configuration has no client ID for this provider")
	ErrWrongState    = errors.New("the redirect is not the answer to the login tkauth started (its state differs)")
	ErrNotLoopback   = errors.New("the redirect is not to this machine's loopback listener")
	ErrTokenNonce    = errors.New("the provider's token is bound to another key (its nonce is not the new session key's)")
	ErrTokenAudience = errors.New("the provider's token is for another app (its aud is not the app's client ID)")
	ErrOIDCExpired   = errors.New("the provider's token has expired")
	ErrProviderSaid  = errors.New("the provider refused the login")
	// errNoLoopbackRedirect: the provider sends its answer to no loopback
	// listener, so a terminal cannot receive it.
	errNoLoopbackRedirect = errors.New("this provider's login cannot come back to a terminal; log in with another provider the app enables, or by email, SMS or WhatsApp code")
)

// NewUserError: the app has no account (sub-organization) for the
// identity the provider vouched for.
type NewUserError struct {
	Provider string // its title
	Subject  string // the token's sub
}

func (e *NewUserError) Error() string {
	return fmt.Sprintf("this %s account (%s) has no account at this app yet: sign up in the app first (its sign-up makes your sub-organization), then log in here", e.Provider, escape.Clean(e.Subject))
}

// IDClaims are the claims of an OIDC id_token that a login checks.
type IDClaims struct {
	Issuer, Subject, Nonce, TKNonce string
	Audience                        []string
	Expiry                          time.Time
}

// ReadIDToken reads an id_token's claims without checking its signature,
// which Turnkey checks against the issuer's keys.
func ReadIDToken(raw string) (IDClaims, error) {
	parts := strings.Split(strings.TrimSpace(raw), ".")
	if len(parts) != 3 || len(raw) > session.MaxTokenSize {
		return IDClaims{}, errors.New("the provider's token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return IDClaims{}, errors.New("the provider's token is not base64url")
	}
	var c struct {
		Iss, Sub, Nonce, TKNonce string
		Aud                      json.RawMessage
		Exp                      json.Number
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return IDClaims{}, errors.New("the provider's token's claims are not JSON")
	}
	out := IDClaims{Issuer: c.Iss, Subject: c.Sub, Nonce: c.Nonce, TKNonce: c.TKNonce}
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		out.Audience = []string{one}
	} else if json.Unmarshal(c.Aud, &out.Audience) != nil {
		return IDClaims{}, errors.New("the provider's token has no aud claim")
	}
	exp, err := c.Exp.Float64()
	if err != nil {
		return IDClaims{}, errors.New("the provider's token has no exp claim")
	}
	out.Expiry = time.Unix(int64(exp), 0)
	return out, nil
}

// CheckIDToken checks what tkauth can of a token before it goes to
// Turnkey: bound to the session key pub (nonce or tknonce), for clientID
// (aud), not expired at now.
func CheckIDToken(raw, pub, clientID string, now time.Time) (IDClaims, error) {
	c, err := ReadIDToken(raw)
	if err != nil {
		return c, err
	}
	want := OAuthNonce(pub)
	if c.Nonce != want && c.TKNonce != want {
		return c, ErrTokenNonce
	}
	if !slices.Contains(c.Audience, clientID) {
		return c, fmt.Errorf("%w: it is for %s, not %s", ErrTokenAudience, escape.Clean(strings.Join(c.Audience, ", ")), escape.Clean(clientID))
	}
	if !now.Before(c.Expiry) {
		return c, fmt.Errorf("%w (at %s)", ErrOIDCExpired, c.Expiry.UTC().Format(time.RFC3339))
	}
	return c, nil
}

// OAuthConfig is what the Auth Proxy configuration says of social login.
type OAuthConfig struct {
	ProxyConfig
	ClientIDs map[string]string
}

// OAuthConfig asks the Auth Proxy for the configuration with its client
// IDs (wallet_kit_config's oauthClientIds).
func (p *AuthProxy) OAuthConfig(ctx context.Context) (OAuthConfig, error) {
	var resp wire.ProxyGetWalletKitConfigResponse
	if err := p.post(ctx, wire.ProxyPathWalletKitConfig, wire.ProxyGetWalletKitConfigRequest{}, &resp); err != nil {
		return OAuthConfig{}, err
	}
	c, err := configFrom(resp)
	if err != nil {
		return OAuthConfig{}, err
	}
	return OAuthConfig{ProxyConfig: c, ClientIDs: resp.OAuthClientIDs}, nil
}

// Account is the sub-organization whose user holds the identity the OIDC
// token vouches for, "" when none (/v1/account, filterType OIDC_TOKEN, as
// tkhq/sdk core.ts completeOauth asks).
func (p *AuthProxy) Account(ctx context.Context, oidcToken string) (string, error) {
	var resp wire.ProxyGetAccountResponse
	if err := p.post(ctx, wire.ProxyPathAccount, wire.ProxyGetAccountRequest{FilterType: "OIDC_TOKEN", FilterValue: oidcToken}, &resp); err != nil {
		return "", err
	}
	return resp.OrganizationID, nil
}

// OAuth2Authenticate has the Auth Proxy exchange an X or Discord code for
// an OIDC token Turnkey issues (/v1/oauth2_authenticate).
func (p *AuthProxy) OAuth2Authenticate(ctx context.Context, req wire.ProxyOAuth2AuthenticateRequest) (string, error) {
	var resp wire.ProxyOAuth2AuthenticateResponse
	if err := p.post(ctx, wire.ProxyPathOauth2Authenticate, req, &resp); err != nil {
		return "", err
	}
	if resp.OidcToken == "" {
		return "", fmt.Errorf("%w: oauth2_authenticate answered without an OIDC token", ErrUnexpectedAnswer)
	}
	return resp.OidcToken, nil
}

// StampLoginOIDC is StampLogin stamped by the new session key itself,
// attested by an OIDC token whose nonce binds it (tkhq/sdk core.ts
// loginWithOauth, overrideAttestedStamper with oidcToken).
func (c *Client) StampLoginOIDC(ctx context.Context, sessionKey session.Signer, oidcToken string, r session.LoginRequest) (string, error) {
	st := func(body []byte) (string, string, error) {
		v, err := attestedStamp(sessionKey, oidcToken, wire.SchemeAttestedOIDC, body)
		return wire.AttestedStampHeader, v, err
	}
	return c.stampLogin(ctx, st, r)
}

// exchangeCode trades a code for an id_token at the provider's token
// endpoint, as pkce.ts exchangeFacebookCodeForToken does: a form POST of
// client_id, redirect_uri, code_verifier, code, grant_type.
func exchangeCode(ctx context.Context, hc *http.Client, tokenURL, clientID, redirectURI, code, verifier string) (string, error) {
	form := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}, "code": {code}, "grant_type": {"authorization_code"}}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("exchanging the code at the provider: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		IDToken string `json:"id_token"`
		Error   any    `json:"error"`
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return "", fmt.Errorf("reading the provider's token endpoint's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%w: the provider's token endpoint answered %d: %s", ErrProviderSaid, resp.StatusCode, escape.Clean(string(data)))
	}
	if json.Unmarshal(data, &out) != nil || out.IDToken == "" {
		return "", fmt.Errorf("%w: the provider's token endpoint answered no id_token", ErrUnexpectedAnswer)
	}
	return out.IDToken, nil
}

// sameSecret compares a state in constant time.
func sameSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
