//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// DefaultBaseURL is Turnkey's API.
const DefaultBaseURL = "https://api.turnkey.com"

// Errors an APIError wraps, by what went wrong; test with errors.Is.
var (
	ErrBadCredentials      = errors.New("Turnkey did not accept the key that signed the request")
	ErrUnknownKey          = errors.New("Turnkey does not know the key that signed the request")
	ErrExpiredKey          = errors.New("the key that signed the request has expired")
	ErrUnknownOrganization = errors.New("Turnkey does not know that organization")
	ErrRateLimited         = errors.New("Turnkey is limiting the rate of requests")
	ErrActivityFailed      = errors.New("the Turnkey activity did not complete")
	// errPermissionDenied (session.ErrDenied to callers) is gRPC code 7:
	// Turnkey knows the key that signed, and a policy of the organization
	// or the signing session's scope refused the request (tkhq/sdk#1522).
	// Never bad credentials.
	errPermissionDenied = errors.New("Turnkey refused the request by a policy or by the scope of the session that signed it")
)

// APIError is an error answer from Turnkey, in words.
type APIError struct {
	Path    string
	Status  int    // HTTP status
	Code    int    // gRPC code in Turnkey's error body
	Message string // Turnkey's own words, as they came: Error escapes them
	kind    error
}

func (e *APIError) Error() string {
	msg := escape.Clean(e.Message)
	if a := Advice(e.Message); a != "" {
		return fmt.Sprintf("%s (Turnkey: %s)", a, msg)
	}
	switch e.kind {
	case ErrBadCredentials:
		return fmt.Sprintf("%v: is the API key registered in this organization? (Turnkey: %s)", e.kind, msg)
	case ErrUnknownKey:
		return fmt.Sprintf("%v: it was never registered in this organization, or was deleted or evicted since (Turnkey: %s)", e.kind, msg)
	case ErrExpiredKey:
		return fmt.Sprintf("%v (Turnkey: %s)", e.kind, msg)
	case ErrUnknownOrganization:
		return fmt.Sprintf("%v: check the organization ID (Turnkey: %s)", e.kind, msg)
	case ErrRateLimited:
		return fmt.Sprintf("%v: wait a minute and try again", e.kind)
	case errPermissionDenied:
		return fmt.Sprintf("Turnkey refused %s: a policy of the organization, or the scope of the session that signed it, does not allow it (Turnkey: %s)", e.Request(), msg)
	}
	return fmt.Sprintf("Turnkey answered %d to %s: %s", e.Status, e.Path, msg)
}

// Request names the request Turnkey answered, as its path ends:
// "stamp_login", "whoami".
func (e *APIError) Request() string {
	return escape.Clean(e.Path[strings.LastIndex(e.Path, "/")+1:])
}

// Unwrap returns what kind of error it is.
func (e *APIError) Unwrap() error { return e.kind }

// Is reports a key Turnkey does not know or no longer accepts (unknown,
// expired) as session.ErrSignerDead, and as bad credentials, too; a
// permission refusal as session.ErrDenied.
func (e *APIError) Is(target error) bool {
	dead := e.kind == ErrUnknownKey || e.kind == ErrExpiredKey
	return dead && (target == session.ErrSignerDead || target == ErrBadCredentials) ||
		e.kind == errPermissionDenied && target == session.ErrDenied || kindOf(e.Message) == target
}

// classify names what an error answer means.
func classify(status, code int, msg string) error {
	m := strings.ToLower(msg)
	switch {
	case status == http.StatusTooManyRequests || code == 8:
		return ErrRateLimited
	case code == 7:
		// PermissionDenied comes after authentication: the key is known.
		return errPermissionDenied
	case strings.Contains(m, "expired api key") || (strings.Contains(m, "expired") && strings.Contains(m, "key")):
		return ErrExpiredKey
	case strings.Contains(m, "could not find public key"):
		return ErrUnknownKey
	case strings.Contains(m, "organization") && (status == http.StatusNotFound || code == 5 || strings.Contains(m, "not found")):
		return ErrUnknownOrganization
	case status == http.StatusUnauthorized || status == http.StatusForbidden || code == 16 ||
		strings.Contains(m, "public key") || strings.Contains(m, "stamp"):
		return ErrBadCredentials
	}
	return nil
}

// Client calls Turnkey's API. The zero value is not usable: use New.
// It implements session.TurnkeyAPI.
type Client struct {
	URL            string // the API's base URL
	HTTP           *http.Client
	RequestTimeout time.Duration // each request
	Retries        int           // more tries after a 429 or 5xx
	RetryBase      time.Duration // the first backoff; doubled each try
	PollInterval   time.Duration // between get_activity calls
	PollTimeout    time.Duration // how long an activity may stay pending
	Now            func() time.Time
	// MFAWait is how long an activity that needs more authenticators is
	// waited for, for them to be satisfied elsewhere; 0: not at all.
	MFAWait time.Duration
	// OnMFA, if set, hears what an activity waits for, when waiting
	// starts; the func it returns, if any, is called when waiting ends.
	OnMFA func(MFANeeded) (stop func())
	// Approve, if set, is asked, when an activity waits for factors, which
	// approvers prove them (none: wait for them as MFAWait says). Each
	// approves the activity by its fingerprint; then tkauth polls it.
	Approve func(ctx context.Context, n MFANeeded) ([]Approver, error)
}

// New returns a Client of the API at baseURL (DefaultBaseURL if empty).
// It never follows a redirect: a stamped request goes where it was sent,
// or nowhere.
func New(baseURL string) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return &Client{
		URL:            strings.TrimRight(baseURL, "/"),
		HTTP:           noRedirects(),
		RequestTimeout: 15 * time.Second,
		Retries:        3,
		RetryBase:      500 * time.Millisecond,
		PollInterval:   time.Second,
		PollTimeout:    60 * time.Second,
		Now:            time.Now,
	}
}

// ErrInsecureURL: an API URL that would send stamps in the clear.
var ErrInsecureURL = errors.New("not an https URL")

// CheckBaseURL refuses an API base URL that is not https, except http to
// this machine (a local test server): a stamped request carries what lets
// anyone on the way replay it.
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%w: %s is not a URL like https://api.turnkey.com", ErrInsecureURL, escape.Clean(raw))
	}
	if u.Scheme == "https" || IsLoopback(raw) {
		return nil
	}
	return fmt.Errorf("%w: %s would send signed requests in the clear; only this machine (localhost, 127.0.0.1, ::1) may be reached over http", ErrInsecureURL, escape.Clean(raw))
}

// IsLoopback reports whether raw is a URL of this machine (localhost,
// 127.0.0.0/8, ::1).
func IsLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// BaseURL implements session.TurnkeyAPI: the API this client calls.
func (c *Client) BaseURL() string { return c.URL }

// stamper makes a request's stamp: the header's name and value.
type stamper func(body []byte) (header, value string, err error)

// byKey stamps with key, in the X-Stamp header.
func byKey(key session.Signer) stamper {
	return func(body []byte) (string, string, error) {
		v, err := Stamp(key, body)
		return wire.StampHeader, v, err
	}
}

// byAttestation stamps with a session key that Turnkey does not know yet,
// in the X-Stamp-Attested header, attested by a verification token.
func byAttestation(key session.Signer, token string) stamper {
	return func(body []byte) (string, string, error) {
		v, err := attestedStamp(key, token, wire.SchemeAttestedVerificationToken, body)
		return wire.AttestedStampHeader, v, err
	}
}

// post sends req to path, stamped by st, and decodes the answer into
// resp.
func (c *Client) post(ctx context.Context, path string, st stamper, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	data, err := c.call(ctx, st, path, body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, resp); err != nil {
		return fmt.Errorf("Turnkey's answer to %s is not what was expected: %s", path, escape.Clean(err.Error()))
	}
	return nil
}

// Call posts body, exactly, to path, stamped by key, and returns the
// answer's body as it came. 429 and 5xx answers are tried again after a
// backoff; nothing else is. Any other answer but 200 is an *APIError.
//
// A retry resends the same bytes: a query asks again, and an activity is
// the one already submitted, since Turnkey takes two submissions with the
// same body for one activity (docs api-reference/activities/overview.mdx,
// Idempotency; timestamp keeps distinct submissions apart). Where a
// retry's answer does not say what the first did (a delete answered "not
// found"), the caller lists again before concluding (session's endKey and
// EndRemote).
func (c *Client) Call(ctx context.Context, key session.Signer, path string, body []byte) ([]byte, error) {
	return c.call(ctx, byKey(key), path, body)
}

func (c *Client) call(ctx context.Context, st stamper, path string, body []byte) ([]byte, error) {
	if err := CheckBaseURL(c.URL); err != nil {
		return nil, err
	}
	backoff := c.RetryBase
	for try := 0; ; try++ {
		status, data, err := c.once(ctx, path, st, body)
		if err != nil {
			return nil, fmt.Errorf("calling Turnkey (%s): %w", path, err)
		}
		if status == http.StatusOK {
			return data, nil
		}
		code, msg := failure(status, data)
		apiErr := &APIError{Path: path, Status: status, Code: code, Message: msg, kind: classify(status, code, msg)}
		// A refusal of a code login is Turnkey's answer, not a hiccup.
		if (status != http.StatusTooManyRequests && status < 500) || try >= c.Retries || kindOf(msg) != nil {
			return nil, apiErr
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (after: %v)", ctx.Err(), apiErr)
		}
		backoff *= 2
	}
}

// once is one request, bounded by RequestTimeout, headers and body alike.
// A redirect is an answer, never followed: it would carry the stamp and
// the body elsewhere.
func (c *Client) once(ctx context.Context, path string, st stamper, body []byte) (int, []byte, error) {
	header, stamp, err := st(body)
	if err != nil {
		return 0, nil, err
	}
	return exchange(ctx, c.HTTP, c.RequestTimeout, c.URL+path, header, stamp, body)
}

// submit posts an activity and waits, polling get_activity, until it is
// done or PollTimeout passes.
func (c *Client) submit(ctx context.Context, path string, st stamper, req any, org string) (wire.Activity, error) {
	var resp wire.ActivityResponse
	if err := c.post(ctx, path, st, req, &resp); err != nil {
		return wire.Activity{}, err
	}
	a := resp.Activity
	deadline := c.Now().Add(c.PollTimeout)
	for a.Status == wire.ActivityStatusCreated || a.Status == wire.ActivityStatusPending {
		if c.Now().After(deadline) {
			return a, fmt.Errorf("%w: activity %s still %s after %s", ErrActivityFailed, escape.Clean(a.ID), escape.Clean(string(a.Status)), c.PollTimeout)
		}
		select {
		case <-time.After(c.PollInterval):
		case <-ctx.Done():
			return a, ctx.Err()
		}
		resp = wire.ActivityResponse{}
		if err := c.post(ctx, wire.PathGetActivity, st, wire.GetActivityRequest{OrganizationID: org, ActivityID: a.ID}, &resp); err != nil {
			return a, err
		}
		a = resp.Activity
	}
	if a.Status == wire.ActivityStatusAuthenticatorsNeeded || a.Status == wire.ActivityStatusConsensusNeeded {
		return c.awaitMFA(ctx, st, org, a)
	}
	return a, activityOutcome(a)
}

// activityOutcome says, for an activity that ended otherwise than
// completed, what that means, in words.
func activityOutcome(a wire.Activity) error {
	id := escape.Clean(a.ID)
	switch a.Status {
	case wire.ActivityStatusCompleted:
		return nil
	case wire.ActivityStatusConsensusNeeded:
		return fmt.Errorf("%w: activity %s needs the approval of other members of the organization (its policies ask for consensus); nothing was done yet", ErrActivityFailed, id)
	case wire.ActivityStatusRejected:
		return fmt.Errorf("%w: activity %s was rejected by the organization's approvers; nothing was done", ErrActivityFailed, id)
	case wire.ActivityStatusFailed:
		why := "no reason given"
		if a.Failure != nil && a.Failure.Message != "" {
			why = escape.Clean(a.Failure.Message)
			if adv := Advice(a.Failure.Message); adv != "" {
				why = adv + " (Turnkey: " + why + ")"
			}
		}
		return fmt.Errorf("%w: activity %s failed: %s", ErrActivityFailed, id, why)
	}
	return fmt.Errorf("%w: activity %s ended as %s, which tkauth does not know", ErrActivityFailed, id, escape.Clean(string(a.Status)))
}

// lastStamp is the last timestampMs given to a submission in this process.
var lastStamp atomic.Int64

// timestamp is a new submission's timestampMs: the clock's milliseconds,
// or one past the last given if the clock has not moved since. Turnkey
// takes two submissions with the same body as one (docs api-reference/
// activities/overview.mdx, "Idempotency"): two asked for in the same
// millisecond must differ, and a retry, which resends the same body,
// must not.
func (c *Client) timestamp() string {
	now := c.Now().UnixMilli()
	for {
		last := lastStamp.Load()
		next := max(now, last+1)
		if lastStamp.CompareAndSwap(last, next) {
			return strconv.FormatInt(next, 10)
		}
	}
}

var _ session.TurnkeyAPI = (*Client)(nil)

// StampLogin asks Turnkey for a session bound to r.PublicKey, stamped by
// key, and returns the session JWT.
func (c *Client) StampLogin(ctx context.Context, key session.Signer, r session.LoginRequest) (string, error) {
	return c.stampLogin(ctx, byKey(key), r)
}

// StampLoginAttested is StampLogin stamped by the new session key itself,
// attested by a verification token that binds it (Turnkey's SDK's
// loginWithOtp): no other key is needed.
func (c *Client) StampLoginAttested(ctx context.Context, sessionKey session.Signer, token string, r session.LoginRequest) (string, error) {
	return c.stampLogin(ctx, byAttestation(sessionKey, token), r)
}

func (c *Client) stampLogin(ctx context.Context, st stamper, r session.LoginRequest) (string, error) {
	req := wire.StampLoginRequest{
		Type:           wire.ActivityTypeStampLogin,
		TimestampMs:    c.timestamp(),
		OrganizationID: r.Org,
		Parameters: wire.StampLoginIntent{
			PublicKey:          r.PublicKey,
			ExpirationSeconds:  expirationSeconds(r),
			InvalidateExisting: &r.InvalidateExisting,
			SessionProfileID:   r.SessionProfileID,
		},
	}
	a, err := c.submit(ctx, wire.PathStampLogin, st, req, r.Org)
	if err != nil {
		return "", err
	}
	if a.Result.StampLoginResult == nil || a.Result.StampLoginResult.Session == "" {
		return "", fmt.Errorf("%w: activity %s completed without a session", ErrActivityFailed, escape.Clean(a.ID))
	}
	return a.Result.StampLoginResult.Session, nil
}

// expirationSeconds is a login's lifetime as its activity says it.
func expirationSeconds(r session.LoginRequest) string {
	return strconv.Itoa(int(r.Expires / time.Second))
}

// Whoami asks Turnkey who key is in org: the cheapest way to learn whether
// Turnkey still accepts it.
func (c *Client) Whoami(ctx context.Context, key session.Signer, org string) (session.Identity, error) {
	var resp wire.GetWhoamiResponse
	if err := c.post(ctx, wire.PathWhoami, byKey(key), wire.GetWhoamiRequest{OrganizationID: org}, &resp); err != nil {
		return session.Identity{}, err
	}
	return session.Identity{OrganizationID: resp.OrganizationID, OrganizationName: resp.OrganizationName, UserID: resp.UserID, Username: resp.Username}, nil
}

// ErrUnexpectedAnswer: Turnkey's answer lacks what a conclusion rests on.
var ErrUnexpectedAnswer = errors.New("Turnkey's answer is not what was expected")

// GetAPIKeys lists the user's API keys, stamped by key. An answer with no
// apiKeys list is ErrUnexpectedAnswer, never an empty list: that a key is
// not there is concluded only from a list that does not hold it. A key's
// expiry is its createdAt plus its expirationSeconds.
func (c *Client) GetAPIKeys(ctx context.Context, key session.Signer, org, userID string) ([]session.APIKey, error) {
	var resp wire.GetAPIKeysResponse
	if err := c.post(ctx, wire.PathGetAPIKeys, byKey(key), wire.GetAPIKeysRequest{OrganizationID: org, UserID: userID}, &resp); err != nil {
		return nil, err
	}
	// [] decodes to an empty list, a missing or null apiKeys to nil.
	if resp.APIKeys == nil {
		return nil, fmt.Errorf("%w: get_api_keys answered without the list of the user's API keys", ErrUnexpectedAnswer)
	}
	out := make([]session.APIKey, 0, len(resp.APIKeys))
	for _, k := range resp.APIKeys {
		a := session.APIKey{ID: k.APIKeyID, Name: k.APIKeyName, PublicKey: k.Credential.PublicKey, CredentialType: string(k.Credential.Type), SessionProfileID: k.Credential.SessionProfileID}
		hasCreated := k.CreatedAt != wire.Timestamp{}
		if hasCreated {
			created, err := timeOf(k.CreatedAt)
			if err != nil {
				return nil, fmt.Errorf("%w: get_api_keys: API key %s: %v", ErrUnexpectedAnswer, escape.Clean(k.APIKeyID), err)
			}
			a.Created = created
		}
		if k.ExpirationSeconds != "" {
			secs, err := strconv.ParseUint(k.ExpirationSeconds, 10, 32)
			if err != nil || a.Created.IsZero() {
				return nil, fmt.Errorf("%w: get_api_keys: API key %s has expirationSeconds %s and createdAt %v", ErrUnexpectedAnswer, escape.Clean(k.APIKeyID), strconv.Quote(escape.Clean(k.ExpirationSeconds)), hasCreated)
			}
			a.Expiry = a.Created.Add(time.Duration(secs) * time.Second)
		}
		out = append(out, a)
	}
	return out, nil
}

// timeOf reads Turnkey's {seconds, nanos}, both strings of digits.
func timeOf(t wire.Timestamp) (time.Time, error) {
	s, err1 := strconv.ParseInt(t.Seconds, 10, 64)
	n, err2 := strconv.ParseInt(cmp.Or(t.Nanos, "0"), 10, 64)
	if err1 != nil || err2 != nil || n < 0 || n >= 1e9 {
		return time.Time{}, fmt.Errorf("createdAt {seconds %s, nanos %s} is not a time", strconv.Quote(escape.Clean(t.Seconds)), strconv.Quote(escape.Clean(t.Nanos)))
	}
	return time.Unix(s, n), nil
}

// DeleteAPIKeys deletes the user's API keys ids, stamped by key. The
// completed activity must name every key it deleted.
func (c *Client) DeleteAPIKeys(ctx context.Context, key session.Signer, org, userID string, ids []string) error {
	req := wire.DeleteAPIKeysRequest{
		Type:           wire.ActivityTypeDeleteAPIKeys,
		TimestampMs:    c.timestamp(),
		OrganizationID: org,
		Parameters:     wire.DeleteAPIKeysIntent{UserID: userID, APIKeyIDs: ids},
	}
	a, err := c.submit(ctx, wire.PathDeleteAPIKeys, byKey(key), req, org)
	if err != nil {
		return err
	}
	var deleted []string
	if r := a.Result.DeleteAPIKeysResult; r != nil {
		deleted = r.APIKeyIDs
	}
	for _, id := range ids {
		if !slices.Contains(deleted, id) {
			return fmt.Errorf("%w: delete_api_keys completed without naming API key %s as deleted", ErrUnexpectedAnswer, escape.Clean(id))
		}
	}
	return nil
}

// RevokeSessionKey finds the user's API key whose public key is publicKey
// and deletes it, stamped by key (the session's own key pair), only if
// Turnkey lists it with a session's credential type: a long-lived key is
// never deleted by a revoke (a *session.KeptError). When the user has no
// such key, it returns session.ErrKeyNotOnTurnkey. The Manager's revokes
// check more (known long-lived keys, the signer) before they get here.
func (c *Client) RevokeSessionKey(ctx context.Context, key session.Signer, org, userID, publicKey string) error {
	keys, err := c.GetAPIKeys(ctx, key, org, userID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if strings.EqualFold(k.PublicKey, publicKey) {
			if !k.IsSession() {
				return &session.KeptError{PublicKey: publicKey, Why: fmt.Sprintf("Turnkey lists it as %s, not a session", strconv.Quote(escape.Clean(k.CredentialType)))}
			}
			return c.DeleteAPIKeys(ctx, key, org, userID, []string{k.ID})
		}
	}
	return session.ErrKeyNotOnTurnkey
}
