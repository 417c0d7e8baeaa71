package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tkauth/tkauth/store"
)

// On Windows the API keys' keyring is the Credential Manager, which needs
// no D-Bus: auto uses it with no bus in sight.
func TestWindowsAPIKeysNeedNoBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	f := &Factory{Keyring: store.KeyringAuto, Home: filepath.Join(os.TempDir(), "tkauth-none"), KeyringService: "tkauth-test"}
	ak, err := f.apiKeys()
	if err != nil || ak == nil {
		t.Fatalf("apiKeys = %v, %v; want the Credential Manager's", ak, err)
	}
	f.Keyring = store.KeyringFile
	if ak, err := f.apiKeys(); err != nil || ak != nil {
		t.Fatalf("with --keyring file: %v, %v; want none", ak, err)
	}
}
