package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// OAuthProviderEnv replaces every social login provider's endpoints by
// URL/authorize and URL/token: a stand-in, or a provider on this machine.
const OAuthProviderEnv = "TKAUTH_OAUTH_PROVIDER_URL"

// oauthProviderNotice is said on stderr by a social login while it is set.
const oauthProviderNotice = OAuthProviderEnv + " is set: %s/authorize and %s/token stand for the provider's endpoints; this machine only"

// browserWait bounds the wait for the browser's redirect.
const browserWait = 5 * time.Minute

// oauthOptions are login's social login flags.
type oauthOptions struct {
	Provider     string
	ClientID     string
	NoBrowser    bool
	RedirectPort int
	// Wait bounds the wait for the browser (browserWait if not above 0).
	Wait time.Duration
}

// oauthFlags adds the social login flags to login.
func oauthFlags(cmd *cobra.Command, o *oauthOptions) {
	cmd.Flags().StringVar(&o.Provider, "oauth", "", "log in with a social login: "+strings.Join(turnkey.ProviderNames(), ", ")+" (with --auth-proxy)")
	cmd.RegisterFlagCompletionFunc("oauth", completeWords(turnkey.ProviderNames()...))
	cmd.Flags().StringVar(&o.ClientID, "oauth-client-id", "", "with --oauth: the app's client ID at the provider (default: the Auth Proxy configuration's)")
	cmd.Flags().BoolVar(&o.NoBrowser, "no-browser", false, "with --oauth: print the URL to open instead of opening a browser; the address the browser ends on may be pasted back")
	cmd.Flags().IntVar(&o.RedirectPort, "redirect-port", turnkey.DefaultRedirectPort, "with --oauth: the loopback port of the redirect URI http://127.0.0.1:PORT/callback")
	cmd.Flags().DurationVar(&o.Wait, "browser-wait", browserWait, "with --oauth: how long to wait for the browser to come back")
	cmd.MarkFlagsMutuallyExclusive("oauth", "email")
	cmd.MarkFlagsMutuallyExclusive("oauth", "sms")
	cmd.MarkFlagsMutuallyExclusive("oauth", "whatsapp")
	cmd.MarkFlagsMutuallyExclusive("oauth", "org")
}

// providerURL is TKAUTH_OAUTH_PROVIDER_URL, checked: "" when unset.
func providerURL() (string, error) {
	u := strings.TrimRight(os.Getenv(OAuthProviderEnv), "/")
	if u == "" {
		return "", nil
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || !turnkey.IsLoopback(u) {
		return "", usageError{fmt.Errorf("%s is honoured only for a URL of this machine (http://127.0.0.1:PORT); %s is not: unset it to log in at the provider", OAuthProviderEnv, escape.Clean(u))}
	}
	if p.RawQuery != "" || p.ForceQuery || p.Fragment != "" || p.User != nil {
		return "", usageError{fmt.Errorf("%s is a base URL that /authorize and /token follow: %s has a query, a fragment or a user name; give it without", OAuthProviderEnv, escape.Clean(u))}
	}
	return u, nil
}

// loginOAuthRun logs in with a social login: the provider's consent in a
// browser, its answer read by a loopback listener, through the Auth Proxy.
func loginOAuthRun(ctx context.Context, opts *LoginOptions) error {
	o := opts.OAuth
	p, ok := turnkey.LookupProvider(o.Provider)
	if !ok {
		return usageError{fmt.Errorf("--oauth %s: choose %s", escape.Clean(o.Provider), strings.Join(turnkey.ProviderNames(), ", "))}
	}
	if o.Wait <= 0 {
		o.Wait = browserWait
	}
	if o.RedirectPort <= 0 || o.RedirectPort > 65535 {
		return usageError{fmt.Errorf("--redirect-port %d is not a port", o.RedirectPort)}
	}
	if opts.AuthProxy == "" {
		return usageError{fmt.Errorf("--auth-proxy (or %s) is required: the Auth Proxy configuration ID of the app's organization", authProxyEnv)}
	}
	if err := turnkey.CheckProxyURL(opts.AuthProxyURL); err != nil {
		return usageError{err}
	}
	base, err := providerURL()
	if err != nil {
		return err
	}
	if base != "" {
		p = p.WithProviderURL(base)
		opts.IO.warn(oauthProviderNotice, escape.Clean(base), escape.Clean(base))
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	proxy := turnkey.NewAuthProxy(opts.AuthProxyURL, opts.AuthProxy)
	// The session's token is checked against the anchors of every URL in play.
	if _, err := anchors(c.URL, proxy.URL); err != nil {
		return err
	}
	// Ctrl-C ends the wait, or a question, and the login deletes its new
	// key pair (and ends the session Turnkey issued, if it did).
	ctx, stop := notifyCtrlC(ctx)
	defer stop()
	// One reader of stdin for the whole command: the pasted address while
	// the login waits for it, then the questions' answers.
	in := newStdinLines(ctx, opts.IO.In)
	defer func(r io.Reader) { opts.IO.In = r }(opts.IO.In)
	opts.IO.In = in
	// The listener's notices and the paste reader's answers come from
	// goroutines of their own: stderr is written one message at a time.
	// It is not put back: a goroutine may still be saying something.
	opts.IO.ErrOut = &lockedWriter{w: opts.IO.ErrOut}
	l := &turnkey.OAuthLogin{API: c, Proxy: proxy, Provider: p, ClientID: o.ClientID, Port: o.RedirectPort, Wait: o.Wait}
	l.Open = func(authURL, redirectURI string, paste func(string) error) error {
		return showAuthURL(opts, p, authURL, redirectURI, l.Wait, in, paste)
	}
	l.Notice = func(s string) { opts.IO.warn("%s", s) }
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	start, err := l.Start(ctx)
	if err != nil {
		return fmt.Errorf("login failed (nothing was stored): %w", err)
	}
	res, err := env.Manager.Login(ctx, l.Issuer(start), opts.loginOptions(nil))
	if err != nil {
		return errOAuthLogin(err)
	}
	sayLoggedIn(ctx, opts, env.Manager, res)
	return nil
}

// errOAuthLogin words a social login that failed: nothing stored, no
// session live on Turnkey unless the error says otherwise.
func errOAuthLogin(err error) error {
	var nu *turnkey.NewUserError
	if errors.As(err, &nu) {
		return fmt.Errorf("no session was stored, and the new key pair was deleted: %w", err)
	}
	return errCodeLogin(err)
}

// showAuthURL opens the provider's page in a browser ($BROWSER, else the
// platform's opener), or prints it with --no-browser, and says what the
// login waits for; with --no-browser, lines on stdin are taken as the
// address the browser ended on.
func showAuthURL(opts *LoginOptions, p turnkey.Provider, authURL, redirectURI string, wait time.Duration, in *stdinLines, paste func(string) error) error {
	ios := opts.IO
	if opts.OAuth.NoBrowser {
		// Lines are the paste's before the address is shown: one pasted
		// at once must not go to a later question.
		in.divert(func(line string) bool {
			err := paste(line)
			if errors.Is(err, turnkey.ErrAnswered) {
				return false
			}
			if err != nil {
				fmt.Fprintf(ios.ErrOut, "%s\nStill waiting: paste the address the browser ends on (%s…):\n", escape.Message(err.Error()), redirectURI)
			}
			return true
		})
		fmt.Fprintf(ios.ErrOut, "Open this address in a browser to log in with %s:\n\n  %s\n\n", p.Title, escape.Whole(authURL))
		fmt.Fprintf(ios.ErrOut, "Waiting up to %s for the browser to come back to %s (Ctrl-C to stop).\nIf that browser cannot reach this machine, paste here the address it ends on (%s…):\n", wait, redirectURI, redirectURI)
		return nil
	}
	if err := openBrowser(authURL); err != nil {
		return fmt.Errorf("could not open a browser (%w): give --no-browser to open the address yourself", err)
	}
	// Printed too: an opener may succeed and show nothing (no display).
	fmt.Fprintf(ios.ErrOut, "Opened the browser to log in with %s; if it shows nothing, open this address:\n\n  %s\n\nWaiting up to %s for it to come back to %s (Ctrl-C to stop).\n", p.Title, escape.Whole(authURL), wait, redirectURI)
	return nil
}

// errCtrlC is the cause of a command's context that Ctrl-C ended.
var errCtrlC = errors.New("Ctrl-C")

// notifyCtrlC is ctx, ended by Ctrl-C with errCtrlC as its cause.
func notifyCtrlC(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		select {
		case <-sig:
			cancel(errCtrlC)
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(sig); cancel(nil) }
}

// stdinLines is a command's one reader of its stdin: each line goes to
// the function divert set, while it takes lines, else to whoever reads
// stdinLines (a question, a code's prompt). Reads end when ctx does.
type stdinLines struct {
	pr   *io.PipeReader
	mu   sync.Mutex
	take func(line string) bool
}

func newStdinLines(ctx context.Context, r io.Reader) *stdinLines {
	pr, pw := io.Pipe()
	s := &stdinLines{pr: pr}
	go func() {
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				s.mu.Lock()
				take := s.take
				s.mu.Unlock()
				if take == nil || !take(line) {
					// Taken no more: the rest goes to the readers.
					s.divert(nil)
					if _, err := pw.Write([]byte(line)); err != nil {
						return
					}
				}
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
	}()
	context.AfterFunc(ctx, func() {
		err := context.Cause(ctx)
		if err == context.Canceled {
			err = errors.New("the command ended")
		}
		pr.CloseWithError(fmt.Errorf("stopped: %w", err))
	})
	return s
}

// divert hands the lines read from now on to take while it returns true.
func (s *stdinLines) divert(take func(line string) bool) {
	s.mu.Lock()
	s.take = take
	s.mu.Unlock()
}

func (s *stdinLines) Read(p []byte) (int, error) { return s.pr.Read(p) }

// openBrowser runs $BROWSER URL (the first of its colon-separated
// commands; %s, if there, is the URL), else the platform's opener. It
// does not wait for the browser to exit.
func openBrowser(u string) error {
	var argv []string
	if b := os.Getenv("BROWSER"); b != "" {
		first, _, _ := strings.Cut(b, ":")
		argv = strings.Fields(first)
		subst := false
		for i, a := range argv {
			if strings.Contains(a, "%s") {
				argv[i], subst = strings.ReplaceAll(a, "%s", u), true
			}
		}
		if !subst {
			argv = append(argv, u)
		}
	} else {
		switch runtime.GOOS {
		case "darwin":
			argv = []string{"open", u}
		case "windows":
			// The URL's default handler, as Windows' start does, without
			// cmd.exe's parsing of the URL's & and ^.
			argv = []string{"rundll32", "url.dll,FileProtocolHandler", u}
		default:
			argv = []string{"xdg-open", u}
		}
	}
	if len(argv) == 0 {
		return errors.New("BROWSER names no command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// tuiSocial is the TUI's social login: the command's steps with client
// c, through the Auth Proxy at proxyURL, the browser opened as the command
// opens it, the redirect to port, nothing said on the terminal. providerBase, if set, stands
// for every provider (the demo's stand-in), as TKAUTH_OAUTH_PROVIDER_URL
// does; trust, if set, is the demo's.
func tuiSocial(m *session.Manager, c *turnkey.Client, proxyURL, providerBase string, port int, trust *turnkey.Anchors) *ui.SocialLogin {
	check := func() error {
		if err := turnkey.CheckProxyURL(proxyURL); err != nil {
			return err
		}
		if trust == nil {
			_, err := anchors(c.URL, proxyURL)
			return err
		}
		return nil
	}
	return &ui.SocialLogin{
		Wait: browserWait,
		Providers: func(ctx context.Context, proxy string) ([]string, error) {
			if err := check(); err != nil {
				return nil, err
			}
			cfg, err := turnkey.NewAuthProxy(proxyURL, proxy).Config(ctx)
			return cfg.Providers, err
		},
		LogIn: func(ctx context.Context, provider, proxy string) (session.StoreResult, error) {
			p, ok := turnkey.LookupProvider(provider)
			if !ok {
				return session.StoreResult{}, fmt.Errorf("%s is not a social login tkauth knows: %s", escape.Clean(provider), strings.Join(turnkey.ProviderNames(), ", "))
			}
			if err := check(); err != nil {
				return session.StoreResult{}, err
			}
			base := providerBase
			if base == "" {
				var err error
				if base, err = providerURL(); err != nil {
					return session.StoreResult{}, err
				}
			}
			if base != "" {
				p = p.WithProviderURL(base)
			}
			l := &turnkey.OAuthLogin{API: c, Proxy: turnkey.NewAuthProxy(proxyURL, proxy), Provider: p, Port: port, Wait: browserWait,
				Open: func(authURL, _ string, _ func(string) error) error {
					ui.ShowAuthURL(ctx, authURL)
					return openBrowser(authURL)
				}}
			start, err := l.Start(ctx)
			if err != nil {
				return session.StoreResult{}, fmt.Errorf("login failed (nothing was stored): %w", err)
			}
			res, err := m.Login(ctx, l.Issuer(start), session.LoginOptions{Expires: session.DefaultLifetime})
			if err != nil {
				return res, errOAuthLogin(err)
			}
			return res, nil
		},
	}
}

// lockedWriter writes to w one Write at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
