//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// CodeLogin is a login by a code sent to an email address or phone
// number, as Turnkey's SDK does it: through the Auth Proxy with no API
// key (Proxy set), or from a parent organization's API key (ParentKey
// set). The code never travels in clear: it is encrypted to the enclave's
// target key, with the new session key, and Turnkey answers a
// verification token bound to that key, which then logs in.
type CodeLogin struct {
	API     *Client
	Anchors Anchors
	Type    string // OTPEmail, OTPSMS or OTPWhatsApp
	Contact string

	Proxy *AuthProxy

	ParentKey session.Signer
	Parent    string // the parent organization
	SubOrg    string // the user's sub-organization; found if ""
	AppName   string // named in the message with the code
}

// Sent is a code on its way: where it went, what it looks like, how long
// it lives.
type Sent struct {
	OTP          OTP
	Target       Target
	Organization string // where the code was sent from
	CodeLength   int    // 0: unknown
	Alphanumeric bool
	Expires      time.Time
	// SessionLifetime is the Auth Proxy configuration's, 0 if none.
	SessionLifetime time.Duration
}

// codeLife is how long Turnkey's codes live unless told otherwise.
const codeLife = 5 * time.Minute

// CodeTries is how many wrong tries Turnkey takes for a code: the last
// one spends it, and a new code is needed ("OTP has exceeded the maximum
// number of attempts" after).
const CodeTries = 3

// Start has Turnkey send the code.
func (l *CodeLogin) Start(ctx context.Context) (Sent, error) {
	var sent Sent
	var err error
	if l.Proxy != nil {
		cfg, err := l.Proxy.Config(ctx)
		if err != nil {
			return Sent{}, err
		}
		sent.Organization, sent.CodeLength, sent.Alphanumeric, sent.SessionLifetime = cfg.OrganizationID, cfg.CodeLength, cfg.Alphanumeric, cfg.SessionLifetime
		sent.OTP, err = l.Proxy.InitOTP(ctx, l.Type, l.Contact)
		if err != nil {
			return Sent{}, err
		}
	} else {
		sent.Organization, sent.CodeLength = l.Parent, 6
		sent.OTP, err = l.API.InitOTP(ctx, l.ParentKey, l.Parent, OTPRequest{Type: l.Type, Contact: l.Contact, AppName: l.AppName, Length: 6})
		if err != nil {
			return Sent{}, err
		}
	}
	sent.Expires = l.API.Now().Add(codeLife)
	sent.Target, err = VerifyTargetBundle(sent.OTP.TargetBundle, l.Anchors.Enclave)
	if err != nil {
		return Sent{}, fmt.Errorf("the code was sent, but its encryption target is not to be trusted, so tkauth will not send the code back: %w", err)
	}
	return sent, nil
}

// CheckCode refuses a code that cannot be the one sent, before it costs a
// try.
func (s Sent) CheckCode(code string) error {
	if code == "" {
		return errors.New("no code was given")
	}
	if s.CodeLength > 0 && len([]rune(code)) != s.CodeLength {
		return fmt.Errorf("the code has %d characters; the one sent has %d", len([]rune(code)), s.CodeLength)
	}
	for _, r := range code {
		digit := r >= '0' && r <= '9'
		if !digit && (!s.Alphanumeric || !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')) {
			what := "digits"
			if s.Alphanumeric {
				what = "letters and digits"
			}
			return fmt.Errorf("the code is %s only; %s is not one", what, strconv.QuoteRune(r))
		}
	}
	return nil
}

// WithCode is the login's steps once the code is read, as the issuer of
// session.Manager.Login: encrypt code and the session key to the target,
// have Turnkey verify it, check the verification token, and log in with
// it. The session lasts as the Auth Proxy configuration says unless the
// login asks for other than session.DefaultLifetime.
func (l *CodeLogin) WithCode(sent Sent, code string) session.Issuer {
	return codeIssuer{l: l, sent: sent, code: code}
}

// codeIssuer is a CodeLogin whose code was read.
type codeIssuer struct {
	l    *CodeLogin
	sent Sent
	code string
}

var _ session.ThroughAuthProxy = codeIssuer{}

// AuthProxy is the Auth Proxy configuration the code went through; none
// when a parent organization's API key sent it.
func (c codeIssuer) AuthProxy() session.AuthProxyConfig {
	if c.l.ParentKey != nil || c.l.Proxy == nil {
		return session.AuthProxyConfig{}
	}
	return session.AuthProxyConfig{ID: c.l.Proxy.ConfigID, URL: c.l.Proxy.URL}
}

// API is the API the login goes to.
func (c codeIssuer) API() session.TurnkeyAPI { return c.l.API }

// Expect is no one: who the session is for, only the session says.
func (c codeIssuer) Expect(context.Context) (session.Identity, error) { return session.Identity{}, nil }

// Issue runs the steps after the code for key, the new session key.
func (c codeIssuer) Issue(ctx context.Context, key session.Signer, r session.LoginRequest) (string, error) {
	l, sent := c.l, c.sent
	if r.Expires == session.DefaultLifetime && sent.SessionLifetime > 0 {
		r.Expires = sent.SessionLifetime
	}
	enc, err := EncryptCode(sent.Target, strings.ToUpper(c.code), key.PublicKey())
	if err != nil {
		return "", err
	}
	var raw string
	if l.Proxy != nil {
		raw, err = l.Proxy.VerifyOTP(ctx, sent.OTP.ID, enc)
	} else {
		raw, err = l.API.VerifyOTP(ctx, l.ParentKey, l.Parent, sent.OTP.ID, enc)
	}
	if err != nil {
		return "", err
	}
	tok, err := VerifyVerificationToken(raw, l.Anchors.Enclave, l.API.Now())
	if err != nil {
		return "", fmt.Errorf("Turnkey's verification token: %w", err)
	}
	if tok.PublicKey != key.PublicKey() {
		return "", fmt.Errorf("the verification token is bound to %s, not to the new session key %s", escape.Clean(session.Short(tok.PublicKey)), session.Short(key.PublicKey()))
	}
	r.PublicKey = key.PublicKey()
	if l.Proxy != nil {
		r.Org = tok.OrganizationID
		ctx = context.WithValue(ctx, mfaProxyKey{}, &mfaProxy{proxy: l.Proxy, length: sent.CodeLength, alphanumeric: sent.Alphanumeric})
		return l.API.StampLoginAttested(ctx, key, tok.Raw, r)
	}
	if r.Org, err = l.subOrg(ctx); err != nil {
		return "", err
	}
	sig, err := SignLogin(key, tok.ID)
	if err != nil {
		return "", err
	}
	return l.API.OTPLogin(ctx, l.ParentKey, tok.Raw, sig, r)
}

// subOrg is the user's sub-organization: SubOrg, or the one sub-organization
// of Parent whose user verified Contact.
func (l *CodeLogin) subOrg(ctx context.Context) (string, error) {
	if l.SubOrg != "" {
		return l.SubOrg, nil
	}
	ids, err := l.API.VerifiedSubOrgs(ctx, l.ParentKey, l.Parent, l.Contact, l.Type != OTPEmail)
	if err != nil {
		return "", fmt.Errorf("finding the sub-organization of %s: %w", escape.Clean(l.Contact), err)
	}
	switch len(ids) {
	case 0:
		return "", &SubOrgError{Parent: l.Parent, Contact: l.Contact}
	case 1:
		return ids[0], nil
	}
	return "", &SubOrgError{Parent: l.Parent, Contact: l.Contact, IDs: ids}
}
