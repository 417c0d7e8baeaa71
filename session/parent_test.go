package session_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// parentLogin is a login addressed to the parent organization o, stamped
// by a sub-organization user's key, as the SDK's passkey and wallet
// logins send it; want is who the user asked for (zero: whoever Turnkey
// says the new key is).
type parentLogin struct {
	api  session.TurnkeyAPI
	key  session.Signer
	want session.Identity
}

func (l parentLogin) API() session.TurnkeyAPI                          { return l.api }
func (l parentLogin) Expect(context.Context) (session.Identity, error) { return l.want, nil }
func (l parentLogin) Issue(ctx context.Context, _ session.Signer, r session.LoginRequest) (string, error) {
	r.Org = "o"
	return l.api.StampLogin(ctx, l.key, r)
}

// A parent-addressed login yields the sub-organization user's session:
// refused when the parent's user was asked for, and then ended on Turnkey
// before anything else; stored as the sub-organization user's when that
// user is what was asked for.
func TestParentAddressedLogin(t *testing.T) {
	ctx := context.Background()
	f := newAPIFixture(t)
	f.srv.AddSubOrg("o", "sub", "ada", "", "")
	subKey := f.srv.NewAPIKey("sub", "ada")
	before := f.snapshot()

	_, err := f.m.Login(ctx, parentLogin{api: f.api, key: subKey, want: session.Identity{OrganizationID: "o", UserID: "ada"}}, session.LoginOptions{Key: "ada"})
	if !errors.Is(err, session.ErrWrongSession) {
		t.Fatalf("err = %v, want ErrWrongSession", err)
	}
	if f.snapshot() != before {
		t.Error("the store changed")
	}
	keys, err := f.api.GetAPIKeys(ctx, subKey, "sub", "ada")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.IsSession() && (k.Expiry.IsZero() || time.Now().Before(k.Expiry)) {
			t.Errorf("the refused session's key %s is still live on Turnkey", k.PublicKey)
		}
	}

	for name, want := range map[string]session.Identity{
		"the sub-organization's user asked for": {OrganizationID: "sub", UserID: "ada"},
		"whoever the key is":                    {},
	} {
		res, err := f.m.Login(ctx, parentLogin{api: f.api, key: subKey, want: want}, session.LoginOptions{Key: "ada " + name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s := res.Session; s.OrganizationID != "sub" || s.UserID != "ada" || !f.srv.HasKey(s.PublicKey) {
			t.Errorf("%s: stored %+v", name, s)
		}
	}
}
