package turnkey_test

import (
	"testing"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// The domain names a session's credential type in its own words (it
// imports nothing of tkauth's); the spec's generated constant is the
// same string.
func TestDomainSpeaksTheSpecsCredentialType(t *testing.T) {
	if session.CredentialLogin != string(wire.CredentialTypeLogin) {
		t.Errorf("session.CredentialLogin = %q, the spec's CREDENTIAL_TYPE_LOGIN is %q", session.CredentialLogin, wire.CredentialTypeLogin)
	}
}
