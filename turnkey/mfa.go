//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// ErrMFANeeded: an activity needs authentication factors, or other
// members' approvals, that were not given in time.
var ErrMFANeeded = errors.New("Turnkey needs more authentication factors for this")

// MFANeeded is what an activity waits for: Factors, in words, each step
// one entry ("a passkey or an email code"), and Steps, the same as
// Turnkey's AUTHENTICATION_TYPE_... values; or, when Consensus, other
// members' approvals (Votes so far: Turnkey does not say how many its
// policies want). Fingerprint is what approve_activity names it by;
// Until is when tkauth stops waiting. Organization is the activity's, and
// UserID the user whose factors it needs (get_mfa_status; "" if Turnkey
// did not say): a session factor must be a session of theirs.
type MFANeeded struct {
	ActivityID   string
	Fingerprint  string
	Organization string
	UserID       string
	Factors      []string
	Steps        [][]string
	Consensus    bool
	Votes        int
	Until        time.Time
}

// Asks reports whether a step still to be proved accepts factor
// (AUTHENTICATION_TYPE_...).
func (n MFANeeded) Asks(factor string) bool {
	for _, step := range n.Steps {
		if slices.Contains(step, factor) {
			return true
		}
	}
	return false
}

// MFAError is an activity left waiting for authentication factors, or
// for other members' approvals.
type MFAError struct {
	MFANeeded
	Waited bool // tkauth waited MFAWait in vain
	// Left is why tkauth could not reject the activity when it gave up:
	// it still waits on Turnkey, and may yet be done. Nil: rejected.
	Left error
}

func (e *MFAError) Error() string {
	id := escape.Clean(e.ActivityID)
	done := "nothing was done: tkauth rejected the activity, so it cannot happen later"
	if e.Left != nil {
		done = fmt.Sprintf("nothing was done yet, but rejecting the activity failed (%v): it may still be approved on Turnkey", e.Left)
	}
	if e.Consensus {
		what := fmt.Sprintf("activity %s needs the approval of other members of the organization (its policies ask for consensus; it has %d so far)", id, e.Votes)
		if e.Waited {
			what += ", and still did when tkauth stopped waiting"
		}
		return what + "; " + done
	}
	what := "factors Turnkey did not name"
	if len(e.Factors) > 0 {
		what = strings.Join(e.Factors, ", then ")
	}
	if e.Waited {
		return fmt.Sprintf("%v: activity %s still needed %s when tkauth stopped waiting; %s", ErrMFANeeded, id, what, done)
	}
	return fmt.Sprintf("%v: activity %s needs %s; %s", ErrMFANeeded, id, what, done)
}

func (e *MFAError) Unwrap() error { return ErrMFANeeded }

// Authentication types, as Turnkey spells them, for Approver.Factor.
const (
	FactorAPIKey   = string(wire.AuthenticationTypeAPIKey)
	FactorSession  = string(wire.AuthenticationTypeSession)
	FactorEmailOTP = string(wire.AuthenticationTypeEmailOTP)
	FactorSMSOTP   = string(wire.AuthenticationTypeSMSOTP)
)

// An Approver proves one authentication factor of an activity that
// waits for it: it approves the activity by its fingerprint
// (approve_activity), stamped by that factor (docs
// features/authentication/mfa/satisfying-mfa.mdx).
type Approver interface {
	// Factor is the authentication type it proves, AUTHENTICATION_TYPE_...
	Factor() string
	// String says it in words: "the API key default".
	String() string
	// approve approves the activity fingerprint of org; sender stamps as
	// the activity was, for what the approval needs sent first (a code).
	approve(ctx context.Context, c *Client, org, fingerprint string, sender stamper) error
}

// KeyApprover proves an API key factor with Key, a long-lived API key, or
// with Session, a session factor with a session's key: an X-Stamp.
type KeyApprover struct {
	Key     session.Signer
	Session bool
	Name    string // in words: "the API key default", "session acme/ops"
}

// Factor is API_KEY, or SESSION.
func (k KeyApprover) Factor() string {
	if k.Session {
		return FactorSession
	}
	return FactorAPIKey
}

func (k KeyApprover) String() string { return k.Name }

func (k KeyApprover) approve(ctx context.Context, c *Client, org, fingerprint string, _ stamper) error {
	return c.approveActivity(ctx, byKey(k.Key), org, fingerprint)
}

// CodeApprover proves an email or SMS factor: Turnkey sends a code to
// Contact (INIT_OTP_V3 in the activity's organization, stamped as the
// activity was), Code reads it, Turnkey verifies it for a fresh key
// (VERIFY_OTP_V2), and that key stamps the approval, attested by the
// verification token (X-Stamp-Attested), as the SDK does.
type CodeApprover struct {
	Type    string // OTPEmail or OTPSMS
	Contact string
	Anchors Anchors
	Code    func(ctx context.Context, contact string, sent Sent) (string, error)
}

// Factor is EMAIL_OTP, or SMS_OTP.
func (a CodeApprover) Factor() string {
	if a.Type == OTPSMS {
		return FactorSMSOTP
	}
	return FactorEmailOTP
}

func (a CodeApprover) String() string {
	if a.Type == OTPSMS {
		return "an SMS code to " + escape.Clean(a.Contact)
	}
	return "an email code to " + escape.Clean(a.Contact)
}

func (a CodeApprover) approve(ctx context.Context, c *Client, org, fingerprint string, sender stamper) error {
	via, _ := ctx.Value(mfaProxyKey{}).(*mfaProxy)
	var otp OTP
	var err error
	sent := Sent{Organization: org, CodeLength: 6, Expires: c.Now().Add(codeLife)}
	if via != nil {
		// A login by a code through the Auth Proxy: its attested stamp
		// logs in and approves, and sends no code (the enclave takes it
		// for those alone); the proxy sends this one, as the SDK's
		// initOtp does.
		otp, err = via.proxy.InitOTP(ctx, a.Type, a.Contact)
		sent.CodeLength, sent.Alphanumeric = via.length, via.alphanumeric
	} else {
		otp, err = c.initOTP(ctx, sender, org, OTPRequest{Type: a.Type, Contact: a.Contact, AppName: "tkauth", Length: 6})
	}
	if err != nil {
		return fmt.Errorf("no code was sent: %w", err)
	}
	sent.OTP = otp
	if sent.Target, err = VerifyTargetBundle(otp.TargetBundle, a.Anchors.Enclave); err != nil {
		return fmt.Errorf("the code was sent, but its encryption target is not to be trusted, so tkauth will not send the code back: %w", err)
	}
	code, err := a.Code(ctx, a.Contact, sent)
	if err != nil {
		return err
	}
	priv, pub, err := session.NewPrivateKey()
	if err != nil {
		return err
	}
	key := session.P256Key{Public: pub, Private: priv}
	enc, err := EncryptCode(sent.Target, strings.ToUpper(code), pub)
	if err != nil {
		return err
	}
	var raw string
	if via != nil {
		raw, err = via.proxy.VerifyOTP(ctx, otp.ID, enc)
	} else {
		raw, err = c.verifyOTP(ctx, sender, org, otp.ID, enc)
	}
	if err != nil {
		return err
	}
	tok, err := VerifyVerificationToken(raw, a.Anchors.Enclave, c.Now())
	if err != nil {
		return fmt.Errorf("Turnkey's verification token: %w", err)
	}
	if tok.PublicKey != pub {
		return fmt.Errorf("the verification token is bound to %s, not to the approval's key %s", escape.Clean(session.Short(tok.PublicKey)), session.Short(pub))
	}
	return c.approveActivity(ctx, byAttestation(key, tok.Raw), org, fingerprint)
}

// mfaProxy is the Auth Proxy a login by code went through, with its
// codes' shape: the codes of its MFA factors go through it too.
type mfaProxy struct {
	proxy        *AuthProxy
	length       int
	alphanumeric bool
}

type mfaProxyKey struct{}

// approveActivity approves the activity fingerprint of org, stamped by
// st. Its answer is the approval's own activity; the approved one is
// read after.
func (c *Client) approveActivity(ctx context.Context, st stamper, org, fingerprint string) error {
	req := wire.ApproveActivityRequest{Type: wire.ActivityTypeApproveActivity, TimestampMs: c.timestamp(), OrganizationID: org,
		Parameters: wire.ApproveActivityIntent{Fingerprint: fingerprint}}
	var resp wire.ActivityResponse
	if err := c.post(ctx, wire.PathApproveActivity, st, req, &resp); err != nil {
		return err
	}
	switch resp.Activity.Status {
	case wire.ActivityStatusCompleted, wire.ActivityStatusPending, wire.ActivityStatusCreated:
		return nil
	}
	return activityOutcome(resp.Activity)
}

// reject rejects an activity tkauth gives up on, stamped by st, as its
// initiator: approved later, a login's session key would be live on
// Turnkey with no key pair left to use it. The rejection is best effort,
// on its own short deadline, so that a cancelled wait still rejects.
func (c *Client) reject(ctx context.Context, st stamper, org string, a wire.Activity) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.RequestTimeout)
	defer cancel()
	req := wire.RejectActivityRequest{Type: wire.ActivityTypeRejectActivity, TimestampMs: c.timestamp(), OrganizationID: org,
		Parameters: wire.RejectActivityIntent{Fingerprint: a.Fingerprint}}
	var resp wire.ActivityResponse
	return c.post(ctx, wire.PathRejectActivity, st, req, &resp)
}

// factorWords names an authentication type as people say it.
var factorWords = map[wire.AuthenticationType]string{
	wire.AuthenticationTypeEmailOTP: "an email code",
	wire.AuthenticationTypeSMSOTP:   "an SMS code",
	wire.AuthenticationTypePasskey:  "a passkey",
	wire.AuthenticationTypeAPIKey:   "an API key",
	wire.AuthenticationTypeOAuth:    "an OAuth login",
	wire.AuthenticationTypeSession:  "a session",
}

// factor says an authentication type in words.
func factor(typ wire.AuthenticationType) string {
	if w, ok := factorWords[typ]; ok {
		return w
	}
	return escape.Clean(string(typ))
}

// FactorWords says an authentication type (AUTHENTICATION_TYPE_...) in
// words.
func FactorWords(typ string) string { return factor(wire.AuthenticationType(typ)) }

// factors lists the steps of m not yet satisfied, in words and as types.
func factors(m wire.GetMFAStatusResponse) ([]string, [][]string) {
	var out []string
	var steps [][]string
	for _, st := range m.MFAStatuses {
		if st.Satisfied {
			continue
		}
		// Each satisfied method proves one step that accepts it.
		done := map[wire.AuthenticationType]int{}
		for _, s := range st.SatisfiedMethods {
			done[s.Type]++
		}
	step:
		for _, step := range st.RequiredMethods {
			for _, a := range step.Any {
				if done[a.Type] > 0 {
					done[a.Type]--
					continue step
				}
			}
			var any, types []string
			for _, a := range step.Any {
				any = append(any, factor(a.Type))
				types = append(types, string(a.Type))
			}
			if len(any) > 0 {
				out = append(out, strings.Join(any, " or "))
				steps = append(steps, types)
			}
		}
	}
	return out, steps
}

// waits reports whether an activity in status may still complete.
func waits(s wire.ActivityStatus) bool {
	switch s {
	case wire.ActivityStatusAuthenticatorsNeeded, wire.ActivityStatusConsensusNeeded, wire.ActivityStatusPending, wire.ActivityStatusCreated:
		return true
	}
	return false
}

// needs says what activity a waits for: its factors (get_mfa_status), or
// other members' approvals.
func (c *Client) needs(ctx context.Context, st stamper, org string, a wire.Activity) MFANeeded {
	n := MFANeeded{ActivityID: a.ID, Fingerprint: a.Fingerprint, Organization: org, Votes: len(a.Votes)}
	if a.Status == wire.ActivityStatusConsensusNeeded {
		n.Consensus = true
		return n
	}
	var ms wire.GetMFAStatusResponse
	if err := c.post(ctx, wire.PathGetMFAStatus, st, wire.GetMFAStatusRequest{OrganizationID: org, ActivityID: a.ID}, &ms); err == nil {
		n.Factors, n.Steps = factors(ms)
		for _, s := range ms.MFAStatuses {
			if !s.Satisfied && n.UserID == "" {
				n.UserID = s.UserID
			}
		}
	}
	return n
}

// awaitMFA sees a waiting activity through: it asks get_mfa_status what
// it needs, has Approve's approvers prove the factors asked for, and, for
// MFAWait, polls it until it leaves that state (factors given elsewhere,
// other members' approvals).
func (c *Client) awaitMFA(ctx context.Context, st stamper, org string, a wire.Activity) (wire.Activity, error) {
	// A login addressed to a parent organization makes its activity in the
	// user's sub-organization: the approvals name that one.
	org = cmp.Or(a.OrganizationID, org)
	need := c.needs(ctx, st, org, a)
	if c.Approve != nil && !need.Consensus {
		approvers, err := c.Approve(ctx, need)
		if err != nil {
			return a, err
		}
		gave := false
		for _, ap := range approvers {
			if !need.Asks(ap.Factor()) {
				continue // proves nothing the activity asks
			}
			if err := ap.approve(ctx, c, org, a.Fingerprint, st); err != nil {
				err = fmt.Errorf("approving activity %s with %s: %w", escape.Clean(a.ID), ap, err)
				if rerr := c.reject(ctx, st, org, a); rerr != nil {
					return a, fmt.Errorf("%w; rejecting the activity failed too (%v): it may still be approved on Turnkey", err, rerr)
				}
				return a, fmt.Errorf("%w; tkauth rejected the activity, so nothing was done", err)
			}
			gave = true
		}
		if gave {
			var resp wire.ActivityResponse
			if err := c.post(ctx, wire.PathGetActivity, st, wire.GetActivityRequest{OrganizationID: org, ActivityID: a.ID}, &resp); err != nil {
				return a, err
			}
			a = resp.Activity
			if !waits(a.Status) {
				return a, activityOutcome(a)
			}
			need = c.needs(ctx, st, org, a)
		}
	}
	if c.MFAWait <= 0 {
		return a, &MFAError{MFANeeded: need, Left: c.reject(ctx, st, org, a)}
	}
	need.Until = c.Now().Add(c.MFAWait)
	if c.OnMFA != nil {
		if stop := c.OnMFA(need); stop != nil {
			defer stop()
		}
	}
	for waits(a.Status) {
		if !c.Now().Before(need.Until) {
			need.Votes = len(a.Votes)
			return a, &MFAError{MFANeeded: need, Waited: true, Left: c.reject(ctx, st, org, a)}
		}
		select {
		case <-time.After(c.PollInterval):
		case <-ctx.Done():
			if rerr := c.reject(ctx, st, org, a); rerr != nil {
				return a, fmt.Errorf("%w; rejecting activity %s failed (%v): it may still be approved on Turnkey", ctx.Err(), escape.Clean(a.ID), rerr)
			}
			return a, ctx.Err()
		}
		var resp wire.ActivityResponse
		if err := c.post(ctx, wire.PathGetActivity, st, wire.GetActivityRequest{OrganizationID: org, ActivityID: a.ID}, &resp); err != nil {
			return a, err
		}
		a = resp.Activity
	}
	return a, activityOutcome(a)
}
