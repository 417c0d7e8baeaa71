package turnkey

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// OTP types, as Turnkey spells them (the spec has them in words only).
const (
	OTPEmail = "OTP_TYPE_EMAIL"
	OTPSMS   = "OTP_TYPE_SMS"
	// OTPWhatsApp sends the code by WhatsApp to a phone number; Turnkey
	// takes it on every OTP path (swagger InitOtpIntentV3 otpType; proxy
	// otp_init_v2).
	OTPWhatsApp = "OTP_TYPE_WHATSAPP"
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
	return c.initOTP(ctx, byKey(key), org, r)
}

func (c *Client) initOTP(ctx context.Context, st stamper, org string, r OTPRequest) (OTP, error) {
	params := wire.InitOTPIntentV3{OTPType: r.Type, Contact: r.Contact, AppName: r.AppName, Alphanumeric: &r.Alphanumeric}
	if r.Length > 0 {
		n := int32(r.Length)
		params.OTPLength = &n
	}
	req := wire.InitOTPRequest{Type: wire.ActivityTypeInitOTPV3, TimestampMs: c.timestamp(), OrganizationID: org, Parameters: params}
	a, err := c.submit(ctx, wire.PathInitOTP, st, req, org)
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
	return c.verifyOTP(ctx, byKey(key), org, otpID, encrypted)
}

func (c *Client) verifyOTP(ctx context.Context, st stamper, org, otpID, encrypted string) (string, error) {
	req := wire.VerifyOTPRequest{Type: wire.ActivityTypeVerifyOTPV2, TimestampMs: c.timestamp(), OrganizationID: org,
		Parameters: wire.VerifyOTPIntentV2{OTPID: otpID, EncryptedOTPBundle: encrypted}}
	a, err := c.submit(ctx, wire.PathVerifyOTP, st, req, org)
	if err != nil {
		return "", err
	}
	if a.Result.VerifyOTPResult == nil || a.Result.VerifyOTPResult.VerificationToken == "" {
		return "", fmt.Errorf("%w: VERIFY_OTP activity %s completed without a verification token", ErrUnexpectedAnswer, escape.Clean(a.ID))
	}
	return a.Result.VerifyOTPResult.VerificationToken, nil
}

// VerifiedSubOrgs lists the sub-organizations of parent whose user has
// verified contact (an email address, or a phone number when phone: SMS
// and WhatsApp codes verify the same number), stamped by key.
func (c *Client) VerifiedSubOrgs(ctx context.Context, key session.Signer, parent, contact string, phone bool) ([]string, error) {
	filter := wire.FilterEmail
	if phone {
		filter = wire.FilterPhoneNumber
	}
	var resp wire.GetVerifiedSubOrgIDsResponse
	if err := c.post(ctx, wire.PathListVerifiedSuborgs, byKey(key), wire.GetVerifiedSubOrgIDsRequest{OrganizationID: parent, FilterType: filter, FilterValue: contact}, &resp); err != nil {
		return nil, err
	}
	// [] decodes to an empty list, a missing or null list to nil.
	if resp.OrganizationIDs == nil {
		return nil, fmt.Errorf("%w: list_verified_suborgs answered without organizationIds", ErrUnexpectedAnswer)
	}
	return resp.OrganizationIDs, nil
}

// OTPLogin asks for a session bound to r.PublicKey in r.Org (the user's
// sub-organization) with a verification token (OTP_LOGIN_V2, stamped by
// key, the parent's API key; sig by the session key).
func (c *Client) OTPLogin(ctx context.Context, key session.Signer, token string, sig wire.ClientSignature, r session.LoginRequest) (string, error) {
	req := wire.OTPLoginRequest{Type: wire.ActivityTypeOTPLoginV2, TimestampMs: c.timestamp(), OrganizationID: r.Org, Parameters: wire.OTPLoginIntentV2{
		PublicKey:          r.PublicKey,
		ExpirationSeconds:  expirationSeconds(r),
		InvalidateExisting: &r.InvalidateExisting,
		SessionProfileID:   r.SessionProfileID,
		VerificationToken:  token,
		ClientSignature:    sig,
	}}
	a, err := c.submit(ctx, wire.PathOTPLogin, byKey(key), req, r.Org)
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
