package turnkeytest

import (
	"context"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
)

// DemoAuthProxy is the Auth Proxy configuration SeedDemo serves, of
// fixture.DemoAPIOrg: a code sent to Turnkey's sandbox address
// (SandboxEmail, code SandboxCode) or phone logs in as the user of an
// Acme sub-organization.
const DemoAuthProxy = "demo-auth-proxy"

// SeedDemo is fixture.SeedDemo with the live sessions logged in at s, as
// login does, so that refresh, check and revoke work on them (each on a
// key pair of its own); the expired one is stored as fixture.SeedDemo
// stores it. It returns the private key, in tkcli's format, of an API key
// for login (fixture.DemoAPIOrg, fixture.DemoAPIUser).
func (s *Server) SeedDemo(ctx context.Context, m *session.Manager) (string, error) {
	api := s.Client()
	for _, d := range fixture.DemoSessions() {
		s.Name(d.Org, d.OrgName, d.User, d.Username)
		if d.Expires <= 0 {
			pub, err := m.CreateKeyPair(ctx)
			if err == nil {
				err = fixture.SeedDemoSession(ctx, m, d, pub, s.Notarizer)
			}
			if err != nil {
				return "", err
			}
			continue
		}
		by := s.NewAPIKey(d.Org, d.User)
		if _, err := m.Login(ctx, session.APIKeyLogin{Turnkey: api, Key: by, Org: d.Org}, session.LoginOptions{Key: d.Key, Expires: d.Expires, Replace: true}); err != nil {
			return "", err
		}
	}
	s.AddSubOrg(fixture.DemoAPIOrg, fixture.DemoSubOrg, fixture.DemoSubUser, SandboxEmail, SandboxPhone)
	s.Name(fixture.DemoSubOrg, "Acme app user", fixture.DemoSubUser, "sandbox")
	s.AddAuthProxy(AuthProxyConfig{ID: DemoAuthProxy, OrganizationID: fixture.DemoAPIOrg})
	_, private := s.NewAPIKeyFile(fixture.DemoAPIOrg, fixture.DemoAPIUser, "p256")
	return private, m.SetActive(ctx, fixture.DemoActive)
}
