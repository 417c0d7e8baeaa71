//lint:file-ignore ST1005 Turnkey is a name: errors that begin with it keep its capital.

package turnkey

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
)

// StatusAuthenticatorsNeeded: an activity waits for more authentication
// factors (an MFA policy of the organization applies to it).
const StatusAuthenticatorsNeeded = "ACTIVITY_STATUS_AUTHENTICATORS_NEEDED"

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
var factorWords = map[string]string{
	"AUTHENTICATION_TYPE_EMAIL_OTP": "an email code",
	"AUTHENTICATION_TYPE_SMS_OTP":   "an SMS code",
	"AUTHENTICATION_TYPE_PASSKEY":   "a passkey",
	"AUTHENTICATION_TYPE_API_KEY":   "an API key",
	"AUTHENTICATION_TYPE_OAUTH":     "an OAuth login",
	"AUTHENTICATION_TYPE_SESSION":   "a session",
}

// Factor says an authentication type in words.
func Factor(typ string) string {
	if w, ok := factorWords[typ]; ok {
		return w
	}
	return escape.Clean(typ)
}

type mfaStatus struct {
	MFAStatuses []struct {
		Satisfied        bool `json:"satisfied"`
		SatisfiedMethods []struct {
			Type string `json:"type"`
		} `json:"satisfiedMethods"`
		RequiredMethods []struct {
			Any []struct {
				Type string `json:"type"`
			} `json:"any"`
		} `json:"requiredMethods"`
	} `json:"mfaStatuses"`
}

// factors lists the steps not yet satisfied, in words.
func (m mfaStatus) factors() []string {
	var out []string
	for _, st := range m.MFAStatuses {
		if st.Satisfied {
			continue
		}
		done := map[string]bool{}
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
				any = append(any, Factor(a.Type))
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
func (c *Client) awaitMFA(ctx context.Context, st stamper, org string, a Activity) (Activity, error) {
	need := MFANeeded{ActivityID: a.ID}
	var ms mfaStatus
	if err := c.post(ctx, "/public/v1/query/get_mfa_status", st, map[string]string{"organizationId": org, "activityId": a.ID}, &ms); err == nil {
		need.Factors = ms.factors()
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
	for a.Status == StatusAuthenticatorsNeeded || a.Status == "ACTIVITY_STATUS_PENDING" || a.Status == "ACTIVITY_STATUS_CREATED" {
		if !c.Now().Before(need.Until) {
			return a, &MFAError{MFANeeded: need, Waited: true}
		}
		select {
		case <-time.After(c.PollInterval):
		case <-ctx.Done():
			return a, ctx.Err()
		}
		var resp activityResponse
		if err := c.post(ctx, "/public/v1/query/get_activity", st, map[string]string{"organizationId": org, "activityId": a.ID}, &resp); err != nil {
			return a, err
		}
		a = resp.Activity
	}
	return a, activityOutcome(a)
}
