package cli

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// tuiClient is a client of the API at base for the TUI. When an activity
// needs factors, it asks the TUI, a step at a time, which of those tkauth
// can prove proves it, as --mfa does: the user's API key (p.APIKey, found
// by p.LoadAPIKey), another stored session of the user, an email or SMS
// code (the TUI asks the address, then the code sent). It waits
// ui.MFAWait for the factors left, and says so on waits, which the TUI's
// status line counts down; nothing goes to the terminal.
func tuiClient(base string, waits chan<- ui.MFAWaiting, p tuiParts) *turnkey.Client {
	c := turnkey.New(base)
	c.MFAWait = ui.MFAWait
	c.Approve = func(ctx context.Context, n turnkey.MFANeeded) ([]turnkey.Approver, error) {
		var out []turnkey.Approver
		var elsewhere []string // the steps before this one tkauth does not prove
		for i, step := range n.Steps {
			ways := tuiFactorWays(ctx, c, n, step, p, waits)
			if len(ways) == 0 {
				elsewhere = append(elsewhere, n.Factors[i])
				continue
			}
			pick := make(chan ui.MFAPick, 1)
			// What is still needed: the steps chosen so far tkauth proves.
			still := append(slices.Clip(elsewhere), n.Factors[i:]...)
			w := ui.MFAWaiting{Factors: still, Step: n.Factors[i], Pick: pick}
			for _, way := range ways {
				w.Choices = append(w.Choices, way.choice)
			}
			got, err := askTUI(ctx, waits, w, pick)
			if err != nil {
				return nil, err
			}
			if got.Index < 0 || got.Index >= len(ways) {
				elsewhere = append(elsewhere, n.Factors[i])
				continue // given elsewhere
			}
			a, err := ways[got.Index].approver(ctx, strings.TrimSpace(got.Text))
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return out, nil
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

// askTUI hands w to the TUI and waits for its answer on reply.
func askTUI[T any](ctx context.Context, waits chan<- ui.MFAWaiting, w ui.MFAWaiting, reply <-chan T) (T, error) {
	var zero T
	select {
	case waits <- w:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	select {
	case got := <-reply:
		return got, nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// loginKeyCtx keys the long-lived API key a login in the TUI signs with
// (loginKey): the API key factor its activity asks for is that key's.
type loginKeyCtx struct{}

type loginKey struct {
	key  session.Signer
	name string
}

// tuiFactorWay is a way the TUI offers to prove a step: its choice, and
// the approver it makes of what the user typed for it.
type tuiFactorWay struct {
	choice   ui.MFAChoice
	approver func(ctx context.Context, typed string) (turnkey.Approver, error)
}

// tuiFactorWays are the ways tkauth can prove step (AUTHENTICATION_TYPE_
// values, any one of which proves it) of what n waits for.
func tuiFactorWays(ctx context.Context, c *turnkey.Client, n turnkey.MFANeeded, step []string, p tuiParts, waits chan<- ui.MFAWaiting) []tuiFactorWay {
	var out []tuiFactorWay
	for _, typ := range step {
		switch typ {
		case turnkey.FactorAPIKey:
			if k, ok := ctx.Value(loginKeyCtx{}).(loginKey); ok {
				label := "the API key " + escape.Clean(k.name) + ", which this login signs with"
				out = append(out, tuiFactorWay{ui.MFAChoice{Label: label}, func(context.Context, string) (turnkey.Approver, error) {
					return turnkey.KeyApprover{Key: k.key, Name: label}, nil
				}})
				continue
			}
			if p.LoadAPIKey == nil {
				continue
			}
			name, file := p.APIKey, ""
			if strings.ContainsRune(name, '/') {
				name, file = "", name
			}
			key, err := p.LoadAPIKey(ctx, name, file)
			if err != nil {
				continue // none at hand: the factor is given elsewhere
			}
			label := "your API key " + escape.Clean(p.APIKey)
			out = append(out, tuiFactorWay{ui.MFAChoice{Label: label}, func(context.Context, string) (turnkey.Approver, error) {
				return turnkey.KeyApprover{Key: key, Name: label}, nil
			}})
		case turnkey.FactorSession:
			out = append(out, sessionWays(ctx, n, p.Manager)...)
		case turnkey.FactorEmailOTP, turnkey.FactorSMSOTP:
			way := tuiFactorWay{choice: ui.MFAChoice{Label: "an email code", Needs: "Email address"}}
			otp := turnkey.OTPEmail
			if typ == turnkey.FactorSMSOTP {
				way.choice = ui.MFAChoice{Label: "an SMS code", Needs: "Phone number (+ and the country code)"}
				otp = turnkey.OTPSMS
			}
			way.approver = func(_ context.Context, contact string) (turnkey.Approver, error) {
				var a turnkey.Anchors
				if p.Trust != nil {
					a = *p.Trust
				} else {
					var err error
					if a, err = anchors(c.URL); err != nil {
						return nil, err
					}
				}
				return turnkey.CodeApprover{Type: otp, Contact: contact, Anchors: a, Code: tuiCode(waits, n.Factors)}, nil
			}
			out = append(out, way)
		}
	}
	return out
}

// sessionWays are the stored sessions that may prove a session factor of
// n: live ones of its user in its organization. Their keys are read only
// when one is picked.
func sessionWays(ctx context.Context, n turnkey.MFANeeded, m *session.Manager) []tuiFactorWay {
	if m == nil {
		return nil
	}
	st, err := m.State(ctx)
	if err != nil {
		return nil
	}
	var out []tuiFactorWay
	for _, s := range st.List() {
		if s.OrganizationID != n.Organization || n.UserID != "" && s.UserID != n.UserID || s.Expired(m.Now()) || st.IsOneShotNote(&s) {
			continue
		}
		label := "session " + escape.Clean(s.Key)
		pub := s.PublicKey
		out = append(out, tuiFactorWay{ui.MFAChoice{Label: label}, func(ctx context.Context, _ string) (turnkey.Approver, error) {
			k, err := m.Signer(ctx, pub)
			if err != nil {
				return nil, err
			}
			return turnkey.KeyApprover{Key: k, Session: true, Name: label}, nil
		}})
	}
	return out
}

// tuiCode asks the TUI for the code a factor sent; none typed gives up.
func tuiCode(waits chan<- ui.MFAWaiting, factors []string) func(ctx context.Context, contact string, sent turnkey.Sent) (string, error) {
	return func(ctx context.Context, contact string, sent turnkey.Sent) (string, error) {
		typed := make(chan string, 1)
		code, err := askTUI(ctx, waits, ui.MFAWaiting{Factors: factors, Code: &ui.MFACode{To: contact, Length: sent.CodeLength, Expires: sent.Expires, Check: sent.CheckCode}, Typed: typed}, typed)
		switch {
		case err != nil:
			return "", err
		case code == "":
			// The dialog answers "" only when the user gives up (esc, ctrl+c).
			return "", errors.New("you gave up typing the code")
		}
		return code, sent.CheckCode(code)
	}
}
