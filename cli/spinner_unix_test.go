//go:build unix

package cli

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// Ctrl-C (SIGINT) while the spinner is drawn wipes its line before the
// signal ends tkauth, so that none stays on the screen.
func TestSpinnerWipedOnInterrupt(t *testing.T) {
	errOut := newFirstWrite()
	raised := make(chan os.Signal, 1)
	// The signal comes through the spinner's own channel: a real SIGINT
	// to the test binary would reach other tests' spinners too.
	guarded := make(chan chan<- os.Signal, 1)
	s := &spinner{w: errOut, delay: 0, raised: func(sig os.Signal) { raised <- sig },
		notify: func(c chan<- os.Signal, sig ...os.Signal) {
			if !slices.Contains(sig, os.Interrupt) {
				t.Errorf("the spinner does not catch an interrupt: %v", sig)
			}
			guarded <- c
		}}
	s.start("waiting for turnkey.example")
	defer s.done()
	errOut.waitFor()
	select {
	case c := <-guarded:
		c <- os.Interrupt
	case <-time.After(10 * time.Second):
		t.Fatal("the spinner's line is drawn, but nothing catches a signal")
	}
	select {
	case sig := <-raised:
		if sig != os.Interrupt {
			t.Errorf("raised %v", sig)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the interrupt was not passed on")
	}
	if out := errOut.String(); !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("the spinner's line stays: %q", out)
	}
}
