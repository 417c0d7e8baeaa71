package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// An activity that needs MFA names the factors; refresh, like login,
// waits --wait for them and changes nothing when they do not come.
func TestRefreshWaitsForMFA(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_PASSKEY", "AUTHENTICATION_TYPE_EMAIL_OTP")

	before := c.snapshot()
	r := c.run("", false, "refresh", "work")
	if r.code == 0 || !strings.Contains(r.errOut, "a passkey") || !strings.Contains(r.errOut, "an email code") || !strings.Contains(r.errOut, "the session is as it was") || c.snapshot() != before {
		t.Errorf("without --wait: exit %d, %q", r.code, r.errOut)
	}

	old, earlier := c.state().Sessions["work"].Token, len(srv.Waiting())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r = c.run("", false, "refresh", "work", "--wait", "20s")
	}()
	for deadline := time.Now().Add(10 * time.Second); len(srv.Waiting()) == earlier; {
		if time.Now().After(deadline) {
			t.Fatal("refresh never waited for MFA")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, id := range srv.Waiting() {
		srv.SatisfyMFA(id)
	}
	wg.Wait()
	if r.code != 0 || !strings.Contains(r.errOut, "waiting until") || c.state().Sessions["work"].Token == old {
		t.Errorf("with --wait: exit %d, %q", r.code, r.errOut)
	}
}

// On a terminal, the wait counts down on one line, which is wiped at the end.
func TestMFACountdown(t *testing.T) {
	var w bytes.Buffer
	s := &spinner{w: &w}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	drawn := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			s.mu.Lock()
			ok := strings.Contains(w.String(), want)
			s.mu.Unlock()
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("never drew %q", want)
			}
		}
	}
	stop := s.countdown("waiting for a passkey", now.Add(90*time.Second), clock)
	drawn("\rwaiting for a passkey: 1:30 left")
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	drawn("\rwaiting for a passkey: 0:29 left")
	stop()
	if out := w.String(); !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("the line is not wiped: %q", out)
	}
	if s.held {
		t.Error("the requests' spinner is still held")
	}
}
