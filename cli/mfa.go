package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/turnkey"
)

// defaultMFAWait is how long a command on a terminal waits for MFA
// factors given elsewhere; without a terminal it does not wait.
const defaultMFAWait = 2 * time.Minute

// mfaFlag adds --wait to cmd, read into wait: how long its Turnkey
// activities wait for MFA factors (defaultMFAWait on a terminal unless
// given). Every client the command's dialer dials waits that long.
func mfaFlag(cmd *cobra.Command, ios *IOStreams, wait *time.Duration) {
	cmd.Flags().DurationVar(wait, "wait", 0, "how long to wait for MFA factors given elsewhere (default 2m on a terminal, none without one)")
	pre := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if !cmd.Flags().Changed("wait") && ios.CanPrompt() {
			*wait = defaultMFAWait
		}
		if pre != nil {
			return pre(cmd, args)
		}
		return nil
	}
}

// mfa makes c wait for MFA factors as the command's --wait says: it names
// them on stderr and, on a terminal, counts down until they are given or
// the wait is over.
func (d *dialer) mfa(c *turnkey.Client) {
	var wait time.Duration
	if d.wait != nil {
		wait = *d.wait
	}
	c.MFAWait = wait
	c.OnMFA = func(n turnkey.MFANeeded) func() {
		fmt.Fprintf(d.f.IO.ErrOut, "Turnkey needs %s before it does this (activity %s): give them in another app or device; waiting until %s (%s).\n",
			escape.Join(n.Factors), escape.Clean(n.ActivityID), n.Until.Format("15:04:05"), wait.Round(time.Second))
		d.mu.Lock()
		spin := d.spin
		d.mu.Unlock()
		if spin == nil {
			return nil
		}
		return spin.countdown("waiting for "+escape.Join(n.Factors), n.Until, c.Now)
	}
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
			io.WriteString(s.w, fmt.Sprintf("\r%s: %d:%02d left (Ctrl-C to give up)\x1b[K", label, int(left.Minutes()), int(left.Seconds())%60))
			s.drawn = true
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
