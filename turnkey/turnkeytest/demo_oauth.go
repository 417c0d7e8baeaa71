package turnkeytest

import (
	"github.com/tkauth/tkauth/internal/fixture"
)

// DemoOAuthClients are the demo app's client IDs at the stand-in
// provider, by provider.
var DemoOAuthClients = map[string]string{"google": "demo-google", "apple": "demo-apple", "facebook": "demo-facebook", "x": "demo-x", "discord": "demo-discord"}

// SeedDemoOAuth lets the demo log in with a social login at p, the
// stand-in provider, whose signed-in user is the code login's sandbox user
// at every provider: DemoAuthProxy enables them all, with
// DemoOAuthClients, each registered at p with redirectURI.
func (s *Server) SeedDemoOAuth(p *IdP, redirectURI string) {
	s.TrustIdP(p)
	for name, id := range DemoOAuthClients {
		p.AddClient(id, redirectURI)
		iss, sub := p.Issuer(), p.Subject()
		if name == "x" || name == "discord" {
			iss, sub = s.OIDCIssuer(), name+":"+sub
		}
		s.AddOAuthUser(fixture.DemoAPIOrg, fixture.DemoSubOrg, fixture.DemoSubUser, iss, id, sub)
	}
	s.AddAuthProxy(AuthProxyConfig{ID: DemoAuthProxy, OrganizationID: fixture.DemoAPIOrg,
		Providers: []string{"google", "apple", "facebook", "x", "discord"}, OAuthClientIDs: DemoOAuthClients})
}
