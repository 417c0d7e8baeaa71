package turnkey

import (
	"cmp"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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
		return nil, &KeyNameError{Name: name}
	}
	dir, err := CLIKeyDir()
	if err != nil {
		return nil, err
	}
	return LoadKeyFile(filepath.Join(dir, name+".private"))
}

// Curves of Turnkey's API keys, as tkcli's key files name them.
const (
	CurveP256      = "p256"
	CurveSecp256k1 = "secp256k1"
	CurveEd25519   = "ed25519"
)

// ParseKey reads an API key in tkcli's format, "<private hex>[:<curve>]"
// (p256 when no curve is named), and returns it and its curve.
func ParseKey(s string) (session.Signer, string, error) {
	priv, curve, _ := strings.Cut(strings.TrimSpace(s), ":")
	var k session.Signer
	var err error
	switch curve {
	case "", CurveP256, "secp256r1":
		curve = CurveP256
		k, err = KeyFromHex(priv)
	case CurveSecp256k1:
		k, err = secp256k1KeyFromHex(priv)
	case CurveEd25519:
		k, err = ed25519KeyFromHex(priv)
	default:
		return nil, "", fmt.Errorf("the key is on curve %q; Turnkey's API keys are p256, secp256k1 or ed25519", curve)
	}
	if err != nil {
		return nil, "", fmt.Errorf("not a %s private key in hex: %w", curve, err)
	}
	return k, curve, nil
}

// ParseTKKey reads a key file of Turnkey's tk CLI, JSON {"public_key",
// "private_key", "curve"}, and returns the key in tkcli's format; the
// public key it names must be the private key's.
func ParseTKKey(data []byte) (session.Signer, string, error) {
	var f struct {
		PublicKey  string `json:"public_key"`
		PrivateKey string `json:"private_key"`
		Curve      string `json:"curve"`
	}
	if err := json.Unmarshal(data, &f); err != nil || f.PrivateKey == "" {
		return nil, "", errors.New(`not a tk key file: want JSON {"public_key", "private_key", "curve"}`)
	}
	secret := f.PrivateKey + ":" + strings.ToLower(cmp.Or(f.Curve, CurveP256))
	k, _, err := ParseKey(secret)
	if err != nil {
		return nil, "", err
	}
	if !strings.EqualFold(f.PublicKey, k.PublicKey()) {
		return nil, "", fmt.Errorf("its public_key %s is not its private key's (%s)", session.Short(f.PublicKey), session.Short(k.PublicKey()))
	}
	return k, secret, nil
}

// NewKey makes a new API key on curve and returns it in tkcli's format
// (for Ed25519, the seed and public key, as tkcli writes it).
func NewKey(curve string) (session.Signer, string, error) {
	var seed [32]byte
	for {
		rand.Read(seed[:])
		priv := seed[:]
		if curve == CurveEd25519 {
			priv = ed25519.NewKeyFromSeed(priv)
		}
		secret := hex.EncodeToString(priv) + ":" + curve
		k, _, err := ParseKey(secret)
		if err == nil {
			return k, secret, nil
		}
		if curve != CurveP256 && curve != CurveSecp256k1 && curve != CurveEd25519 {
			return nil, "", err
		}
		// A seed out of the curve's range (about 2^-128): draw again.
	}
}

// LoadKeyFile loads an API key in tkcli's format: the private key in hex,
// and optionally ":" and the curve: p256 when absent, secp256k1 or
// ed25519 (tkhq/go-sdk crypto/apikey.go). When a .public file sits beside
// a .private one, it must agree.
func LoadKeyFile(path string) (session.Signer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: create one with Turnkey's CLI (tkcli generate api-key)", ErrNoKeyFile, path)
	}
	if err != nil {
		return nil, err
	}
	k, _, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if pubPath, ok := strings.CutSuffix(path, ".private"); ok {
		if pb, err := os.ReadFile(pubPath + ".public"); err == nil && !strings.EqualFold(strings.TrimSpace(string(pb)), k.PublicKey()) {
			return nil, fmt.Errorf("%s.public does not match %s", pubPath, path)
		}
	}
	return k, nil
}
