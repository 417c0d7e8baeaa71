package cli

import (
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// withCodeLogin serves an Auth Proxy for parent organization o, whose
// sub-organization sub has user ada with the sandbox address, and trusts
// the stand-in's signer.
func withCodeLogin(t *testing.T) *turnkeytest.Server {
	srv, _ := withAPI(t)
	srv.AddSubOrg("o", "sub", "ada", turnkeytest.SandboxEmail, "")
	srv.Name("sub", "Ada's wallet", "ada", "ada")
	srv.AddAuthProxy(turnkeytest.AuthProxyConfig{ID: "cfg", OrganizationID: "o"})
	pub, _ := srv.Notarizer.PublicKey.Bytes()
	t.Setenv(OverrideSignerEnv, hex.EncodeToString(pub))
	return srv
}

func TestLoginByCode(t *testing.T) {
	srv := withCodeLogin(t)
	c := newCLI(t)
	proxy := []string{"login", "--email", turnkeytest.SandboxEmail, "--auth-proxy", "cfg", "--auth-proxy-url", srv.URL}

	before := c.snapshot()
	for _, tt := range []struct {
		name, code, says string
	}{
		{"a wrong code", "123456", "the code is not the one Turnkey sent"},
		{"a code of the wrong shape", "12345", "the code has 5 characters; the one sent has 6"},
	} {
		r := c.run(tt.code+"\n", false, proxy...)
		if r.code == 0 || !strings.Contains(r.errOut, tt.says) || !strings.Contains(r.errOut, "nothing was stored") && !strings.Contains(r.errOut, "no session was stored") {
			t.Errorf("%s: exit %d, %q", tt.name, r.code, r.errOut)
		}
		if c.snapshot() != before {
			t.Errorf("%s: the store changed", tt.name)
		}
	}

	r := c.run(turnkeytest.SandboxCode+"\n", false, append(proxy, "--session-key", "ada")...)
	if r.code != 0 || !strings.Contains(r.out, "as user ada (ada): session ada (now active)") || !strings.Contains(r.errOut, OverrideSignerEnv+" is set") {
		t.Fatalf("exit %d, %q, %q", r.code, r.out, r.errOut)
	}
	st := c.state()
	s := st.Sessions["ada"]
	if s == nil || st.Active != "ada" || s.OrganizationID != "sub" || s.UserID != "ada" || !s.TestSigned || s.Verified || !srv.HasKey(s.PublicKey) {
		t.Fatalf("stored %+v", s)
	}
	if has, _ := c.keysHave(s.PublicKey); !has {
		t.Error("the key pair is not in the key store")
	}
	if out := c.ok("show", "ada"); !strings.Contains(out, "test-signed: by a stand-in's signer") {
		t.Errorf("show: %q", out)
	}

	t.Run("from a parent key, in a session profile", func(t *testing.T) {
		srv.AddProfile("prof", "viewer")
		r := c.run(turnkeytest.SandboxCode+"\n", false, "login", "--email", turnkeytest.SandboxEmail, "--org", "o", "--session-profile", "prof", "--session-key", "ada2")
		s := c.state().Sessions["ada2"]
		if r.code != 0 || s == nil || s.OrganizationID != "sub" || s.SessionProfileID != "prof" || s.Type != "viewer" {
			t.Fatalf("exit %d, %q; stored %+v", r.code, r.errOut, s)
		}
	})

	t.Run("MFA: the factor named, nothing stored", func(t *testing.T) {
		srv.RequireMFA("ada", "AUTHENTICATION_TYPE_PASSKEY")
		defer srv.RequireMFA("ada")
		before := c.snapshot()
		r := c.run(turnkeytest.SandboxCode+"\n", false, append(proxy, "--session-key", "ada3")...)
		if r.code == 0 || !strings.Contains(r.errOut, "needs a passkey") || c.snapshot() != before {
			t.Errorf("exit %d, %q", r.code, r.errOut)
		}
		for _, id := range srv.Waiting() {
			srv.SatisfyMFA(id)
		}
	})

	t.Run("the override is refused off loopback", func(t *testing.T) {
		r := c.run(turnkeytest.SandboxCode+"\n", false, "login", "--email", turnkeytest.SandboxEmail, "--auth-proxy", "cfg", "--auth-proxy-url", turnkey.DefaultAuthProxyURL)
		if r.code != ExitUsage || !strings.Contains(r.errOut, "honoured only when every URL is this machine's") {
			t.Errorf("exit %d, %q", r.code, r.errOut)
		}
	})
	c.noSecrets()
}

// A code login whose disk fills once Turnkey issued the session says
// what is true of the new key pair: left (and where), never "deleted".
func TestCodeLoginOnAFullDisk(t *testing.T) {
	srv := withCodeLogin(t)
	disk, fill := fullDisk(t)
	c := newCLI(t)
	c.home = filepath.Join(disk, "tkauth")
	target, _ := url.Parse(srv.URL)
	front := httputil.NewSingleHostReverseProxy(target)
	front.ModifyResponse = func(r *http.Response) error {
		// The session is issued (stamp_login); the disk fills before it is stored.
		if strings.HasSuffix(r.Request.URL.Path, "/stamp_login") {
			fill()
		}
		return nil
	}
	fs := httptest.NewServer(front)
	defer fs.Close()
	t.Setenv("TURNKEY_API_BASE_URL", fs.URL)
	r := c.run(turnkeytest.SandboxCode+"\n", false, "login", "--email", turnkeytest.SandboxEmail, "--auth-proxy", "cfg", "--auth-proxy-url", fs.URL, "--session-key", "ada")
	if r.code == 0 || !strings.Contains(r.errOut, "no space left") || !strings.Contains(r.errOut, "the new key pair could not be deleted") || strings.Contains(r.errOut, "key pair was deleted") {
		t.Errorf("exit %d, %q", r.code, r.errOut)
	}
}
