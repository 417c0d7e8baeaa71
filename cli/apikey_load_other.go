//go:build !windows

package cli

import (
	"os"
	"runtime"
)

// systemKeyringReachable: the Keychain on macOS; elsewhere the Secret
// Service, over a D-Bus session bus.
func systemKeyringReachable() bool {
	return runtime.GOOS == "darwin" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
}
