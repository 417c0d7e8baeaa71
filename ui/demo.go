package ui

import (
	"context"
	"time"

	"github.com/tkauth/tkauth/session"
)

// demoSession describes one seeded session; key pairs are shared by index.
type demoSession struct {
	key     string
	org     string
	user    string
	typ     session.Type
	expires time.Duration // from now; negative is in the past
	keyPair int
}

// Three organizations, one read-only session, one expired, one expiring
// within minutes, two sharing a key pair; the active one is acme/admin.
var demoSessions = []demoSession{
	{"acme/admin", "3f1c2a9e-7b4d-4e1a-9c2f-5d6e7f8a9b0c", "a1b2c3d4-0001-4a5b-8c9d-0e1f2a3b4c5d", session.ReadWrite, 14 * time.Minute, 0},
	{"acme/viewer", "3f1c2a9e-7b4d-4e1a-9c2f-5d6e7f8a9b0c", "a1b2c3d4-0002-4a5b-8c9d-0e1f2a3b4c5d", session.ReadOnly, 45 * time.Minute, 1},
	{"globex/ops", "8e2d4c6b-1a3f-4b5e-9d7c-2f4e6a8c0b1d", "b2c3d4e5-0003-4b6c-9d0e-1f2a3b4c5d6e", session.ReadWrite, 2*time.Minute + 30*time.Second, 2},
	{"globex/ci", "8e2d4c6b-1a3f-4b5e-9d7c-2f4e6a8c0b1d", "b2c3d4e5-0004-4b6c-9d0e-1f2a3b4c5d6e", session.ReadWrite, -4 * time.Minute, 3},
	{"initech/dev", "c7a5e3f1-9b8d-4c6a-8e4f-0a2c4e6f8b9d", "c3d4e5f6-0005-4c7d-8e9f-2a3b4c5d6e7f", session.ReadWrite, 6 * time.Hour, 4},
	{session.DefaultKey, "c7a5e3f1-9b8d-4c6a-8e4f-0a2c4e6f8b9d", "c3d4e5f6-0005-4c7d-8e9f-2a3b4c5d6e7f", session.ReadWrite, 6 * time.Hour, 4},
}

// DemoActive is the demo's active session.
const DemoActive = "acme/admin"

// SeedDemo fills m with sample sessions: three organizations, one
// read-only session, one expired, one expiring within minutes, two sharing a
// key pair, acme/admin active. The key pairs are made by m itself so that
// the demo behaves as a real store does; the tokens are signed by a
// throw-away key, so they show as unverified.
func SeedDemo(ctx context.Context, m *session.Manager) error {
	notarizer, _, err := session.NewPrivateKey() // not Turnkey's: tokens show as unverified
	if err != nil {
		return err
	}
	pubs := map[int]string{}
	now := m.Now()
	for _, d := range demoSessions {
		pub, ok := pubs[d.keyPair]
		if !ok {
			if pub, err = m.CreateKeyPair(ctx); err != nil {
				return err
			}
			pubs[d.keyPair] = pub
		}
		tok, err := session.NewToken(session.Claims{
			Expiry:         now.Add(d.expires),
			PublicKey:      pub,
			Type:           d.typ,
			UserID:         d.user,
			OrganizationID: d.org,
		}, notarizer)
		if err != nil {
			return err
		}
		s, err := session.ParseWithNotarizer(tok, nil)
		if err != nil {
			return err
		}
		if _, err := m.Put(ctx, s, d.key); err != nil {
			return err
		}
	}
	return m.SetActive(ctx, DemoActive)
}
