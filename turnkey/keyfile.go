package turnkey

import (
	"cmp"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

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
// ed25519 (tkhq/go-sdk crypto/apikey.go). The file is read as
// OpenKeyFile reads it. When a .public file sits beside a .private one,
// it must agree.
func LoadKeyFile(path string) (session.Signer, error) {
	data, err := ReadKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: create one with Turnkey's CLI (tkcli generate api-key)", ErrNoKeyFile, path)
	}
	if err != nil {
		return nil, err
	}
	return ParseKeyFile(path, data)
}

// ParseKeyFile is the API key in data, read from a file at path in
// tkcli's format, checked against a .public beside a .private.
func ParseKeyFile(path string, data []byte) (session.Signer, error) {
	k, _, err := ParseKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if pubPath, ok := strings.CutSuffix(path, ".private"); ok {
		if pb, err := ReadKeyFile(pubPath + ".public"); err == nil && !strings.EqualFold(strings.TrimSpace(string(pb)), k.PublicKey()) {
			return nil, fmt.Errorf("%s.public does not match %s", pubPath, path)
		}
	}
	return k, nil
}

// maxKeyFile bounds what a key file may hold: a few hundred bytes.
const maxKeyFile = 64 << 10

// KeyFile is a key file read once, from one open file, which stays open
// so that what became of the file is asked of it, not of its name.
type KeyFile struct {
	Path string
	Data []byte
	// Info is the open file's (fstat), not the name's.
	Info os.FileInfo
	f    *os.File
}

// OpenKeyFile opens and reads the key file at path: never through a
// symbolic link (O_NOFOLLOW), never waiting on a named pipe (O_NONBLOCK),
// and only a regular file of at most 64 KiB, as fstat of the open file
// says. An error wraps fs.ErrNotExist when nothing is there.
func OpenKeyFile(path string) (*KeyFile, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|noFollow|nonBlock, 0)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			return nil, fmt.Errorf("%s is a symbolic link (to %s): tkauth does not follow links to key files; name the file itself", path, target)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is %s, not a key file (a regular file of a few hundred bytes)", path, fileType(fi))
	}
	if err == nil && fi.Size() > maxKeyFile {
		err = fmt.Errorf("%s holds %d bytes, too many for a key file (a few hundred bytes)", path, fi.Size())
	}
	var data []byte
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(f, maxKeyFile+1))
		if err == nil && len(data) > maxKeyFile {
			err = fmt.Errorf("%s grew past %d bytes while it was read", path, maxKeyFile)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &KeyFile{Path: path, Data: data, Info: fi, f: f}, nil
}

// ReadKeyFile is what OpenKeyFile reads, the file closed.
func ReadKeyFile(path string) ([]byte, error) {
	k, err := OpenKeyFile(path)
	if err != nil {
		return nil, err
	}
	k.Close()
	return k.Data, nil
}

// Close closes the file.
func (k *KeyFile) Close() error { return k.f.Close() }

// Links is how many names the open file has now: 0 once every one is
// removed, when its data goes with the last open file.
func (k *KeyFile) Links() (uint64, error) {
	fi, err := k.f.Stat()
	if err != nil {
		return 0, err
	}
	return links(fi), nil
}

// Is reports whether fi, from Lstat of a name, is this open file.
func (k *KeyFile) Is(fi os.FileInfo) bool { return os.SameFile(k.Info, fi) }

// fileType names what fi is, when it is not a regular file.
func fileType(fi os.FileInfo) string {
	switch t := fi.Mode().Type(); {
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeDevice != 0:
		return "a device"
	case t&fs.ModeDir != 0:
		return "a directory"
	}
	return "not a regular file"
}

// CLIPublicKeys is the public keys of the API keys in Turnkey's CLI's key
// directory (tkcli): each NAME.public, else what NAME.private holds. Files
// that cannot be read are passed over: this is what tkauth knows, not a
// listing to act on.
func CLIPublicKeys() []string {
	dir, err := CLIKeyDir()
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".private")
		if !ok {
			continue
		}
		if b, err := ReadKeyFile(filepath.Join(dir, name+".public")); err == nil {
			out = append(out, strings.TrimSpace(string(b)))
		}
		if b, err := ReadKeyFile(filepath.Join(dir, e.Name())); err == nil {
			if k, _, err := ParseKey(string(b)); err == nil {
				out = append(out, k.PublicKey())
			}
		}
	}
	return out
}

// tvcDir is where Turnkey's Rust CLI (tvc) keeps its configuration:
// $HOME/.config/turnkey on every system (tkhq/rust-sdk
// tvc/src/config/turnkey/mod.rs, config_dir).
func tvcDir() (string, error) {
	home := os.Getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is not set, so tvc's configuration cannot be found")
	}
	return filepath.Join(home, ".config", "turnkey"), nil
}

// TVCProfile is an organization tvc knows by its alias: its ID and where
// its API key is (tvc.config.toml's [orgs.ALIAS], api_key_path; by
// default orgs/ALIAS/api_key.json beside it).
type TVCProfile struct {
	Alias, OrganizationID, KeyPath, APIBaseURL string
}

// TVCProfiles reads tvc's profiles: those tvc.config.toml names, and any
// orgs/ALIAS/api_key.json it does not, sorted by alias. No tvc
// configuration is no profiles.
func TVCProfiles() ([]TVCProfile, error) {
	dir, err := tvcDir()
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Orgs map[string]struct {
			ID         string `toml:"id"`
			APIKeyPath string `toml:"api_key_path"`
			APIBaseURL string `toml:"api_base_url"`
		} `toml:"orgs"`
	}
	b, err := readConfig(filepath.Join(dir, "tvc.config.toml"))
	switch {
	case err == nil:
		if err := toml.Unmarshal(b, &cfg); err != nil {
			return nil, fmt.Errorf("tvc's %s: %w", filepath.Join(dir, "tvc.config.toml"), err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	byAlias := map[string]TVCProfile{}
	for alias, o := range cfg.Orgs {
		p := TVCProfile{Alias: alias, OrganizationID: o.ID, KeyPath: o.APIKeyPath, APIBaseURL: o.APIBaseURL}
		if p.KeyPath == "" {
			p.KeyPath = filepath.Join(dir, "orgs", alias, "api_key.json")
		}
		byAlias[alias] = p
	}
	if entries, err := os.ReadDir(filepath.Join(dir, "orgs")); err == nil {
		for _, e := range entries {
			if _, ok := byAlias[e.Name()]; !ok && e.IsDir() {
				path := filepath.Join(dir, "orgs", e.Name(), "api_key.json")
				if _, err := os.Lstat(path); err == nil {
					byAlias[e.Name()] = TVCProfile{Alias: e.Name(), KeyPath: path}
				}
			}
		}
	}
	out := make([]TVCProfile, 0, len(byAlias))
	for _, p := range byAlias {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b TVCProfile) int { return strings.Compare(a.Alias, b.Alias) })
	return out, nil
}

// LoadTVCKey loads the API key of tvc's profile alias, and returns it, its
// secret in tkcli's format and the profile.
func LoadTVCKey(alias string) (session.Signer, string, TVCProfile, error) {
	profiles, err := TVCProfiles()
	if err != nil {
		return nil, "", TVCProfile{}, err
	}
	i := slices.IndexFunc(profiles, func(p TVCProfile) bool { return p.Alias == alias })
	if i < 0 {
		return nil, "", TVCProfile{}, fmt.Errorf("%w: tvc has no profile %q", ErrNoKeyFile, alias)
	}
	p := profiles[i]
	b, err := ReadKeyFile(p.KeyPath)
	if err != nil {
		return nil, "", p, fmt.Errorf("tvc's API key of %q: %w", alias, err)
	}
	k, secret, err := ParseTKKey(b)
	if err != nil {
		return nil, "", p, fmt.Errorf("%s: %w", p.KeyPath, err)
	}
	return k, secret, p, nil
}

// TVCPublicKeys is the public keys of tvc's profiles' API keys that can
// be read.
func TVCPublicKeys() []string {
	profiles, _ := TVCProfiles()
	var out []string
	for _, p := range profiles {
		if b, err := ReadKeyFile(p.KeyPath); err == nil {
			var f struct {
				PublicKey string `json:"public_key"`
			}
			if json.Unmarshal(b, &f) == nil && f.PublicKey != "" {
				out = append(out, f.PublicKey)
			}
			if k, _, err := ParseTKKey(b); err == nil {
				out = append(out, k.PublicKey())
			}
		}
	}
	return out
}

// readConfig reads a configuration file, which may be a link (a dotfile
// manager's), but only a regular file of at most 1 MiB, never waiting on
// a named pipe.
func readConfig(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a configuration file", path, fileType(fi))
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err == nil && len(data) > 1<<20 {
		err = fmt.Errorf("%s is larger than the 1 MiB a configuration file may be", path)
	}
	return data, err
}
