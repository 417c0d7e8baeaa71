// Package testenv gives tests an environment of their own: a user's shell
// may set any variable tkauth reads (NO_COLOR, TKAUTH_SESSION, TERM, …),
// and no test result may depend on it. Every package's TestMain calls
// Isolate once; a test that wants a variable sets it (t.Setenv, or a
// child's Env).
package testenv

import (
	"os"
	"path/filepath"
)

// Read are the environment variables tkauth reads that a user sets: the
// ones `tkauth help environment` lists, and the ones Go and the terminal
// libraries read for tkauth. A test in cli checks that every variable the
// code reads is here.
var Read = []string{
	"TKAUTH_HOME", "TKAUTH_KEYRING", "TKAUTH_KEYRING_TIMEOUT", "TKAUTH_SESSION",
	"TKAUTH_EXEC_LOGIN", "TKAUTH_DANGEROUSLY_OVERRIDE_SIGNER", "TKAUTH_OAUTH_PROVIDER_URL", "BROWSER",
	"TURNKEY_API_BASE_URL", "TURNKEY_AUTH_PROXY_CONFIG_ID", "TURNKEY_AUTH_PROXY_URL",
	"XDG_CONFIG_HOME", "HOME",
	"NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLORTERM", "TERM", "TERM_PROGRAM",
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY",
	"SSL_CERT_FILE", "SSL_CERT_DIR",
	"DISPLAY", "WAYLAND_DISPLAY",
}

// Isolate unsets every variable in Read, and points XDG_CONFIG_HOME and
// HOME at an empty directory of its own, so that a test that names no store, and no
// Turnkey CLI key, never reads the user's. The test machinery's variables
// stay (DBUS_SESSION_BUS_ADDRESS of scripts/with-keyring's private
// keyring, TKAUTH_REQUIRE_KEYRING). Call it first in TestMain; the
// function it returns removes the directory.
//
// A test process started by a test (a re-run of the test binary) has the
// environment its parent gave it on purpose: Isolate leaves it as it is.
func Isolate() (cleanup func()) {
	if os.Getenv(isolated) != "" {
		return func() {}
	}
	os.Setenv(isolated, "1")
	// Go's own caches and settings stay where they are (the tests build
	// tkauth), wherever HOME and XDG_CONFIG_HOME point from here on.
	home, _ := os.UserHomeDir()
	cache, _ := os.UserCacheDir()
	config, _ := os.UserConfigDir()
	for name, def := range map[string]string{"GOCACHE": filepath.Join(cache, "go-build"), "GOPATH": filepath.Join(home, "go"), "GOENV": filepath.Join(config, "go", "env")} {
		if os.Getenv(name) == "" && def != "" && filepath.IsAbs(def) {
			os.Setenv(name, def)
		}
	}
	for _, name := range Read {
		os.Unsetenv(name)
	}
	dir, err := os.MkdirTemp("", "tkauth-test-config-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	os.Setenv("HOME", dir) // tvc's profiles, in $HOME/.config/turnkey
	return func() { os.RemoveAll(dir) }
}

// isolated marks a process whose environment a test chose: the tests of
// a process that Isolate ran in, and every process they start.
const isolated = "TKAUTH_TEST_ENV_ISOLATED"

// Main is a TestMain that isolates the environment, runs the tests and
// exits with their code: func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m interface{ Run() int }) {
	cleanup := Isolate()
	code := m.Run()
	cleanup()
	os.Exit(code)
}
