//go:build unix

package cli

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C (SIGINT) while the spinner is drawn wipes its line before the
// signal ends tkauth, so that none stays on the screen.
func TestSpinnerWipedOnInterrupt(t *testing.T) {
	errOut := newFirstWrite()
	raised := make(chan os.Signal, 1)
	s := &spinner{w: errOut, delay: 0, raised: func(sig os.Signal) { raised <- sig }}
	s.start("waiting for turnkey.example")
	defer s.done()
	errOut.waitFor()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Skip(err)
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
