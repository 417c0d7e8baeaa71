//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// OAuthLogin is a social login through the Auth Proxy, as Turnkey's SDK
// does it but with the browser's answer read by a loopback listener: the
// new session key's hash is the nonce, the provider's id_token (or the
// one Turnkey issues for X and Discord) is checked for it and for the
// app's client ID, /v1/account finds the user's sub-organization, and a
// stamp_login attested by the token logs the new key in there.
type OAuthLogin struct {
	API      *Client
	Proxy    *AuthProxy
	Provider Provider
	// ClientID overrides the configuration's.
	ClientID string
	// Port is the loopback listener's (DefaultRedirectPort if 0).
	Port int
	// Open shows the user authURL (a browser, or the URL printed), and
	// says what the login waits for; it may hand the redirected URL the
	// user pasted to paste, from another goroutine, any number of times:
	// paste says why a line is not the answer (the login still waits),
	// or ErrAnswered once the login has its answer or stopped waiting.
	Open func(authURL, redirectURI string, paste func(redirected string) error) error
	// Notice, if set, is told what the user should know while the login
	// waits (a request to the listener refused); untrusted, unescaped.
	Notice func(string)
	// Wait bounds the wait for the browser (5 minutes if 0).
	Wait time.Duration
}

// OAuthStart is what the Auth Proxy configuration gives a social login.
type OAuthStart struct {
	Organization    string
	ClientID        string
	SessionLifetime time.Duration
}

// Start reads the Auth Proxy configuration: the provider must be
// enabled, and have a client ID (or l.ClientID).
func (l *OAuthLogin) Start(ctx context.Context) (OAuthStart, error) {
	if why := l.Provider.NoLoopback; why != "" {
		return OAuthStart{}, fmt.Errorf("%w: %s", errNoLoopbackRedirect, why)
	}
	c, err := l.Proxy.OAuthConfig(ctx)
	if err != nil {
		return OAuthStart{}, err
	}
	if !slices.Contains(c.Providers, l.Provider.Name) {
		return OAuthStart{}, fmt.Errorf("%w (%s; it enables %s)", ErrNotEnabled, l.Provider.Title, escape.Clean(strings.Join(c.Providers, ", ")))
	}
	id := l.ClientID
	if id == "" {
		id = c.ClientIDs[l.Provider.Name]
	}
	if id == "" {
		return OAuthStart{}, fmt.Errorf("%w (%s)", ErrNoClientID, l.Provider.Title)
	}
	return OAuthStart{Organization: c.OrganizationID, ClientID: id, SessionLifetime: c.SessionLifetime}, nil
}

// Issuer is the login's steps once the configuration is read, as the
// issuer of session.Manager.Login, which makes the key pair first.
func (l *OAuthLogin) Issuer(st OAuthStart) session.Issuer {
	return oauthIssuer{l: l, st: st}
}

type oauthIssuer struct {
	l  *OAuthLogin
	st OAuthStart
}

func (o oauthIssuer) API() session.TurnkeyAPI { return o.l.API }

// Expect is no one: the token says who.
func (o oauthIssuer) Expect(context.Context) (session.Identity, error) {
	return session.Identity{}, nil
}

// Issue runs the browser's part for key, the new session key, then logs
// it in.
func (o oauthIssuer) Issue(ctx context.Context, key session.Signer, r session.LoginRequest) (string, error) {
	l, p := o.l, o.l.Provider
	if r.Expires == session.DefaultLifetime && o.st.SessionLifetime > 0 {
		r.Expires = o.st.SessionLifetime
	}
	pub := key.PublicKey()
	nonce := OAuthNonce(pub)
	state := randomState()
	port := l.Port
	if port == 0 {
		port = DefaultRedirectPort
	}
	redirectURI := RedirectURI(port)
	verifier, challenge := PKCE()

	q := url.Values{"client_id": {o.st.ClientID}, "redirect_uri": {redirectURI}, "response_type": {p.ResponseType}}
	if p.Scope != "" {
		q.Set("scope", p.Scope)
	}
	if p.ResponseMode != "" {
		q.Set("response_mode", p.ResponseMode)
	}
	if p.PKCE {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	if p.NonceInParams {
		q.Set("nonce", nonce)
	}
	if p.Name == "google" {
		q.Set("prompt", "select_account")
	}
	q.Set("state", state)
	authURL := p.AuthURL + "?" + q.Encode()
	if strings.Contains(p.AuthURL, "?") {
		authURL = p.AuthURL + "&" + q.Encode()
	}

	w, err := listen(port, state, p.Fragment, l.Notice)
	if err != nil {
		return "", err
	}
	defer w.close()
	if err := l.Open(authURL, redirectURI, w.paste); err != nil {
		return "", err
	}
	wait := l.Wait
	if wait == 0 {
		wait = 5 * time.Minute
	}
	var got url.Values
	select {
	case res := <-w.done:
		if res.err != nil {
			return "", res.err
		}
		got = res.values
	case <-time.After(wait):
		return "", fmt.Errorf("no answer from the browser at %s in %s", redirectURI, wait)
	case <-ctx.Done():
		return "", stoppedWaiting(ctx)
	}

	var token string
	switch {
	case p.Exchange != "":
		token, err = l.Proxy.OAuth2Authenticate(ctx, wire.ProxyOAuth2AuthenticateRequest{Provider: p.Exchange, AuthCode: got.Get("code"),
			RedirectUri: redirectURI, CodeVerifier: verifier, Nonce: nonce, ClientID: o.st.ClientID})
	case p.TokenURL != "":
		token, err = exchangeCode(ctx, noRedirects(), p.TokenURL, o.st.ClientID, redirectURI, got.Get("code"), verifier)
	default:
		token = got.Get("id_token")
		if token == "" {
			err = fmt.Errorf("%w: the redirect carried no id_token", ErrUnexpectedAnswer)
		}
	}
	if err != nil {
		return "", err
	}
	claims, err := CheckIDToken(token, pub, o.st.ClientID, l.API.Now())
	if err != nil {
		return "", fmt.Errorf("%w; it was not sent to Turnkey", err)
	}
	org, err := l.Proxy.Account(ctx, token)
	if err != nil {
		return "", fmt.Errorf("finding your account at the app: %w", err)
	}
	if org == "" {
		return "", &NewUserError{Provider: p.Title, Subject: claims.Subject}
	}
	r.PublicKey, r.Org = pub, org
	return l.API.StampLoginOIDC(ctx, key, token, r)
}

// stoppedWaiting words ctx's end: its cause if it has one of its own
// (the CLI's "Ctrl-C"), else cancelled or out of time.
func stoppedWaiting(ctx context.Context) error {
	cause := context.Cause(ctx)
	switch {
	case cause != nil && cause != ctx.Err():
		return fmt.Errorf("stopped waiting for the browser: %w", cause)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return errors.New("stopped waiting for the browser: the time allowed for the login ran out")
	}
	return errors.New("stopped waiting for the browser: the login was cancelled")
}

// ErrAnswered is paste's answer once the login has its answer, or
// stopped waiting: the line is not the login's.
var ErrAnswered = errors.New("the login is no longer waiting for an address")

func randomState() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// redirectWaiter is the loopback listener: it answers the one redirect
// that carries the login's state, then closes.
type redirectWaiter struct {
	srv      *http.Server
	host     string // 127.0.0.1:PORT
	state    string
	fragment bool
	once     sync.Once
	over     atomic.Bool // answered or stopped: paste takes no more
	done     chan redirectResult
	notice   func(string)
}

type redirectResult struct {
	values url.Values
	err    error
}

// listen starts the listener on 127.0.0.1:port.
func listen(port int, state string, fragment bool, notice func(string)) (*redirectWaiter, error) {
	host := "127.0.0.1:" + strconv.Itoa(port)
	ln, err := net.Listen("tcp", host)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s for the browser's redirect (%w): choose another port (registered as a redirect URI) with --redirect-port", host, err)
	}
	if notice == nil {
		notice = func(string) {}
	}
	w := &redirectWaiter{host: host, state: state, fragment: fragment, done: make(chan redirectResult, 1), notice: notice}
	w.srv = &http.Server{Handler: w, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	go w.srv.Serve(ln)
	return w, nil
}

// close stops the listener: connections still held after 2 s are cut.
func (w *redirectWaiter) close() {
	w.over.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if w.srv.Shutdown(ctx) != nil {
		w.srv.Close()
	}
}

// finish delivers the first answer; later ones are refused.
func (w *redirectWaiter) finish(r redirectResult) bool {
	first := false
	w.once.Do(func() {
		first = true
		w.over.Store(true)
		w.done <- r
	})
	return first
}

// check reads an answer: the state must be the login's.
func (w *redirectWaiter) check(v url.Values) redirectResult {
	if !sameSecret(v.Get("state"), w.state) {
		return redirectResult{err: ErrWrongState}
	}
	if e := v.Get("error"); e != "" {
		return redirectResult{err: fmt.Errorf("%w: %s %s", ErrProviderSaid, escape.Clean(e), escape.Clean(v.Get("error_description")))}
	}
	return redirectResult{values: v}
}

// paste takes the redirected URL a user pasted: it must be the redirect
// URI's, on this machine, with the login's state. A line that is not
// says why and the login still waits; an empty one is nothing.
func (w *redirectWaiter) paste(raw string) error {
	if w.over.Load() {
		return ErrAnswered
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host != w.host || u.Path != RedirectPath {
		return fmt.Errorf("%w: the pasted URL is not http://%s%s", ErrNotLoopback, w.host, RedirectPath)
	}
	res := w.check(answerIn(u))
	if errors.Is(res.err, ErrWrongState) {
		return res.err
	}
	if !w.finish(res) {
		return ErrAnswered
	}
	return nil
}

// answerIn is the answer a redirected URL carries, in its fragment or its
// query (a browser or a copy may move it): the one that has a state.
func answerIn(u *url.URL) url.Values {
	if f, err := url.ParseQuery(u.Fragment); err == nil && f.Has("state") {
		return f
	}
	return u.Query()
}

// page is the one page the listener serves for a flow whose answer is in
// the fragment: it posts the fragment back, then says what tkauth said.
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>tkauth</title></head>
<body><p id="m">Handing the login to tkauth…</p>
<script>
const f = location.hash.slice(1);
history.replaceState(null, "", location.pathname);
fetch(location.pathname, {method: "POST", headers: {"Content-Type": "text/plain"}, body: f})
  .then(r => r.text()).then(t => { document.getElementById("m").textContent = t; })
  .catch(e => { document.getElementById("m").textContent = "tkauth did not answer: " + e; });
</script></body></html>
`

// Words the listener answers the browser.
const (
	saidDone  = "tkauth has the login; it finishes in the terminal. You may close this tab."
	saidWrong = "This is not the answer to the login tkauth started (its state differs or is missing): refused; tkauth still waits for its own."
	saidLate  = "tkauth already has an answer for this login."
)

func (w *redirectWaiter) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Referrer-Policy", "no-referrer")
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if r.Host != w.host {
		// Only the redirect URI's host: no page reached by another name
		// (DNS rebinding) talks to the listener.
		http.Error(rw, "wrong host", http.StatusMisdirectedRequest)
		return
	}
	if r.URL.Path != RedirectPath {
		http.NotFound(rw, r)
		return
	}
	var v url.Values
	switch {
	case r.Method == http.MethodGet && w.fragment && r.URL.RawQuery == "":
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		rw.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'")
		io.WriteString(rw, page)
		return
	case r.Method == http.MethodPost && w.fragment:
		body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		v, _ = url.ParseQuery(string(body))
	case r.Method == http.MethodGet:
		v = r.URL.Query()
	default:
		http.Error(rw, "GET or POST", http.StatusMethodNotAllowed)
		return
	}
	res := w.check(v)
	if errors.Is(res.err, ErrWrongState) {
		// Any page or local process may send this: refused, and the
		// login still waits for its own answer.
		w.notice(fmt.Sprintf("refused a request to %s that is not the answer to this login (its state differs or is missing); still waiting", "http://"+w.host+RedirectPath))
		rw.WriteHeader(http.StatusBadRequest)
		io.WriteString(rw, saidWrong)
		return
	}
	if !w.finish(res) {
		http.Error(rw, saidLate, http.StatusGone)
		return
	}
	if res.err != nil {
		rw.WriteHeader(http.StatusBadRequest)
		io.WriteString(rw, "The provider refused the login; tkauth stopped it. Nothing was stored.")
		return
	}
	io.WriteString(rw, saidDone)
}
