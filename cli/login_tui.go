package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// tuiLogin is the TUI's l: the login command's steps with client c, which
// asks nothing on the terminal and draws no spinner there. Codes go
// through the Auth Proxy at proxyURL (the form starts with configuration
// proxyID); an API key is found as --api-key finds it, or read from the
// file it names when it holds a slash. trust, if set, replaces the
// anchors that TKAUTH_DANGEROUSLY_OVERRIDE_SIGNER would give: the demo's
// stand-in.
func tuiLogin(m *session.Manager, c *turnkey.Client, load apiKeyLoader, proxyURL, proxyID, apiKey string, trust *turnkey.Anchors) *ui.Login {
	return &ui.Login{
		AuthProxy: proxyID,
		APIKey:    apiKey,
		SendCode: func(ctx context.Context, by ui.CodeChannel, contact, proxy string) (ui.CodeSent, error) {
			o := codeLogin{Type: otpTypeOf[by], Contact: contact, ProxyID: proxy, ProxyURL: proxyURL}
			l, err := o.build(c)
			if err != nil {
				return ui.CodeSent{}, err
			}
			if trust != nil {
				l.Anchors = *trust
			}
			sent, err := l.Start(ctx)
			if err != nil {
				return ui.CodeSent{}, errNoCodeSent(err)
			}
			return ui.CodeSent{
				To: contact, Length: sent.CodeLength, Expires: sent.Expires, Check: sent.CheckCode,
				Finish: func(ctx context.Context, code string) (session.StoreResult, error) {
					res, err := m.Login(ctx, l.WithCode(sent, code), session.LoginOptions{Expires: session.DefaultLifetime})
					if err != nil {
						return res, errCodeLogin(err)
					}
					return res, nil
				},
				Spent: func(err error) bool {
					return errors.Is(err, turnkey.ErrCodeSpent) || errors.Is(err, turnkey.ErrCodeExpired) || errors.Is(err, turnkey.ErrTokenExpired)
				},
				Wrong: func(err error) bool { return errors.Is(err, turnkey.ErrWrongCode) },
				Tries: turnkey.CodeTries,
			}, nil
		},
		WithAPIKey: func(ctx context.Context, org, name string) (session.StoreResult, error) {
			file := ""
			if strings.ContainsRune(name, '/') {
				name, file = "", name
			}
			key, err := load(ctx, name, file)
			if err != nil {
				return session.StoreResult{}, err
			}
			ctx = context.WithValue(ctx, loginKeyCtx{}, loginKey{key, name + file})
			res, err := m.Login(ctx, session.APIKeyLogin{Turnkey: c, Key: key, Org: org}, session.LoginOptions{Expires: session.DefaultLifetime})
			if err != nil {
				return res, errLogin(err)
			}
			return res, nil
		},
	}
}

// otpTypeOf is the OTP type, as Turnkey names it, of each way the TUI's
// form sends a code.
var otpTypeOf = map[ui.CodeChannel]string{ui.CodeByEmail: turnkey.OTPEmail, ui.CodeBySMS: turnkey.OTPSMS, ui.CodeByWhatsApp: turnkey.OTPWhatsApp}
