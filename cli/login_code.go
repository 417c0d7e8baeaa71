package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// The environment variables of code login, as Turnkey's SDK names its
// settings.
const (
	authProxyEnv    = "TURNKEY_AUTH_PROXY_CONFIG_ID"
	authProxyURLEnv = "TURNKEY_AUTH_PROXY_URL"
)

// loginCodeRun logs in by a code sent to opts.Email or opts.SMS: through
// the Auth Proxy, or, with --org, from the parent organization's API key.
func loginCodeRun(ctx context.Context, opts *LoginOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	l := &turnkey.CodeLogin{API: c, Type: turnkey.OTPEmail, Contact: opts.Email, AppName: "tkauth"}
	if opts.SMS != "" {
		l.Type, l.Contact = turnkey.OTPSMS, opts.SMS
	}
	urls := []string{c.URL}
	if opts.Org != "" {
		if l.ParentKey, err = loadAPIKey(opts.APIKey, opts.APIKeyFile); err != nil {
			return err
		}
		l.Parent, l.SubOrg = opts.Org, opts.SubOrg
	} else {
		if opts.SubOrg != "" {
			return usageError{errors.New("--sub-org goes with --org, the parent organization whose API key sends the code")}
		}
		if opts.AuthProxy == "" {
			return usageError{fmt.Errorf("--auth-proxy (or %s) is required: the Auth Proxy configuration ID of the app's organization; or give --org to send the code from a parent organization's API key", authProxyEnv)}
		}
		if err := turnkey.CheckProxyURL(opts.AuthProxyURL); err != nil {
			return usageError{err}
		}
		l.Proxy = turnkey.NewAuthProxy(opts.AuthProxyURL, opts.AuthProxy)
		urls = append(urls, l.Proxy.URL)
	}
	if l.Anchors, err = anchors(urls...); err != nil {
		return err
	}
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	sent, err := l.Start(ctx)
	if err != nil {
		return fmt.Errorf("no code was sent, nothing was stored: %w", err)
	}
	code, err := readCode(opts.IO, l.Contact, sent, c.Now())
	if err != nil {
		return fmt.Errorf("login failed (nothing was stored): %w", err)
	}
	expires := opts.Expires
	if expires == session.DefaultLifetime && sent.SessionLifetime > 0 {
		expires = sent.SessionLifetime
	}
	lo := session.LoginOptions{Key: opts.SessionKey, Expires: expires, InvalidateExisting: opts.InvalidateExisting, SessionProfileID: opts.SessionProfile}
	if opts.IO.CanPrompt() {
		lo.ConfirmReplace = func(why error) bool {
			fmt.Fprintln(opts.IO.ErrOut, text.Message(why.Error()))
			return opts.IO.ask(text.Question{Title: "Replace it all the same?"}) == nil
		}
	}
	r := session.LoginRequest{Expires: expires, InvalidateExisting: opts.InvalidateExisting, SessionProfileID: opts.SessionProfile}
	res, err := env.Manager.LoginBy(ctx, c, lo, l.Issue(ctx, sent, code, r))
	if err != nil {
		return fmt.Errorf("login failed (no session was stored, and the new key pair was deleted): %w", err)
	}
	sayLoggedIn(ctx, opts, env.Manager, res)
	return nil
}

// readCode asks for the code on a terminal, saying where it went and how
// long it lives, or reads one line of stdin; a code that cannot be the one
// sent is refused before it costs one of its tries.
func readCode(ios *IOStreams, contact string, sent turnkey.Sent, now time.Time) (string, error) {
	if !ios.CanPrompt() {
		line, err := bufio.NewReader(ios.In).ReadString('\n')
		code := strings.TrimSpace(line)
		if code == "" {
			return "", fmt.Errorf("no code on stdin (one line): %v", err)
		}
		return code, sent.CheckCode(code)
	}
	shape := "code"
	if sent.CodeLength > 0 {
		shape = fmt.Sprintf("%d-character code", sent.CodeLength)
	}
	fmt.Fprintf(ios.ErrOut, "Turnkey sent a %s to %s; it lives until %s (%s).\n", shape, text.Clean(contact), sent.Expires.Format("15:04"), sent.Expires.Sub(now).Round(time.Minute))
	in := bufio.NewReader(ios.In)
	for range 3 {
		fmt.Fprint(ios.ErrOut, "Code: ")
		line, err := in.ReadString('\n')
		code := strings.TrimSpace(line)
		if code == "" && err != nil {
			return "", fmt.Errorf("no code: %w", err)
		}
		if err := sent.CheckCode(code); err != nil {
			fmt.Fprintln(ios.ErrOut, text.Message(err.Error()))
			continue
		}
		return code, nil
	}
	return "", errors.New("no code of the right shape after 3 tries")
}
