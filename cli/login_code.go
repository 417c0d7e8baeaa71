package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// The environment variables of code login, as Turnkey's SDK names its
// settings.
const (
	authProxyEnv    = "TURNKEY_AUTH_PROXY_CONFIG_ID"
	authProxyURLEnv = "TURNKEY_AUTH_PROXY_URL"
)

// codeLogin says how a code login goes: a code of Type (turnkey.OTPEmail,
// OTPSMS, OTPWhatsApp; email if "") to Contact, through the Auth Proxy
// configuration ProxyID at ProxyURL, or, with ParentKey, from parent
// organization Parent's API key.
type codeLogin struct {
	Type              string
	Contact           string
	ProxyID, ProxyURL string
	ParentKey         session.Signer
	Parent, SubOrg    string
}

// build is the login's steps with client c, the trust anchors checked
// against every URL in play.
func (o codeLogin) build(c *turnkey.Client) (*turnkey.CodeLogin, error) {
	l := &turnkey.CodeLogin{API: c, Type: cmp.Or(o.Type, turnkey.OTPEmail), Contact: o.Contact, AppName: "tkauth"}
	urls := []string{c.URL}
	if o.ParentKey != nil {
		l.ParentKey, l.Parent, l.SubOrg = o.ParentKey, o.Parent, o.SubOrg
	} else {
		if o.SubOrg != "" {
			return nil, usageError{errors.New("--sub-org goes with --org, the parent organization whose API key sends the code")}
		}
		if o.ProxyID == "" {
			return nil, usageError{fmt.Errorf("--auth-proxy (or %s) is required: the Auth Proxy configuration ID of the app's organization; or give --org to send the code from a parent organization's API key", authProxyEnv)}
		}
		if err := turnkey.CheckProxyURL(o.ProxyURL); err != nil {
			return nil, usageError{err}
		}
		l.Proxy = turnkey.NewAuthProxy(o.ProxyURL, o.ProxyID)
		urls = append(urls, l.Proxy.URL)
	}
	var err error
	l.Anchors, err = anchors(urls...)
	return l, err
}

// errNoCodeSent words a failure to send the code.
func errNoCodeSent(err error) error {
	return fmt.Errorf("no code was sent, nothing was stored: %w", err)
}

// errCodeLogin words a code login that failed once the code was read:
// the new key pair was deleted, unless the error says it was left.
func errCodeLogin(err error) error {
	if errors.Is(err, session.ErrKeyPairLeft) {
		return fmt.Errorf("login failed (no session was stored): %w", err)
	}
	return fmt.Errorf("login failed (no session was stored, and the new key pair was deleted): %w", err)
}

// errLogin words a login that failed: nothing was stored, unless the
// error says the new key pair was left.
func errLogin(err error) error {
	if errors.Is(err, session.ErrKeyPairLeft) {
		return fmt.Errorf("login failed (no session was stored): %w", err)
	}
	return fmt.Errorf("login failed (nothing was stored): %w", err)
}

// loginCodeRun logs in by a code sent to opts.Email, SMS or WhatsApp: through
// the Auth Proxy, or, with --org, from the parent organization's API key.
func loginCodeRun(ctx context.Context, opts *LoginOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	o := codeLogin{Type: opts.codeType(), Contact: opts.Email + opts.SMS + opts.WhatsApp, ProxyID: opts.AuthProxy, ProxyURL: opts.AuthProxyURL, Parent: opts.Org, SubOrg: opts.SubOrg}
	if opts.Org != "" {
		if o.ParentKey, err = opts.LoadAPIKey(ctx, opts.APIKey, opts.APIKeyFile); err != nil {
			return err
		}
	}
	l, err := o.build(c)
	if err != nil {
		return err
	}
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	sent, err := l.Start(ctx)
	if err != nil {
		return errNoCodeSent(err)
	}
	code, err := readCode(opts.IO, l.Contact, sent, c.Now())
	if err != nil {
		return fmt.Errorf("login failed (nothing was stored): %w", err)
	}
	res, err := env.Manager.Login(ctx, l.WithCode(sent, code), opts.loginOptions(nil))
	if err != nil {
		return errCodeLogin(err)
	}
	sayLoggedIn(ctx, opts, env.Manager, res)
	return nil
}

// readCode asks for the code on a terminal, saying where it went and how
// long it lives, or reads one line of stdin; a code that cannot be the one
// sent is refused before it costs one of its tries. It reads no further
// than the line: an MFA factor's code may follow the login's.
func readCode(ios *IOStreams, contact string, sent turnkey.Sent, now time.Time) (string, error) {
	if !ios.CanPrompt() {
		line, err := readLine(ios.In)
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
	fmt.Fprintf(ios.ErrOut, "Turnkey sent a %s to %s; it lives until %s (%s).\n", shape, escape.Clean(contact), sent.Expires.Format("15:04"), sent.Expires.Sub(now).Round(time.Minute))
	for range 3 {
		fmt.Fprint(ios.ErrOut, "Code: ")
		line, err := readLine(ios.In)
		code := strings.TrimSpace(line)
		if code == "" && err != nil {
			return "", fmt.Errorf("no code: %w", err)
		}
		if err := sent.CheckCode(code); err != nil {
			fmt.Fprintln(ios.ErrOut, escape.Message(err.Error()))
			continue
		}
		return code, nil
	}
	return "", errors.New("no code of the right shape after 3 tries")
}
