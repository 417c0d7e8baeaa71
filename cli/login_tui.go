package cli

import (
	"cmp"
	"context"
	"errors"
	"strings"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// tuiClient is a client of the API at base for the TUI: when an activity
// needs an API key factor and the user's API key (apiKey, found by load)
// is at hand, it asks the TUI whether to approve with it; it waits
// ui.MFAWait for the factors left, and says so on waits, which the TUI's
// status line counts down; nothing goes to the terminal.
func tuiClient(base string, waits chan<- ui.MFAWaiting, load apiKeyLoader, apiKey string) *turnkey.Client {
	c := turnkey.New(base)
	c.MFAWait = ui.MFAWait
	c.Approve = func(ctx context.Context, n turnkey.MFANeeded) ([]turnkey.Approver, error) {
		if load == nil || !n.Asks(turnkey.FactorAPIKey) {
			return nil, nil
		}
		name, file := apiKey, ""
		if strings.ContainsRune(name, '/') {
			name, file = "", name
		}
		key, err := load(ctx, name, file)
		if err != nil {
			return nil, nil // none at hand: the factor is given elsewhere
		}
		a := turnkey.KeyApprover{Key: key, Name: "an API key factor, with your API key " + cmp.Or(apiKey, turnkey.DefaultKeyName)}
		answer := make(chan bool, 1)
		select {
		case waits <- ui.MFAWaiting{Factors: n.Factors, Offer: []string{a.Name}, Answer: answer}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		select {
		case yes := <-answer:
			if yes {
				return []turnkey.Approver{a}, nil
			}
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c.OnMFA = func(n turnkey.MFANeeded) func() {
		select {
		case waits <- ui.MFAWaiting{Factors: n.Factors, Until: n.Until}:
		default: // one is shown already
		}
		return nil
	}
	return c
}

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
