package turnkey

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// OTP types, as Turnkey spells them.
const (
	OTPEmail = "OTP_TYPE_EMAIL"
	OTPSMS   = "OTP_TYPE_SMS"
)

// OTP is a code Turnkey sent: its ID and the signed bundle its code is
// encrypted to.
type OTP struct {
	ID           string
	TargetBundle string
}

// OTPRequest is an INIT_OTP_V3's parameters.
type OTPRequest struct {
	Type, Contact, AppName string
	Length                 int  // 0: Turnkey's default
	Alphanumeric           bool // false: digits only
}

// InitOTP has Turnkey send a code to r.Contact (INIT_OTP_V3 in org,
// stamped by key, a parent organization's API key).
func (c *Client) InitOTP(ctx context.Context, key session.Signer, org string, r OTPRequest) (OTP, error) {
	params := map[string]any{"otpType": r.Type, "contact": r.Contact, "appName": r.AppName, "alphanumeric": r.Alphanumeric}
	if r.Length > 0 {
		params["otpLength"] = r.Length
	}
	req := map[string]any{"type": "ACTIVITY_TYPE_INIT_OTP_V3", "timestampMs": c.timestamp(), "organizationId": org, "parameters": params}
	a, err := c.submit(ctx, "/public/v1/submit/init_otp", byKey(key), req, org)
	if err != nil {
		return OTP{}, err
	}
	res := a.Result.InitOTPResultV2
	if res == nil || res.OTPID == "" || res.OTPEncryptionTargetBundle == "" {
		return OTP{}, fmt.Errorf("%w: INIT_OTP activity %s completed without an OTP ID and target bundle", ErrUnexpectedAnswer, escape.Clean(a.ID))
	}
	return OTP{ID: res.OTPID, TargetBundle: res.OTPEncryptionTargetBundle}, nil
}

// VerifyOTP hands Turnkey the encrypted code (VERIFY_OTP_V2 in org,
// stamped by key) and returns the verification token, unchecked.
func (c *Client) VerifyOTP(ctx context.Context, key session.Signer, org, otpID, encrypted string) (string, error) {
	req := map[string]any{"type": "ACTIVITY_TYPE_VERIFY_OTP_V2", "timestampMs": c.timestamp(), "organizationId": org,
		"parameters": map[string]any{"otpId": otpID, "encryptedOtpBundle": encrypted}}
	a, err := c.submit(ctx, "/public/v1/submit/verify_otp", byKey(key), req, org)
	if err != nil {
		return "", err
	}
	if a.Result.VerifyOTPResult == nil || a.Result.VerifyOTPResult.VerificationToken == "" {
		return "", fmt.Errorf("%w: VERIFY_OTP activity %s completed without a verification token", ErrUnexpectedAnswer, escape.Clean(a.ID))
	}
	return a.Result.VerifyOTPResult.VerificationToken, nil
}

// VerifiedSubOrgs lists the sub-organizations of parent whose user has
// verified contact (an email address, or a phone number when sms),
// stamped by key.
func (c *Client) VerifiedSubOrgs(ctx context.Context, key session.Signer, parent, contact string, sms bool) ([]string, error) {
	filter := "EMAIL"
	if sms {
		filter = "PHONE_NUMBER"
	}
	var resp struct {
		OrganizationIDs *[]string `json:"organizationIds"`
	}
	if err := c.post(ctx, "/public/v1/query/list_verified_suborgs", byKey(key), map[string]string{"organizationId": parent, "filterType": filter, "filterValue": contact}, &resp); err != nil {
		return nil, err
	}
	if resp.OrganizationIDs == nil {
		return nil, fmt.Errorf("%w: list_verified_suborgs answered without organizationIds", ErrUnexpectedAnswer)
	}
	return *resp.OrganizationIDs, nil
}

// OTPLogin asks for a session bound to r.PublicKey in r.Org (the user's
// sub-organization) with a verification token (OTP_LOGIN_V2, stamped by
// key, the parent's API key; sig by the session key).
func (c *Client) OTPLogin(ctx context.Context, key session.Signer, token string, sig ClientSignature, r session.LoginRequest) (string, error) {
	params := loginParams(r)
	params["verificationToken"] = token
	params["clientSignature"] = sig
	req := map[string]any{"type": "ACTIVITY_TYPE_OTP_LOGIN_V2", "timestampMs": c.timestamp(), "organizationId": r.Org, "parameters": params}
	a, err := c.submit(ctx, "/public/v1/submit/otp_login", byKey(key), req, r.Org)
	if err != nil {
		return "", err
	}
	if a.Result.OTPLoginResult == nil || a.Result.OTPLoginResult.Session == "" {
		return "", fmt.Errorf("%w: activity %s completed without a session", ErrActivityFailed, escape.Clean(a.ID))
	}
	return a.Result.OTPLoginResult.Session, nil
}

// codeLength reads the Auth Proxy's otpLength, a string.
func codeLength(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 64 {
		return 0
	}
	return n
}
