package turnkey

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/tkauth/tkauth/session"
)

// DefaultKeyName is the API key Turnkey's CLI (tkcli) uses unless told
// otherwise.
const DefaultKeyName = "default"

// CLIKeyDir is where Turnkey's CLI keeps API keys:
// $XDG_CONFIG_HOME/turnkey/keys, else the user config directory's (on
// macOS, as tkcli does, ~/.config/turnkey/keys).
func CLIKeyDir() (string, error) {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "turnkey", "keys"), nil
	}
	if runtime.GOOS == "darwin" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".config", "turnkey", "keys"), nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cfg, "turnkey", "keys"), nil
}

// LoadCLIKey loads the API key name from Turnkey's CLI's key directory.
func LoadCLIKey(name string) (session.Signer, error) {
	if name == "" {
		name = DefaultKeyName
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, fmt.Errorf("API key name %q is not a name: use --api-key-file for a path", name)
	}
	dir, err := CLIKeyDir()
	if err != nil {
		return nil, err
	}
	return LoadKeyFile(filepath.Join(dir, name+".private"))
}

// LoadKeyFile loads an API key in tkcli's format: the private key in hex,
// and optionally ":" and the curve: p256 when absent, secp256k1 or
// ed25519 (tkhq/go-sdk crypto/apikey.go). When a .public file sits beside
// a .private one, it must agree.
func LoadKeyFile(path string) (session.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no API key at %s: create one with Turnkey's CLI (tkcli generate api-key), or name another with --api-key or --api-key-file", path)
	}
	if err != nil {
		return nil, err
	}
	priv, curve, _ := strings.Cut(strings.TrimSpace(string(b)), ":")
	var k session.Signer
	switch curve {
	case "", "p256", "secp256r1":
		k, err = KeyFromHex(priv)
	case "secp256k1":
		k, err = Secp256k1KeyFromHex(priv)
	case "ed25519":
		k, err = Ed25519KeyFromHex(priv)
	default:
		return nil, fmt.Errorf("%s: the key is on curve %q; Turnkey's API keys are p256, secp256k1 or ed25519", path, curve)
	}
	if err != nil {
		if curve == "" {
			curve = "p256"
		}
		return nil, fmt.Errorf("%s: not a %s private key in hex: %w", path, curve, err)
	}
	if pubPath, ok := strings.CutSuffix(path, ".private"); ok {
		if pb, err := os.ReadFile(pubPath + ".public"); err == nil && !strings.EqualFold(strings.TrimSpace(string(pb)), k.PublicKey()) {
			return nil, fmt.Errorf("%s.public does not match %s", pubPath, path)
		}
	}
	return k, nil
}
