package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/turnkey"
)

// defaultMFAWait is how long a command on a terminal waits for MFA
// factors given elsewhere; without a terminal it does not wait.
const defaultMFAWait = 2 * time.Minute

// mfaOptions are a command's --wait and --mfa.
type mfaOptions struct {
	Wait    time.Duration
	Factors []mfaFactor
}

// mfaFactor is one --mfa: KIND=VALUE.
type mfaFactor struct{ Kind, Value string }

// mfaKinds are --mfa's kinds, and the authentication type each proves.
var mfaKinds = map[string]string{
	"api-key":      turnkey.FactorAPIKey,
	"api-key-file": turnkey.FactorAPIKey,
	"session":      turnkey.FactorSession,
	"email":        turnkey.FactorEmailOTP,
	"sms":          turnkey.FactorSMSOTP,
}

// mfaValue is --mfa, repeatable.
type mfaValue struct{ to *[]mfaFactor }

func (v mfaValue) String() string {
	if v.to == nil {
		return ""
	}
	var out []string
	for _, f := range *v.to {
		out = append(out, f.Kind+"="+f.Value)
	}
	return strings.Join(out, ",")
}

func (v mfaValue) Set(s string) error {
	kind, value, ok := strings.Cut(s, "=")
	if _, known := mfaKinds[kind]; !ok || !known || strings.TrimSpace(value) == "" {
		return fmt.Errorf("%s is not a factor: give api-key=NAME, api-key-file=PATH, email=ADDRESS, sms=NUMBER or session=KEY", strconv.Quote(s))
	}
	*v.to = append(*v.to, mfaFactor{kind, strings.TrimSpace(value)})
	return nil
}

func (v mfaValue) Type() string { return "FACTOR" }

// mfaFlag adds --wait and --mfa to cmd, read into o: how long its Turnkey
// activities wait for MFA factors (defaultMFAWait on a terminal unless
// given), and the factors tkauth proves itself. Every client the
// command's dialer dials does so.
func mfaFlag(cmd *cobra.Command, ios *IOStreams, o *mfaOptions) {
	cmd.Flags().DurationVar(&o.Wait, "wait", 0, "how long to wait for MFA factors given elsewhere, or other members' approvals (default 2m on a terminal, none without one)")
	cmd.Flags().Var(mfaValue{&o.Factors}, "mfa", "prove an MFA factor Turnkey asks for: api-key=NAME, api-key-file=PATH, email=ADDRESS, sms=NUMBER (a code is sent there; type it), session=KEY (repeatable)")
	pre := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if !cmd.Flags().Changed("wait") && ios.CanPrompt() {
			o.Wait = defaultMFAWait
		}
		if pre != nil {
			return pre(cmd, args)
		}
		return nil
	}
}

// mfa makes c wait for MFA factors as the command's --wait says, prove
// those --mfa gives (or, on a terminal without --mfa, those the user
// picks of what Turnkey asks), and say what it waits for on stderr,
// counting down on a terminal.
func (d *dialer) mfa(c *turnkey.Client) {
	var o mfaOptions
	if d.opts != nil {
		o = *d.opts
	}
	c.MFAWait = o.Wait
	c.Approve = func(ctx context.Context, n turnkey.MFANeeded) ([]turnkey.Approver, error) {
		if len(o.Factors) > 0 {
			return d.approvers(ctx, c, o.Factors, n)
		}
		if !d.f.IO.CanPrompt() {
			return nil, nil
		}
		picked, err := d.offer(ctx, n)
		if err != nil {
			return nil, err
		}
		return d.approvers(ctx, c, picked, n)
	}
	c.OnMFA = func(n turnkey.MFANeeded) func() {
		what := "approvals of other members of the organization"
		if !n.Consensus {
			what = escape.Join(n.Factors)
		}
		fmt.Fprintf(d.f.IO.ErrOut, "Turnkey needs %s before it does this (activity %s): give them in another app or device; waiting until %s (%s).\n",
			what, escape.Clean(n.ActivityID), n.Until.Format("15:04:05"), o.Wait.Round(time.Second))
		d.mu.Lock()
		spin := d.spin
		d.mu.Unlock()
		if spin == nil {
			return nil
		}
		return spin.countdown("waiting for "+what, n.Until, c.Now)
	}
}

// approvers makes the factors into approvers, in the order given; a
// factor Turnkey does not ask for is said and left out.
func (d *dialer) approvers(ctx context.Context, c *turnkey.Client, factors []mfaFactor, n turnkey.MFANeeded) ([]turnkey.Approver, error) {
	var out []turnkey.Approver
	for _, f := range factors {
		if !n.Asks(mfaKinds[f.Kind]) {
			d.f.IO.warn("--mfa %s=%s proves %s, which activity %s does not ask for (it asks %s); left out", f.Kind, escape.Clean(f.Value),
				turnkey.FactorWords(mfaKinds[f.Kind]), escape.Clean(n.ActivityID), escape.Join(n.Factors))
			continue
		}
		a, err := d.approver(ctx, c, f)
		if err != nil {
			return nil, fmt.Errorf("--mfa %s=%s: %w", f.Kind, escape.Clean(f.Value), err)
		}
		out = append(out, a)
	}
	return out, nil
}

func (d *dialer) approver(ctx context.Context, c *turnkey.Client, f mfaFactor) (turnkey.Approver, error) {
	switch f.Kind {
	case "api-key", "api-key-file":
		name, file := f.Value, ""
		if f.Kind == "api-key-file" {
			name, file = "", f.Value
		}
		k, err := d.f.loadAPIKey(ctx, name, file)
		if err != nil {
			return nil, err
		}
		return turnkey.KeyApprover{Key: k, Name: "the API key " + escape.Clean(f.Value)}, nil
	case "session":
		env, err := d.f.Open(ctx)
		if err != nil {
			return nil, err
		}
		s, err := env.Manager.Get(ctx, f.Value)
		if err != nil {
			return nil, err
		}
		k, err := env.Manager.Signer(ctx, s.PublicKey)
		if err != nil {
			return nil, err
		}
		return turnkey.KeyApprover{Key: k, Session: true, Name: "session " + escape.Clean(f.Value)}, nil
	}
	a, err := anchors(c.URL)
	if err != nil {
		return nil, err
	}
	typ := turnkey.OTPEmail
	if f.Kind == "sms" {
		typ = turnkey.OTPSMS
	}
	return turnkey.CodeApprover{Type: typ, Contact: f.Value, Anchors: a, Code: d.readCode}, nil
}

// readCode reads the code an MFA factor sent, the spinner held.
func (d *dialer) readCode(_ context.Context, contact string, sent turnkey.Sent) (string, error) {
	d.mu.Lock()
	spin := d.spin
	d.mu.Unlock()
	if spin != nil {
		defer spin.hold()()
	}
	return readCode(d.f.IO, contact, sent, time.Now())
}

// offer says, on a terminal, which factors Turnkey asks for, and asks for
// those tkauth can prove: an API key (named), an email address or phone
// number for a code. An empty answer leaves a step to be given elsewhere.
func (d *dialer) offer(_ context.Context, n turnkey.MFANeeded) ([]mfaFactor, error) {
	d.mu.Lock()
	spin := d.spin
	d.mu.Unlock()
	if spin != nil {
		defer spin.hold()()
	}
	ios := d.f.IO
	// The factors are in turnkey's words, untrusted types escaped there.
	fmt.Fprintf(ios.ErrOut, "Turnkey needs %s before it does this (activity %s).\n", strings.Join(n.Factors, ", then "), escape.Clean(n.ActivityID))
	var out []mfaFactor
	for i, step := range n.Steps {
		var kinds []string
		for _, t := range step {
			for _, k := range []string{"api-key", "email", "sms", "session"} {
				if mfaKinds[k] == t {
					kinds = append(kinds, k)
				}
			}
		}
		if len(kinds) == 0 {
			fmt.Fprintf(ios.ErrOut, "%s: tkauth cannot give it; give it in another app or device.\n", n.Factors[i])
			continue
		}
		fmt.Fprintf(ios.ErrOut, "%s: answer %s (empty: give it elsewhere): ", n.Factors[i], strings.Join(mfaPrompts(kinds), ", or "))
		line, err := readLine(ios.In)
		answer := strings.TrimSpace(line)
		if answer == "" {
			if err != nil {
				return out, nil
			}
			continue
		}
		if err := (mfaValue{&out}).Set(answer); err != nil {
			fmt.Fprintln(ios.ErrOut, escape.Message(err.Error()))
		}
	}
	return out, nil
}

// readLine reads one line of r, a byte at a time, so that what follows
// stays for the next reader (the code's prompt).
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	var c [1]byte
	for {
		n, err := r.Read(c[:])
		if n == 1 {
			if c[0] == '\n' {
				return b.String(), nil
			}
			b.WriteByte(c[0])
		}
		if err != nil {
			return b.String(), err
		}
	}
}

// mfaPrompts are the answers that prove kinds.
func mfaPrompts(kinds []string) []string {
	words := map[string]string{"api-key": "api-key=NAME", "email": "email=ADDRESS", "sms": "sms=NUMBER", "session": "session=KEY"}
	var out []string
	for _, k := range kinds {
		out = append(out, words[k])
	}
	return out
}

// countdown draws label and the time left until until on the spinner's
// line, in place of the requests' spinner, until stop is called.
func (s *spinner) countdown(label string, until time.Time, now func() time.Time) (stop func()) {
	release := s.hold()
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			left := max(until.Sub(now()), 0).Round(time.Second)
			s.mu.Lock()
			s.draw(fmt.Sprintf("%s: %d:%02d left (Ctrl-C to give up)", label, int(left.Minutes()), int(left.Seconds())%60))
			s.mu.Unlock()
			select {
			case <-done:
				s.mu.Lock()
				s.wipe()
				s.mu.Unlock()
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		release()
	}
}
