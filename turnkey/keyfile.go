package turnkey

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
func LoadCLIKey(name string) (Key, error) {
	if name == "" {
		name = DefaultKeyName
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return Key{}, fmt.Errorf("API key name %q is not a name: use --api-key-file for a path", name)
	}
	dir, err := CLIKeyDir()
	if err != nil {
		return Key{}, err
	}
	return LoadKeyFile(filepath.Join(dir, name+".private"))
}

// LoadKeyFile loads an API key in tkcli's format: 64 hex digits of the
// private key, and optionally ":" and the curve (p256 when absent). When a
// .public file sits beside a .private one, it must agree.
func LoadKeyFile(path string) (Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Key{}, fmt.Errorf("no API key at %s: create one with Turnkey's CLI (tkcli generate api-key), or name another with --api-key or --api-key-file", path)
	}
	if err != nil {
		return Key{}, err
	}
	priv, curve, _ := strings.Cut(strings.TrimSpace(string(b)), ":")
	if curve != "" && curve != "p256" && curve != "secp256r1" {
		return Key{}, fmt.Errorf("%s: the key is on curve %s; Turnkey's API stamps need a P-256 (p256) key", path, curve)
	}
	k, err := KeyFromHex(priv)
	if err != nil {
		return Key{}, fmt.Errorf("%s: not a P-256 private key in hex: %w", path, err)
	}
	if pubPath, ok := strings.CutSuffix(path, ".private"); ok {
		if pb, err := os.ReadFile(pubPath + ".public"); err == nil && strings.TrimSpace(string(pb)) != k.PublicKey {
			return Key{}, fmt.Errorf("%s.public does not match %s", pubPath, path)
		}
	}
	return k, nil
}
