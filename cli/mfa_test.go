package cli

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tkauth/tkauth/turnkey/turnkeytest"
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

// lastLoginKey is the publicKey of the last stamp_login the server got.
func lastLoginKey(t *testing.T, srv *turnkeytest.Server) string {
	t.Helper()
	reqs, bodies := srv.Requests(), srv.Bodies()
	for i := len(reqs) - 1; i >= 0; i-- {
		if strings.HasSuffix(reqs[i], "/stamp_login") {
			var b struct {
				Parameters struct {
					PublicKey string `json:"publicKey"`
				} `json:"parameters"`
			}
			json.Unmarshal([]byte(bodies[i]), &b)
			return b.Parameters.PublicKey
		}
	}
	t.Fatal("no stamp_login")
	return ""
}

// A login and a refresh that need an API-key factor and an email-code
// factor complete with --mfa: each approves the activity by its
// fingerprint, stamped by that factor. Without it they fail in words,
// and leave nothing stored and no key live on Turnkey.
func TestMFAFactorsApproveLoginAndRefresh(t *testing.T) {
	srv, keyFile := withAPI(t)
	srv.AddContact("o", "u", turnkeytest.SandboxEmail)
	trustStandIn(t, srv)
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_API_KEY", "AUTHENTICATION_TYPE_EMAIL_OTP")
	c := newCLI(t)

	r := c.run("", false, "login", "--org", "o", "--session-key", "s")
	if r.code == ExitOK || !strings.Contains(r.errOut, "an API key, then an email code") || !strings.Contains(r.errOut, "--mfa") || !strings.Contains(r.errOut, "nothing was stored") ||
		!strings.Contains(r.errOut, "tkauth rejected the activity") {
		t.Fatalf("login without --mfa: exit %d\n%s", r.code, r.errOut)
	}
	if st := c.state(); len(st.Sessions) != 0 || len(st.KeyPairs) != 0 {
		t.Error("a login that needed MFA stored something")
	}
	if pub := lastLoginKey(t, srv); srv.HasKey(pub) {
		t.Error("a login that needed MFA left its key live on Turnkey")
	}

	mfa := []string{"--mfa", "api-key-file=" + keyFile, "--mfa", "email=" + turnkeytest.SandboxEmail}
	r = c.run(turnkeytest.SandboxCode+"\n", false, append([]string{"login", "--org", "o", "--session-key", "s"}, mfa...)...)
	if r.code != ExitOK {
		t.Fatalf("login --mfa: exit %d\n%s", r.code, r.errOut)
	}
	s := c.state().Sessions["s"]
	if s == nil || !srv.HasKey(s.PublicKey) {
		t.Fatal("login --mfa stored no session, or its key is not live")
	}

	before := c.snapshot()
	r = c.run("", false, "refresh", "s")
	if r.code == ExitOK || !strings.Contains(r.errOut, "an API key, then an email code") || !strings.Contains(r.errOut, "the session is as it was") || c.snapshot() != before {
		t.Fatalf("refresh without --mfa: exit %d\n%s", r.code, r.errOut)
	}
	if pub := lastLoginKey(t, srv); srv.HasKey(pub) {
		t.Error("a refresh that needed MFA left its new key live on Turnkey")
	}
	r = c.run(turnkeytest.SandboxCode+"\n", false, append([]string{"refresh", "s"}, mfa...)...)
	if r.code != ExitOK {
		t.Fatalf("refresh --mfa: exit %d\n%s", r.code, r.errOut)
	}
	if n := c.state().Sessions["s"]; n.Token == s.Token || !srv.HasKey(n.PublicKey) || srv.HasKey(s.PublicKey) {
		t.Error("refresh --mfa did not renew the session, or left the old key live")
	}
	if len(srv.Waiting()) != 0 || len(srv.Rejected()) != 2 {
		t.Errorf("waiting activities %v, rejected %v: the two given up should be rejected, so that no later approval makes a key live", srv.Waiting(), srv.Rejected())
	}
}

// A factor Turnkey does not accept is said, and nothing is stored.
func TestMFAWrongFactor(t *testing.T) {
	srv, _ := withAPI(t)
	srv.AddContact("o", "u", turnkeytest.SandboxEmail)
	trustStandIn(t, srv)
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_EMAIL_OTP")
	c := newCLI(t)
	r := c.run("111111\n", false, "login", "--org", "o", "--mfa", "email="+turnkeytest.SandboxEmail)
	if r.code == ExitOK || !strings.Contains(r.errOut, "Invalid OTP code") || !strings.Contains(r.errOut, "nothing was stored") {
		t.Errorf("exit %d\n%s", r.code, r.errOut)
	}
	if r := c.run("", false, "login", "--org", "o", "--mfa", "passkey=x"); r.code != ExitUsage {
		t.Errorf("an unknown factor: exit %d\n%s", r.code, r.errOut)
	}
	if len(c.state().Sessions) != 0 {
		t.Error("stored")
	}
}

// trustStandIn trusts the stand-in's enclave key, as a code login does.
func trustStandIn(t *testing.T, srv *turnkeytest.Server) {
	pub, _ := srv.Notarizer.PublicKey.Bytes()
	t.Setenv(OverrideSignerEnv, hex.EncodeToString(pub))
}

// On a terminal without --mfa, tkauth names the factors Turnkey asks for
// and asks for those it can prove; the answers approve the activity.
func TestMFAOfferedOnATerminal(t *testing.T) {
	srv, keyFile := withAPI(t)
	srv.AddContact("o", "u", turnkeytest.SandboxEmail)
	trustStandIn(t, srv)
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_API_KEY", "AUTHENTICATION_TYPE_EMAIL_OTP")
	c := newCLI(t)
	stdin := "api-key-file=" + keyFile + "\nemail=" + turnkeytest.SandboxEmail + "\n" + turnkeytest.SandboxCode + "\n"
	r := c.run(stdin, true, "login", "--org", "o", "--session-key", "s")
	if r.code != ExitOK || !strings.Contains(r.errOut, "Turnkey needs an API key, then an email code") || !strings.Contains(r.errOut, "api-key=NAME") ||
		!strings.Contains(r.errOut, "email=ADDRESS") || !strings.Contains(r.errOut, "Code: ") {
		t.Fatalf("exit %d\n%s", r.code, r.errOut)
	}
	if s := c.state().Sessions["s"]; s == nil || !srv.HasKey(s.PublicKey) {
		t.Error("no session stored, or its key is not live")
	}
}

// A login by a code through the Auth Proxy that needs an SMS code factor:
// --mfa sms=NUMBER has the proxy send that code (the login's attested
// stamp sends none), and approves the login by its fingerprint in the
// user's sub-organization, attested by the factor's own verification
// token. Without it the login fails in words, rejected, nothing stored.
func TestMFACodeFactorDuringACodeLogin(t *testing.T) {
	srv := withCodeLogin(t) // ada of sub-organization sub, under o; proxy cfg
	srv.AddContact("sub", "ada", turnkeytest.SandboxPhone)
	srv.RequireMFA("ada", "AUTHENTICATION_TYPE_SMS_OTP")
	c := newCLI(t)
	login := []string{"login", "--email", turnkeytest.SandboxEmail, "--auth-proxy", "cfg", "--auth-proxy-url", srv.URL}

	r := c.run(turnkeytest.SandboxCode+"\n", false, login...)
	if r.code == ExitOK || !strings.Contains(r.errOut, "an SMS code") || !strings.Contains(r.errOut, "tkauth rejected the activity") || !strings.Contains(r.errOut, "no session was stored") {
		t.Fatalf("without --mfa: exit %d\n%s", r.code, r.errOut)
	}
	if st := c.state(); len(st.Sessions) != 0 || len(st.KeyPairs) != 0 || len(srv.Waiting()) != 0 || len(srv.Rejected()) != 1 {
		t.Fatalf("without --mfa: stored %v, waiting %v, rejected %v", st.Keys(), srv.Waiting(), srv.Rejected())
	}

	r = c.run(turnkeytest.SandboxCode+"\n"+turnkeytest.SandboxCode+"\n", false, append(login, "--mfa", "sms="+turnkeytest.SandboxPhone)...)
	if r.code != ExitOK {
		t.Fatalf("--mfa sms: exit %d\n%s", r.code, r.errOut)
	}
	s := c.state().Sessions["ada-s-wallet/ada"]
	if s == nil || !srv.HasKey(s.PublicKey) || len(srv.Waiting()) != 0 {
		t.Fatalf("--mfa sms stored %v; waiting %v", c.state().Keys(), srv.Waiting())
	}

	// The factor's code is the proxy's to check: a wrong one is refused,
	// and the login with it.
	r = c.run(turnkeytest.SandboxCode+"\n111111\n", false, append(login, "--mfa", "sms="+turnkeytest.SandboxPhone)...)
	if r.code == ExitOK || !strings.Contains(r.errOut, "approving activity") {
		t.Errorf("a wrong factor code: exit %d\n%s", r.code, r.errOut)
	}
}
