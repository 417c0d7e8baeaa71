package turnkeytest

import (
	"context"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// DemoAuthProxy is the Auth Proxy configuration SeedDemo serves, of
// fixture.DemoAPIOrg: a code sent to Turnkey's sandbox address
// (SandboxEmail, code SandboxCode) or phone logs in as the user of an
// Acme sub-organization.
const DemoAuthProxy = "demo-auth-proxy"

// DemoMFAUser is a user of fixture.DemoAPIOrg whose logins and refreshes
// need MFA: an API key, then an SMS code to SandboxPhone (SandboxCode).
const DemoMFAUser = "a1b2c3d4-00f1-4a5b-8c9d-0e1f2a3b4c5d"

// DemoScoped is the key of the demo's scoped session: acme/admin's user,
// in session profile DemoProfile, whose scope allows signing only, so the
// session cannot refresh, check or revoke itself; the API key can.
const DemoScoped, DemoProfile = "acme/signing-only", "demo-signing-only"

// DemoKeys are the private keys, in tkcli's format, of the demo's API
// keys: Admin's (fixture.DemoAPIUser) and MFA's (DemoMFAUser).
type DemoKeys struct{ Admin, MFA string }

// SeedDemo is fixture.SeedDemo with the live sessions logged in at s, as
// login does, so that refresh, check and revoke work on them (each on a
// key pair of its own); the expired one is stored as fixture.SeedDemo
// stores it; with a scoped session (DemoScoped) and a user whose logins
// need MFA (DemoMFAUser). It returns the API keys for login.
func (s *Server) SeedDemo(ctx context.Context, m *session.Manager) (DemoKeys, error) {
	api := s.Client()
	for _, d := range fixture.DemoSessions() {
		s.Name(d.Org, d.OrgName, d.User, d.Username)
		if d.Expires <= 0 {
			pub, err := m.CreateKeyPair(ctx)
			if err == nil {
				err = fixture.SeedDemoSession(ctx, m, d, pub, s.Notarizer)
			}
			if err != nil {
				return DemoKeys{}, err
			}
			continue
		}
		by := s.NewAPIKey(d.Org, d.User)
		if _, err := m.Login(ctx, session.APIKeyLogin{Turnkey: api, Key: by, Org: d.Org}, session.LoginOptions{Key: d.Key, Expires: d.Expires, Replace: true}); err != nil {
			return DemoKeys{}, err
		}
	}
	// The sandbox phone proves the MFA user's SMS factor, so the code
	// login's user has the sandbox address only.
	s.AddSubOrg(fixture.DemoAPIOrg, fixture.DemoSubOrg, fixture.DemoSubUser, SandboxEmail, "")
	s.Name(fixture.DemoSubOrg, "Acme app user", fixture.DemoSubUser, "sandbox")
	s.AddAuthProxy(AuthProxyConfig{ID: DemoAuthProxy, OrganizationID: fixture.DemoAPIOrg})
	var keys DemoKeys
	admin, private := s.NewAPIKeyFile(fixture.DemoAPIOrg, fixture.DemoAPIUser, "p256")
	keys.Admin = private
	s.AddScopedProfile(DemoProfile, "signing-only", "activity.action == 'SIGN'")
	if _, err := m.Login(ctx, session.APIKeyLogin{Turnkey: api, Key: admin, Org: fixture.DemoAPIOrg},
		session.LoginOptions{Key: DemoScoped, Expires: time.Hour, SessionProfileID: DemoProfile, Replace: true}); err != nil {
		return DemoKeys{}, err
	}
	_, keys.MFA = s.NewAPIKeyFile(fixture.DemoAPIOrg, DemoMFAUser, "p256")
	for _, d := range fixture.DemoSessions() {
		if d.Org == fixture.DemoAPIOrg {
			s.Name(d.Org, d.OrgName, DemoMFAUser, "careful")
			break
		}
	}
	s.AddContact(fixture.DemoAPIOrg, DemoMFAUser, SandboxPhone)
	s.RequireMFA(DemoMFAUser, string(wire.AuthenticationTypeAPIKey), string(wire.AuthenticationTypeSMSOTP))
	return keys, m.SetActive(ctx, fixture.DemoActive)
}
