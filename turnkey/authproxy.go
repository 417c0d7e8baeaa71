//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// DefaultAuthProxyURL is Turnkey's Auth Proxy.
const DefaultAuthProxyURL = "https://authproxy.turnkey.com"

// AuthProxy calls Turnkey's Auth Proxy, which sends and checks login codes
// for an organization's users with no API key: its requests carry the
// configuration's ID, no stamp. The zero value is not usable: use
// NewAuthProxy.
type AuthProxy struct {
	URL            string
	ConfigID       string
	HTTP           *http.Client
	RequestTimeout time.Duration
}

// NewAuthProxy returns a client of the Auth Proxy at baseURL
// (DefaultAuthProxyURL if empty) for configuration configID.
func NewAuthProxy(baseURL, configID string) *AuthProxy {
	if baseURL == "" {
		baseURL = DefaultAuthProxyURL
	}
	return &AuthProxy{
		URL:            strings.TrimRight(baseURL, "/"),
		ConfigID:       configID,
		HTTP:           noRedirects(),
		RequestTimeout: 15 * time.Second,
	}
}

// CheckProxyURL refuses an Auth Proxy URL that is not https, except http
// to this machine: codes and tokens cross it.
func CheckProxyURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return fmt.Errorf("%w: %s is not a URL like %s", ErrInsecureURL, escape.Clean(raw), DefaultAuthProxyURL)
	case u.Scheme == "http" && !IsLoopback(raw):
		return fmt.Errorf("%w: %s would carry login codes and tokens in the clear; only this machine may be reached over http", ErrInsecureURL, escape.Clean(raw))
	}
	return nil
}

// ProxyError is the Auth Proxy's refusal, in its words and in tkauth's.
type ProxyError struct {
	Path    string
	Status  int
	Code    int
	Message string
}

func (e *ProxyError) Error() string {
	msg := escape.Clean(e.Message)
	if a := Advice(e.Message); a != "" {
		return fmt.Sprintf("%s (the Auth Proxy: %s)", a, msg)
	}
	return fmt.Sprintf("the Auth Proxy answered %d to %s: %s", e.Status, e.Path, msg)
}

// Is makes a refusal of a code ErrWrongCode, of more codes ErrTooManyCodes.
func (e *ProxyError) Is(target error) bool { return kindOf(e.Message) == target }

// Errors of code login, by what the Auth Proxy or Turnkey said.
var (
	ErrWrongCode     = errors.New("the code is not the one Turnkey sent")
	ErrTooManyCodes  = errors.New("Turnkey has sent as many codes to this address as it allows at once")
	ErrCaptcha       = errors.New("the organization asks for a captcha, which only a browser can solve")
	ErrOrigin        = errors.New("the organization's Auth Proxy does not allow requests from here (its allowed origins)")
	ErrCodeExpired   = errors.New("the code has expired")
	ErrCodeSpent     = errors.New("the code took all its tries")
	ErrUnknownConfig = errors.New("the Auth Proxy does not know that configuration ID")
)

func kindOf(msg string) error {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "invalid otp"):
		return ErrWrongCode
	case strings.Contains(m, "max number of otps"):
		return ErrTooManyCodes
	case strings.Contains(m, "captcha"):
		return ErrCaptcha
	case strings.Contains(m, "origin"):
		return ErrOrigin
	case strings.Contains(m, "maximum number of attempts"):
		return ErrCodeSpent
	case strings.Contains(m, "otp") && strings.Contains(m, "expired"):
		return ErrCodeExpired
	case strings.Contains(m, "config") && (strings.Contains(m, "not found") || strings.Contains(m, "invalid")):
		return ErrUnknownConfig
	}
	return nil
}

// Advice says, for Turnkey's words about a code login, what went wrong
// and what to do; "" when they are none tkauth knows.
func Advice(msg string) string {
	switch k := kindOf(msg); k {
	case ErrWrongCode:
		return fmt.Sprintf("%v: type it again (a code takes 3 tries), or log in again for a new one", k)
	case ErrTooManyCodes:
		return fmt.Sprintf("%v (3 live codes): use the last one sent, or wait until they expire (5 minutes)", k)
	case ErrCaptcha:
		return fmt.Sprintf("%v: turn the captcha off for this Auth Proxy configuration, or log in from a parent organization's API key", k)
	case ErrOrigin:
		return fmt.Sprintf("%v: add this origin, or *, to the configuration in Turnkey's dashboard", k)
	case ErrCodeExpired, ErrCodeSpent:
		return fmt.Sprintf("%v: log in again for a new one", k)
	case ErrUnknownConfig:
		return fmt.Sprintf("%v: check the configuration ID (Turnkey's dashboard, Wallet Kit, shows it)", k)
	}
	return ""
}

// ProxyConfig is what the Auth Proxy says of its configuration.
type ProxyConfig struct {
	OrganizationID  string
	CodeLength      int // 0: not said
	Alphanumeric    bool
	SessionLifetime time.Duration // 0: not said
	Providers       []string
}

// Config asks the Auth Proxy for the configuration: the organization and
// the shape of its codes (wallet_kit_config).
func (p *AuthProxy) Config(ctx context.Context) (ProxyConfig, error) {
	var resp wire.ProxyGetWalletKitConfigResponse
	if err := p.post(ctx, wire.ProxyPathWalletKitConfig, wire.ProxyGetWalletKitConfigRequest{}, &resp); err != nil {
		return ProxyConfig{}, err
	}
	return configFrom(resp)
}

// configFrom reads a wallet_kit_config answer.
func configFrom(resp wire.ProxyGetWalletKitConfigResponse) (ProxyConfig, error) {
	if resp.OrganizationID == "" {
		return ProxyConfig{}, fmt.Errorf("%w: the Auth Proxy's configuration names no organization", ErrUnexpectedAnswer)
	}
	c := ProxyConfig{OrganizationID: resp.OrganizationID, CodeLength: codeLength(resp.OTPLength), Alphanumeric: resp.OTPAlphanumeric != nil && *resp.OTPAlphanumeric, Providers: resp.EnabledProviders}
	if s := resp.SessionExpirationSeconds; s != "" {
		// Checked before it becomes a Duration, which a large count of
		// seconds overflows: Turnkey issues sessions of a second to a year.
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 || n > int64(session.MaxLifetime/time.Second) {
			return ProxyConfig{}, fmt.Errorf("%w: the Auth Proxy's configuration gives sessions a lifetime of %s seconds; Turnkey's are from 1 to %d", ErrUnexpectedAnswer,
				strconv.Quote(escape.Clean(s)), int64(session.MaxLifetime/time.Second))
		}
		c.SessionLifetime = time.Duration(n) * time.Second
	}
	return c, nil
}

// InitOTP has the Auth Proxy send a code to contact (otp_init_v2).
func (p *AuthProxy) InitOTP(ctx context.Context, otpType, contact string) (OTP, error) {
	var resp wire.ProxyInitOTPV2Response
	if err := p.post(ctx, wire.ProxyPathOTPInitV2, wire.ProxyInitOTPV2Request{OTPType: otpType, Contact: contact}, &resp); err != nil {
		return OTP{}, err
	}
	if resp.OTPID == "" || resp.OTPEncryptionTargetBundle == "" {
		return OTP{}, fmt.Errorf("%w: otp_init_v2 answered without an OTP ID and target bundle", ErrUnexpectedAnswer)
	}
	return OTP{ID: resp.OTPID, TargetBundle: resp.OTPEncryptionTargetBundle}, nil
}

// VerifyOTP hands the Auth Proxy the encrypted code (otp_verify_v2) and
// returns the verification token, unchecked.
func (p *AuthProxy) VerifyOTP(ctx context.Context, otpID, encrypted string) (string, error) {
	var resp wire.ProxyVerifyOTPV2Response
	if err := p.post(ctx, wire.ProxyPathOTPVerifyV2, wire.ProxyVerifyOTPV2Request{OTPID: otpID, EncryptedOTPBundle: encrypted}, &resp); err != nil {
		return "", err
	}
	if resp.VerificationToken == "" {
		return "", fmt.Errorf("%w: otp_verify_v2 answered without a verification token", ErrUnexpectedAnswer)
	}
	return resp.VerificationToken, nil
}

// post is one request, never retried: a second otp_init would send a
// second code.
func (p *AuthProxy) post(ctx context.Context, path string, req, resp any) error {
	if err := CheckProxyURL(p.URL); err != nil {
		return err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	status, data, err := exchange(ctx, p.HTTP, p.RequestTimeout, p.URL+path, wire.ProxyConfigHeader, p.ConfigID, body)
	redirect := (*RedirectError)(nil)
	switch {
	case errors.As(err, &redirect):
		redirect.AuthProxy = true
		return redirect
	case errors.Is(err, ErrAnswerTooLarge):
		return err
	case err != nil:
		return fmt.Errorf("calling the Auth Proxy (%s): %w", path, err)
	case status != http.StatusOK:
		code, msg := failure(status, data)
		return &ProxyError{Path: path, Status: status, Code: code, Message: msg}
	}
	if err := json.Unmarshal(data, resp); err != nil {
		return fmt.Errorf("the Auth Proxy's answer to %s is not what was expected: %s", path, escape.Clean(err.Error()))
	}
	return nil
}
