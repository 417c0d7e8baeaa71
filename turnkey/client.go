//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tkauth/tkauth/session"
)

// DefaultBaseURL is Turnkey's API.
const DefaultBaseURL = "https://api.turnkey.com"

// Errors an APIError wraps, by what went wrong; test with errors.Is.
var (
	ErrBadCredentials      = errors.New("Turnkey did not accept the key that signed the request")
	ErrExpiredKey          = errors.New("the key that signed the request has expired")
	ErrUnknownOrganization = errors.New("Turnkey does not know that organization")
	ErrRateLimited         = errors.New("Turnkey is limiting the rate of requests")
	ErrActivityFailed      = errors.New("the Turnkey activity did not complete")
)

// APIError is an error answer from Turnkey, in words.
type APIError struct {
	Path    string
	Status  int    // HTTP status
	Code    int    // gRPC code in Turnkey's error body
	Message string // Turnkey's own words
	kind    error
}

func (e *APIError) Error() string {
	switch e.kind {
	case ErrBadCredentials:
		return fmt.Sprintf("%v: is the API key registered in this organization? (Turnkey: %s)", e.kind, e.Message)
	case ErrExpiredKey:
		return fmt.Sprintf("%v: log in again (Turnkey: %s)", e.kind, e.Message)
	case ErrUnknownOrganization:
		return fmt.Sprintf("%v: check the organization ID (Turnkey: %s)", e.kind, e.Message)
	case ErrRateLimited:
		return fmt.Sprintf("%v: wait a minute and try again", e.kind)
	}
	return fmt.Sprintf("Turnkey answered %d to %s: %s", e.Status, e.Path, e.Message)
}

// Unwrap returns what kind of error it is.
func (e *APIError) Unwrap() error { return e.kind }

// classify names what an error answer means.
func classify(status, code int, msg string) error {
	m := strings.ToLower(msg)
	switch {
	case status == http.StatusTooManyRequests || code == 8:
		return ErrRateLimited
	case strings.Contains(m, "expired"):
		return ErrExpiredKey
	case strings.Contains(m, "organization") && (status == http.StatusNotFound || code == 5 || strings.Contains(m, "not found")):
		return ErrUnknownOrganization
	case status == http.StatusUnauthorized || status == http.StatusForbidden || code == 16 || code == 7 ||
		strings.Contains(m, "public key") || strings.Contains(m, "stamp"):
		return ErrBadCredentials
	}
	return nil
}

// Client calls Turnkey's API. The zero value is not usable: use New.
// It implements session.TurnkeyAPI.
type Client struct {
	BaseURL        string
	HTTP           *http.Client
	RequestTimeout time.Duration // each request
	Retries        int           // more tries after a 429 or 5xx
	RetryBase      time.Duration // the first backoff; doubled each try
	PollInterval   time.Duration // between get_activity calls
	PollTimeout    time.Duration // how long an activity may stay pending
	Now            func() time.Time
}

// New returns a Client of the API at baseURL (DefaultBaseURL if empty).
func New(baseURL string) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return &Client{
		BaseURL:        strings.TrimRight(baseURL, "/"),
		HTTP:           &http.Client{},
		RequestTimeout: 15 * time.Second,
		Retries:        3,
		RetryBase:      500 * time.Millisecond,
		PollInterval:   time.Second,
		PollTimeout:    60 * time.Second,
		Now:            time.Now,
	}
}

// rpcStatus is Turnkey's error body.
type rpcStatus struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// post sends req to path, stamped by key, and decodes the answer into
// resp. 429 and 5xx answers are tried again after a backoff; nothing else is.
func (c *Client) post(ctx context.Context, path string, key Key, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	backoff := c.RetryBase
	for try := 0; ; try++ {
		status, data, err := c.once(ctx, path, key, body)
		if err != nil {
			return fmt.Errorf("calling Turnkey (%s): %w", path, err)
		}
		if status == http.StatusOK {
			if err := json.Unmarshal(data, resp); err != nil {
				return fmt.Errorf("Turnkey's answer to %s is not what was expected: %w", path, err)
			}
			return nil
		}
		var rs rpcStatus
		if json.Unmarshal(data, &rs) != nil || rs.Message == "" {
			rs.Message = strings.TrimSpace(http.StatusText(status))
		}
		apiErr := &APIError{Path: path, Status: status, Code: rs.Code, Message: rs.Message, kind: classify(status, rs.Code, rs.Message)}
		if (status != http.StatusTooManyRequests && status < 500) || try >= c.Retries {
			return apiErr
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return fmt.Errorf("%w (after: %v)", ctx.Err(), apiErr)
		}
		backoff *= 2
	}
}

// once is one request, bounded by RequestTimeout.
func (c *Client) once(ctx context.Context, path string, key Key, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.RequestTimeout)
	defer cancel()
	stamp, err := Stamp(key, body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Stamp", stamp)
	res, err := c.HTTP.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, nil, fmt.Errorf("no answer within %s", c.RequestTimeout)
		}
		return 0, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	return res.StatusCode, data, err
}

// Activity is the part of a Turnkey activity tkauth reads.
type Activity struct {
	ID             string     `json:"id"`
	OrganizationID string     `json:"organizationId"`
	Status         string     `json:"status"`
	Type           string     `json:"type"`
	Result         result     `json:"result"`
	Failure        *rpcStatus `json:"failure,omitempty"`
}

type result struct {
	StampLoginResult *struct {
		Session string `json:"session"`
	} `json:"stampLoginResult,omitempty"`
	DeleteAPIKeysResult *struct {
		APIKeyIDs []string `json:"apiKeyIds"`
	} `json:"deleteApiKeysResult,omitempty"`
}

type activityResponse struct {
	Activity Activity `json:"activity"`
}

// submit posts an activity and waits, polling get_activity, until it is
// done or PollTimeout passes.
func (c *Client) submit(ctx context.Context, path string, key Key, req any, org string) (Activity, error) {
	var resp activityResponse
	if err := c.post(ctx, path, key, req, &resp); err != nil {
		return Activity{}, err
	}
	a := resp.Activity
	deadline := c.Now().Add(c.PollTimeout)
	for a.Status == "ACTIVITY_STATUS_CREATED" || a.Status == "ACTIVITY_STATUS_PENDING" {
		if c.Now().After(deadline) {
			return a, fmt.Errorf("%w: activity %s still %s after %s", ErrActivityFailed, a.ID, a.Status, c.PollTimeout)
		}
		select {
		case <-time.After(c.PollInterval):
		case <-ctx.Done():
			return a, ctx.Err()
		}
		resp = activityResponse{}
		if err := c.post(ctx, "/public/v1/query/get_activity", key, map[string]string{"organizationId": org, "activityId": a.ID}, &resp); err != nil {
			return a, err
		}
		a = resp.Activity
	}
	switch a.Status {
	case "ACTIVITY_STATUS_COMPLETED":
		return a, nil
	case "ACTIVITY_STATUS_CONSENSUS_NEEDED":
		return a, fmt.Errorf("%w: activity %s needs approval by other users of the organization", ErrActivityFailed, a.ID)
	}
	why := a.Status
	if a.Failure != nil && a.Failure.Message != "" {
		why += ": " + a.Failure.Message
	}
	return a, fmt.Errorf("%w: activity %s: %s", ErrActivityFailed, a.ID, why)
}

func (c *Client) timestamp() string { return strconv.FormatInt(c.Now().UnixMilli(), 10) }

var _ session.TurnkeyAPI = (*Client)(nil)

// StampLogin asks Turnkey for a session bound to publicKey, stamped by
// key, and returns the session JWT.
func (c *Client) StampLogin(ctx context.Context, key Key, org, publicKey string, expires time.Duration, invalidateExisting bool) (string, error) {
	req := map[string]any{
		"type":           "ACTIVITY_TYPE_STAMP_LOGIN",
		"timestampMs":    c.timestamp(),
		"organizationId": org,
		"parameters": map[string]any{
			"publicKey":          publicKey,
			"expirationSeconds":  strconv.Itoa(int(expires / time.Second)),
			"invalidateExisting": invalidateExisting,
		},
	}
	a, err := c.submit(ctx, "/public/v1/submit/stamp_login", key, req, org)
	if err != nil {
		return "", err
	}
	if a.Result.StampLoginResult == nil || a.Result.StampLoginResult.Session == "" {
		return "", fmt.Errorf("%w: activity %s completed without a session", ErrActivityFailed, a.ID)
	}
	return a.Result.StampLoginResult.Session, nil
}

// APIKeyInfo is one of a user's API keys.
type APIKeyInfo struct {
	ID        string
	Name      string
	PublicKey string
}

// GetAPIKeys lists the user's API keys, stamped by key.
func (c *Client) GetAPIKeys(ctx context.Context, key Key, org, userID string) ([]APIKeyInfo, error) {
	var resp struct {
		APIKeys []struct {
			APIKeyID   string `json:"apiKeyId"`
			APIKeyName string `json:"apiKeyName"`
			Credential struct {
				PublicKey string `json:"publicKey"`
			} `json:"credential"`
		} `json:"apiKeys"`
	}
	if err := c.post(ctx, "/public/v1/query/get_api_keys", key, map[string]string{"organizationId": org, "userId": userID}, &resp); err != nil {
		return nil, err
	}
	out := make([]APIKeyInfo, 0, len(resp.APIKeys))
	for _, k := range resp.APIKeys {
		out = append(out, APIKeyInfo{ID: k.APIKeyID, Name: k.APIKeyName, PublicKey: k.Credential.PublicKey})
	}
	return out, nil
}

// DeleteAPIKeys deletes the user's API keys ids, stamped by key.
func (c *Client) DeleteAPIKeys(ctx context.Context, key Key, org, userID string, ids []string) error {
	req := map[string]any{
		"type":           "ACTIVITY_TYPE_DELETE_API_KEYS",
		"timestampMs":    c.timestamp(),
		"organizationId": org,
		"parameters":     map[string]any{"userId": userID, "apiKeyIds": ids},
	}
	_, err := c.submit(ctx, "/public/v1/submit/delete_api_keys", key, req, org)
	return err
}

// RevokeSessionKey finds the user's API key whose public key is publicKey
// and deletes it, stamped by key (the session's own key pair). When the
// user has no such key, it returns session.ErrKeyNotOnTurnkey.
func (c *Client) RevokeSessionKey(ctx context.Context, key Key, org, userID, publicKey string) error {
	keys, err := c.GetAPIKeys(ctx, key, org, userID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if strings.EqualFold(k.PublicKey, publicKey) {
			return c.DeleteAPIKeys(ctx, key, org, userID, []string{k.ID})
		}
	}
	return session.ErrKeyNotOnTurnkey
}
