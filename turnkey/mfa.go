//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// ErrMFANeeded: an activity needs authentication factors that were not
// satisfied in time.
var ErrMFANeeded = errors.New("Turnkey needs more authentication factors for this")

// MFANeeded is what an activity waits for: Factors, in words, each step
// one entry ("a passkey or an email code"), and when tkauth stops waiting.
type MFANeeded struct {
	ActivityID string
	Factors    []string
	Until      time.Time
}

// MFAError is an activity left waiting for authentication factors.
type MFAError struct {
	MFANeeded
	Waited bool // tkauth waited MFAWait in vain
}

func (e *MFAError) Error() string {
	what := "factors Turnkey did not name"
	if len(e.Factors) > 0 {
		what = strings.Join(e.Factors, ", then ")
	}
	if e.Waited {
		return fmt.Sprintf("%v: activity %s still needed %s when tkauth stopped waiting; nothing was done", ErrMFANeeded, escape.Clean(e.ActivityID), what)
	}
	return fmt.Sprintf("%v: activity %s needs %s; nothing was done", ErrMFANeeded, escape.Clean(e.ActivityID), what)
}

func (e *MFAError) Unwrap() error { return ErrMFANeeded }

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

// factors lists the steps of m not yet satisfied, in words.
func factors(m wire.GetMFAStatusResponse) []string {
	var out []string
	for _, st := range m.MFAStatuses {
		if st.Satisfied {
			continue
		}
		done := map[wire.AuthenticationType]bool{}
		for _, s := range st.SatisfiedMethods {
			done[s.Type] = true
		}
	step:
		for _, step := range st.RequiredMethods {
			var any []string
			for _, a := range step.Any {
				if done[a.Type] {
					continue step
				}
				any = append(any, factor(a.Type))
			}
			if len(any) > 0 {
				out = append(out, strings.Join(any, " or "))
			}
		}
	}
	return out
}

// awaitMFA asks get_mfa_status what a waiting activity needs and, for
// MFAWait, polls it until it leaves that state.
func (c *Client) awaitMFA(ctx context.Context, st stamper, org string, a wire.Activity) (wire.Activity, error) {
	need := MFANeeded{ActivityID: a.ID}
	var ms wire.GetMFAStatusResponse
	if err := c.post(ctx, wire.PathGetMFAStatus, st, wire.GetMFAStatusRequest{OrganizationID: org, ActivityID: a.ID}, &ms); err == nil {
		need.Factors = factors(ms)
	}
	if c.MFAWait <= 0 {
		return a, &MFAError{MFANeeded: need}
	}
	need.Until = c.Now().Add(c.MFAWait)
	if c.OnMFA != nil {
		if stop := c.OnMFA(need); stop != nil {
			defer stop()
		}
	}
	for a.Status == wire.ActivityStatusAuthenticatorsNeeded || a.Status == wire.ActivityStatusPending || a.Status == wire.ActivityStatusCreated {
		if !c.Now().Before(need.Until) {
			return a, &MFAError{MFANeeded: need, Waited: true}
		}
		select {
		case <-time.After(c.PollInterval):
		case <-ctx.Done():
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
