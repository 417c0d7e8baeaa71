package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// login --whatsapp sends the code by WhatsApp (OTP_TYPE_WHATSAPP) to a
// phone number, through the Auth Proxy and from a parent organization's
// API key alike, and logs in the user who verified that number.
func TestLoginByWhatsApp(t *testing.T) {
	srv := withCodeLogin(t)
	srv.AddSubOrg("o", "bobs", "bob", "", turnkeytest.SandboxPhone)
	c := newCLI(t)
	for name, args := range map[string][]string{
		"Auth Proxy": {"--auth-proxy", "cfg", "--auth-proxy-url", srv.URL},
		"parent key": {"--org", "o"},
	} {
		t.Run(name, func(t *testing.T) {
			key := "bob " + name
			r := c.run(turnkeytest.SandboxCode+"\n", false, append([]string{"login", "--whatsapp", turnkeytest.SandboxPhone, "--session-key", key}, args...)...)
			s := c.state().Sessions[key]
			if r.code != 0 || s == nil || s.OrganizationID != "bobs" || s.UserID != "bob" {
				t.Fatalf("exit %d, %q, %q; stored %+v", r.code, r.out, r.errOut, s)
			}
			bodies := srv.Bodies()
			sent := false
			for _, b := range bodies {
				sent = sent || strings.Contains(b, `"otpType":"OTP_TYPE_WHATSAPP"`)
			}
			if !sent {
				t.Errorf("no code was asked for by WhatsApp: %q", bodies)
			}
		})
	}
	if r := c.run("", false, "login", "--whatsapp", turnkeytest.SandboxPhone, "--sms", turnkeytest.SandboxPhone); r.code != ExitUsage {
		t.Errorf("--whatsapp with --sms: exit %d, %q", r.code, r.errOut)
	}
}

// An Auth Proxy whose configuration gives sessions a lifetime no Duration
// holds, or none Turnkey issues, is refused in words before any code is
// sent: the number is checked before it is used.
func TestLoginByCodeChecksTheProxysLifetime(t *testing.T) {
	for _, secs := range []string{"99999999999", "7766279630", "-5", "31536001"} {
		srv := withCodeLogin(t)
		srv.AddAuthProxy(turnkeytest.AuthProxyConfig{ID: "odd", OrganizationID: "o", SessionSeconds: secs})
		c := newCLI(t)
		before := c.snapshot()
		r := c.run(turnkeytest.SandboxCode+"\n", false, "login", "--email", turnkeytest.SandboxEmail, "--auth-proxy", "odd", "--auth-proxy-url", srv.URL)
		if r.code == 0 || !strings.Contains(r.errOut, "a lifetime of \""+secs+"\" seconds; Turnkey's are from 1 to 31536000") || c.snapshot() != before {
			t.Errorf("%s: exit %d, %q", secs, r.code, r.errOut)
		}
		for _, b := range srv.Bodies() {
			if strings.Contains(b, "otpType") {
				t.Errorf("%s: a code was sent", secs)
			}
		}
	}
}

// A sub-organization's own API key runs the whole code login in its own
// organization, as Turnkey's docs allow: the token it verifies logs in
// there.
func TestLoginByCodeFromTheSubOrganizationsOwnKey(t *testing.T) {
	srv := withCodeLogin(t)
	_, private := srv.NewAPIKeyFile("sub", "ada", "p256")
	file := filepath.Join(t.TempDir(), "sub.private")
	os.WriteFile(file, []byte(private), 0o600)
	c := newCLI(t)
	r := c.run(turnkeytest.SandboxCode+"\n", false, "login", "--email", turnkeytest.SandboxEmail, "--org", "sub", "--sub-org", "sub", "--api-key-file", file, "--session-key", "ada")
	s := c.state().Sessions["ada"]
	if r.code != 0 || s == nil || s.OrganizationID != "sub" || s.UserID != "ada" {
		t.Fatalf("exit %d, %q, %q; stored %+v", r.code, r.out, r.errOut, s)
	}
}
