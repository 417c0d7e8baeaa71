package turnkeytest

import (
	"context"
	"fmt"
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

// SeedDemo is fixture.SeedDemo at s: the same samples (three
// organizations, a read-only session, an expired one, one within minutes
// of expiry, two sharing a key pair), their tokens signed by s's signer
// (test-signed), every one recording s's API, so that nothing the demo
// does reaches Turnkey; the samples' keys are registered at s as a login
// registers them, so that refresh, check and revoke work on them. Then a
// scoped session (DemoScoped) and a user whose logins need MFA
// (DemoMFAUser). It returns the API keys for login.
func (s *Server) SeedDemo(ctx context.Context, m *session.Manager) (DemoKeys, error) {
	pubs := map[int]string{}
	for _, d := range fixture.DemoSessions() {
		s.Name(d.Org, d.OrgName, d.User, d.Username)
		pub, ok := pubs[d.KeyPair]
		if !ok {
			var err error
			if pub, err = m.CreateKeyPair(ctx); err != nil {
				return DemoKeys{}, err
			}
			pubs[d.KeyPair] = pub
		}
		expiry := m.Now().Add(d.Expires)
		tok, err := session.NewToken(session.Claims{Expiry: expiry, PublicKey: pub, Type: d.Type, UserID: d.User, OrganizationID: d.Org}, s.Notarizer)
		if err != nil {
			return DemoKeys{}, err
		}
		sess, err := session.Parse(tok)
		if err != nil {
			return DemoKeys{}, err
		}
		t, _ := session.ParseWithNotarizer(tok, &s.Notarizer.PublicKey)
		sess.TestSigned = t.Verified
		sess.OrganizationName, sess.Username, sess.APIBaseURL = d.OrgName, d.Username, s.URL
		if _, err := m.Put(ctx, sess, d.Key); err != nil {
			return DemoKeys{}, err
		}
		s.addSessionKey(d.Org, d.User, pub, expiry) // an expired key stays listed until evicted
	}
	api := s.Client()
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

// addSessionKey registers pub as a session key (a login credential) of
// user in org until expiry, once, as a login that issued it would.
func (s *Server) addSessionKey(org, user, pub string, expiry time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[pub]; ok {
		return // a key pair two sessions share is one key on Turnkey
	}
	created := s.now()
	if !created.Before(expiry) {
		created = expiry.Add(-15 * time.Minute)
	}
	s.next++
	s.keys[pub] = &apiKey{id: fmt.Sprintf("apikey-%d", s.next), org: org, user: user, name: "session",
		credential: wire.CredentialTypeLogin, created: created, expires: expiry}
	s.evict(user)
}
