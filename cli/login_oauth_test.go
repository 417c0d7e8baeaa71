package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// testBrowserEnv makes the test binary a browser (TestMain): BROWSER is
// then the test binary, which follows the provider's redirects with a
// plain HTTP client and, for an answer in the fragment, posts it back as
// the loopback page's script does.
const testBrowserEnv = "TKAUTH_TEST_BROWSER"

// plainBrowser is the test binary as a browser of u.
func plainBrowser(u string) int {
	hc := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range 10 {
		resp, err := hc.Get(u)
		if err != nil {
			fmt.Fprintln(os.Stderr, "browser:", err)
			return 1
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode/100 != 3 || loc == "" {
			return 0
		}
		next, err := resp.Request.URL.Parse(loc)
		if err != nil {
			return 1
		}
		if next.Fragment != "" {
			// What the loopback page's script does: the page, then the
			// fragment posted back.
			frag := next.EscapedFragment()
			next.Fragment, next.RawFragment = "", ""
			if r, err := hc.Get(next.String()); err == nil {
				r.Body.Close()
			}
			if r, err := hc.Post(next.String(), "text/plain", strings.NewReader(frag)); err == nil {
				r.Body.Close()
			}
			return 0
		}
		u = next.String()
	}
	return 1
}

// The client IDs of the app at each provider.
var oauthClients = map[string]string{"google": "google-app", "apple": "apple-app", "facebook": "facebook-app", "x": "x-app", "discord": "discord-app"}

type oauthWorld struct {
	srv  *turnkeytest.Server
	idp  *turnkeytest.IdP
	port int
	args func(provider string, more ...string) []string
}

// freePort is a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// withOAuth serves Turnkey, its Auth Proxy (configuration cfg of parent
// organization o, every provider enabled) and a stand-in provider whose
// signed-in user is user ada of sub-organization sub at every provider;
// the test binary is the browser.
func withOAuth(t *testing.T) *oauthWorld {
	srv, _ := withAPI(t)
	idp := turnkeytest.NewIdP()
	t.Cleanup(idp.Close)
	srv.TrustIdP(idp)
	port := freePort(t)
	for name, id := range oauthClients {
		idp.AddClient(id, turnkey.RedirectURI(port))
		iss, sub := idp.Issuer(), idp.Subject()
		if name == "x" || name == "discord" {
			iss, sub = srv.OIDCIssuer(), name+":"+sub
		}
		srv.AddOAuthUser("o", "sub", "ada", iss, id, sub)
	}
	srv.Name("sub", "Ada's wallet", "ada", "ada")
	srv.AddAuthProxy(turnkeytest.AuthProxyConfig{ID: "cfg", OrganizationID: "o", Providers: turnkey.ProviderNames(), OAuthClientIDs: oauthClients})
	pub, _ := srv.Notarizer.PublicKey.Bytes()
	t.Setenv(OverrideSignerEnv, hex.EncodeToString(pub))
	t.Setenv(OAuthProviderEnv, idp.URL)
	t.Setenv("BROWSER", os.Args[0])
	t.Setenv(testBrowserEnv, "1")
	return &oauthWorld{srv: srv, idp: idp, port: port, args: func(provider string, more ...string) []string {
		return append([]string{"login", "--oauth", provider, "--auth-proxy", "cfg", "--auth-proxy-url", srv.URL, "--redirect-port", strconv.Itoa(port)}, more...)
	}}
}

// requests counts the requests to path Turnkey got.
func requests(srv *turnkeytest.Server, path string) int {
	n := 0
	for _, p := range srv.Requests() {
		if p == path {
			n++
		}
	}
	return n
}

func TestOAuthLoginCodeFlows(t *testing.T) {
	w := withOAuth(t)
	c := newCLI(t)
	for _, p := range []string{"facebook", "x", "discord", "apple"} {
		t.Run(p, func(t *testing.T) {
			r := c.run("", false, w.args(p, "--session-key", p)...)
			if r.code != 0 || !strings.Contains(r.out, "as user ada (ada): session "+p+" (now active)") {
				t.Fatalf("exit %d, %q, %q", r.code, r.out, r.errOut)
			}
			if !strings.Contains(r.errOut, OAuthProviderEnv+" is set") || !strings.Contains(r.errOut, "Waiting up to 5m0s for it to come back to "+turnkey.RedirectURI(w.port)) {
				t.Errorf("stderr %q", r.errOut)
			}
			// The address too: an opener may show nothing (no display).
			if !regexp.MustCompile(`Opened the browser to log in with \S+; if it shows nothing, open this address:\n\n  ` + regexp.QuoteMeta(w.idp.URL) + `/authorize\?\S*state=`).MatchString(r.errOut) {
				t.Errorf("stderr %q", r.errOut)
			}
			s := c.state().Sessions[p]
			if s == nil || s.OrganizationID != "sub" || s.UserID != "ada" || !s.TestSigned || !w.srv.HasKey(s.PublicKey) {
				t.Fatalf("stored %+v", s)
			}
			if has, _ := c.keysHave(s.PublicKey); !has {
				t.Error("the key pair is not in the key store")
			}
		})
	}
	c.noSecrets()
}

// A token for another key or app, a redirect that is not the login's, a
// user the app does not know: nothing stored, no key pair left, nothing
// live on Turnkey, and words that say why.
func TestOAuthLoginRefusals(t *testing.T) {
	w := withOAuth(t)
	c := newCLI(t)
	for _, tt := range []struct {
		name, provider string
		setup          func()
		says           string
		asked          bool // Turnkey was asked for the account
		more           []string
	}{
		{"another nonce", "facebook", func() { w.idp.TamperNext(func(c map[string]any) { c["nonce"] = turnkey.OAuthNonce("02ab") }) },
			"bound to another key (its nonce is not the new session key's); it was not sent to Turnkey", false, nil},
		{"another audience", "facebook", func() { w.idp.TamperNext(func(c map[string]any) { c["aud"] = "other-app" }) },
			"is for another app (its aud is not the app's client ID): it is for other-app, not facebook-app", false, nil},
		{"an expired token", "apple", func() { w.idp.TamperNext(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }) },
			"the provider's token has expired", false, nil},
		// Refused, and the login waits on for its own answer.
		{"a wrong state", "discord", func() { w.idp.StateNext("forged") }, "that is not the answer to this login (its state differs or is missing); still waiting", false, []string{"--browser-wait", "1s"}},
		{"a new user", "facebook", func() { w.idp.SignIn("200000000000000000002", "bob@example.com") },
			"this Facebook account (200000000000000000002) has no account at this app yet: sign up in the app first", true, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer w.idp.SignIn("100000000000000000001", "ada@example.com")
			tt.setup()
			before, logins, lookups := c.snapshot(), requests(w.srv, "/public/v1/submit/stamp_login"), requests(w.srv, "/v1/account")
			r := c.run("", false, w.args(tt.provider, tt.more...)...)
			if r.code == 0 || !strings.Contains(r.errOut, tt.says) || !strings.Contains(r.errOut, "the new key pair was deleted") {
				t.Errorf("exit %d, %q", r.code, r.errOut)
			}
			if c.snapshot() != before {
				t.Error("the store changed")
			}
			if requests(w.srv, "/public/v1/submit/stamp_login") != logins {
				t.Error("a session was asked of Turnkey")
			}
			if asked := requests(w.srv, "/v1/account") > lookups; asked != tt.asked {
				t.Errorf("asked the Auth Proxy for the account: %v", asked)
			}
		})
	}
	t.Run("MFA: the factor named, nothing stored", func(t *testing.T) {
		w.srv.RequireMFA("ada", "AUTHENTICATION_TYPE_PASSKEY")
		defer w.srv.RequireMFA("ada")
		before := c.snapshot()
		r := c.run("", false, w.args("x")...)
		if r.code == 0 || !strings.Contains(r.errOut, "needs a passkey") || c.snapshot() != before {
			t.Errorf("exit %d, %q", r.code, r.errOut)
		}
		for _, id := range w.srv.Waiting() {
			w.srv.SatisfyMFA(id)
		}
	})
	t.Run("a provider URL off this machine", func(t *testing.T) {
		t.Setenv(OAuthProviderEnv, "https://idp.example.com")
		r := c.run("", false, w.args("google")...)
		if r.code != ExitUsage || !strings.Contains(r.errOut, "honoured only for a URL of this machine") {
			t.Errorf("exit %d, %q", r.code, r.errOut)
		}
	})
	t.Run("a provider the configuration does not enable", func(t *testing.T) {
		w.srv.AddAuthProxy(turnkeytest.AuthProxyConfig{ID: "cfg2", OrganizationID: "o", Providers: []string{"google"}, OAuthClientIDs: oauthClients})
		r := c.run("", false, append(w.args("x"), "--auth-proxy", "cfg2")...)
		if r.code == 0 || !strings.Contains(r.errOut, "does not enable this provider (X; it enables email, sms, google)") {
			t.Errorf("exit %d, %q", r.code, r.errOut)
		}
	})
}

// lineWriter is stderr that a test can wait on.
type lineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	note chan struct{}
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.buf.Write(p)
	select {
	case l.note <- struct{}{}:
	default:
	}
	return n, err
}

func (l *lineWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitFor waits until re matches what was written, and returns the match.
func (l *lineWriter) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(l.String()); m != nil {
			return m
		}
		select {
		case <-l.note:
		case <-deadline:
			t.Fatalf("no %v in %q", re, l.String())
		}
	}
}

// With --no-browser the address is printed, and the address the browser
// ends on, pasted, finishes the login; a line that is not it (another
// machine's, another login's) says why and the login still waits for it;
// the answer is read in the query or the fragment.
func TestOAuthLoginNoBrowser(t *testing.T) {
	w := withOAuth(t)
	t.Setenv("BROWSER", "/nonexistent")
	for _, tt := range []struct {
		name  string
		paste func(loc string) string
		ok    bool
		says  string
	}{
		{"the address pasted", func(loc string) string { return loc }, true, ""},
		{"the answer moved to the fragment", func(loc string) string { return strings.Replace(loc, "?", "#", 1) }, true, ""},
		{"an address of another machine", func(loc string) string {
			return strings.Replace(loc, "http://127.0.0.1:"+strconv.Itoa(w.port), "https://app.example.com", 1)
		}, false, "the redirect is not to this machine's loopback listener: the pasted URL is not http://127.0.0.1:"},
		{"the address of another login", func(loc string) string {
			return regexp.MustCompile(`state=[^&]*`).ReplaceAllString(loc, "state=another")
		}, false, "the redirect is not the answer to the login tkauth started (its state differs)"},
		{"not an address", func(string) string { return "%zz not a URL" }, false, "the pasted URL is not http://127.0.0.1:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			in, paste := io.Pipe()
			errOut := &lineWriter{note: make(chan struct{}, 1)}
			var out bytes.Buffer
			done := make(chan int)
			go func() {
				done <- Run(append([]string{"--home", c.home, "--keyring", "file"}, w.args("facebook", "--no-browser", "--session-key", "pasted")...),
					&IOStreams{In: in, Out: &out, ErrOut: errOut})
			}()
			m := errOut.waitFor(t, regexp.MustCompile(`\n  (http://\S+)\n`))
			// The browser's part, up to the redirect it would follow.
			hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := hc.Get(m[1])
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("the provider answered %s: %s (%s)", resp.Status, b, m[1])
			}
			loc := resp.Header.Get("Location")
			fmt.Fprintln(paste, tt.paste(loc))
			if !tt.ok {
				errOut.waitFor(t, regexp.MustCompile(regexp.QuoteMeta(tt.says)+`.*\nStill waiting`))
				fmt.Fprintln(paste, loc)
			}
			code := <-done
			paste.Close()
			s := c.state().Sessions["pasted"]
			if code != 0 || s == nil || s.UserID != "ada" {
				t.Fatalf("exit %d, %q; stored %+v", code, errOut.String(), s)
			}
			if !strings.Contains(errOut.String(), "Open this address in a browser to log in with Facebook") {
				t.Errorf("stderr %q", errOut.String())
			}
		})
	}
}

// The loopback listener answers the login's redirect once, refuses a
// request to it by another host name, and closes.
func TestOAuthListenerAnswersOnce(t *testing.T) {
	w := withOAuth(t)
	t.Setenv("BROWSER", "/nonexistent")
	c := newCLI(t)
	in, paste := io.Pipe()
	defer paste.Close()
	errOut := &lineWriter{note: make(chan struct{}, 1)}
	done := make(chan int)
	go func() {
		done <- Run(append([]string{"--home", c.home, "--keyring", "file"}, w.args("discord", "--no-browser")...), &IOStreams{In: in, Out: io.Discard, ErrOut: errOut})
	}()
	m := errOut.waitFor(t, regexp.MustCompile(`\n  (http://\S+)\n`))
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	u, _ := url.Parse(loc)
	// Another name for this machine: refused, and the login still waits.
	req, _ := http.NewRequest(http.MethodGet, loc, nil)
	req.Host = "rebound.example.com:" + u.Port()
	if r, err := hc.Do(req); err != nil || r.StatusCode != http.StatusMisdirectedRequest {
		t.Fatalf("another host: %v %v", r, err)
	}
	// Another login's answer, or none (any page's <img>, any process):
	// refused, said on stderr, and the login still waits.
	for _, bad := range []string{regexp.MustCompile(`state=[^&]*`).ReplaceAllString(loc, "state=another"), "http://127.0.0.1:" + u.Port() + "/callback"} {
		r, err := hc.Get(bad)
		if err != nil || r.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %v %v", bad, r, err)
		}
		r.Body.Close()
	}
	errOut.waitFor(t, regexp.MustCompile(`refused a request to http://127\.0\.0\.1:\d+/callback that is not the answer to this login`))
	r, err := hc.Get(loc)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("the redirect: %v %v", r, err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(body), "tkauth has the login") {
		t.Errorf("page %q", body)
	}
	if code := <-done; code != 0 {
		t.Fatalf("exit %d, %q", code, errOut.String())
	}
	if _, err := hc.Get(loc); err == nil {
		t.Error("the listener still answers after the login")
	}
}

// chromiumFlags run Debian's chromium headless, quiet and alone.
var chromiumFlags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"

// The TUI's social login (l, social login) is the command's: the
// configuration's providers offered, the browser opened, the session
// stored; the demo's stand-in provider stands for every provider.
func TestTUISocialLogin(t *testing.T) {
	w := withOAuth(t)
	t.Setenv(OAuthProviderEnv, "")
	c := newCLI(t)
	env, err := (&Factory{IO: &IOStreams{Out: io.Discard, ErrOut: io.Discard}, Home: c.home, Keyring: "file"}).Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := tuiSocial(env.Manager, w.srv.Client(), w.srv.URL, w.idp.URL, w.port, nil)
	ps, err := s.Providers(context.Background(), "cfg")
	if err != nil || !slices.Equal(ps, append([]string{"email", "sms"}, turnkey.ProviderNames()...)) {
		t.Fatalf("%v %v", ps, err)
	}
	res, err := s.LogIn(context.Background(), "discord", "cfg")
	if err != nil || res.Session.UserID != "ada" || !w.srv.HasKey(res.Session.PublicKey) {
		t.Fatalf("%+v %v", res.Session, err)
	}
}

// Ctrl-C (the context ended) and the wait's end stop the login: nothing
// stored, the new key pair deleted.
func TestOAuthLoginStopsWaiting(t *testing.T) {
	w := withOAuth(t)
	t.Setenv("BROWSER", "true") // opens nothing: no answer comes
	c := newCLI(t)
	before := c.snapshot()
	r := c.run("", false, w.args("google", "--browser-wait", "200ms")...)
	if r.code == 0 || !strings.Contains(r.errOut, "no answer from the browser at "+turnkey.RedirectURI(w.port)+" in 200ms") || !strings.Contains(r.errOut, "the new key pair was deleted") || c.snapshot() != before {
		t.Errorf("exit %d, %q", r.code, r.errOut)
	}
	env, err := (&Factory{IO: &IOStreams{Out: io.Discard, ErrOut: io.Discard}, Home: c.home, Keyring: "file"}).Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := tuiSocial(env.Manager, w.srv.Client(), w.srv.URL, w.idp.URL, w.port, nil)
	go func() {
		// Ctrl-C once the listener is up.
		for {
			if conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(w.port)); err == nil {
				conn.Close()
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	if _, err := s.LogIn(ctx, "google", "cfg"); err == nil || !strings.Contains(err.Error(), "stopped waiting for the browser") || c.snapshot() != before {
		t.Errorf("%v", err)
	}
}

// TKAUTH_OAUTH_PROVIDER_URL is a base URL: a query, fragment or user
// name in it is refused in words, not glued before /authorize.
func TestOAuthProviderURLRefused(t *testing.T) {
	w := withOAuth(t)
	c := newCLI(t)
	for _, u := range []string{w.idp.URL + "/x?y=1", w.idp.URL + "/x#y", strings.Replace(w.idp.URL, "http://", "http://u:p@", 1), w.idp.URL + "?"} {
		t.Setenv(OAuthProviderEnv, u)
		r := c.run("", false, w.args("facebook", "--browser-wait", "1s")...)
		if r.code == 0 || !strings.Contains(r.errOut, "has a query, a fragment or a user name") {
			t.Errorf("%s: exit %d, %q", u, r.code, r.errOut)
		}
	}
}
