package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// APIKeysImportOptions holds what `tkauth api-keys import` needs.
type APIKeysImportOptions struct {
	IO            *IOStreams
	APIKeys       func() (*store.APIKeys, error)
	Name, File    string
	RemoveFile    bool
	AllowReadable bool
}

func newCmdAPIKeysImport(f *Factory) *cobra.Command {
	opts := &APIKeysImportOptions{IO: f.IO, APIKeys: f.apiKeys}
	cmd := &cobra.Command{
		Use:   "import [NAME] [--file F] [--remove-file]",
		Short: "Move an API key from a plain file into the OS keyring",
		Long: `import reads an API key from Turnkey's CLI key directory (NAME.private, default
by default, with the organizations of NAME.meta), else from the profile NAME of
Turnkey's Rust CLI, tvc (~/.config/turnkey/tvc.config.toml and its
orgs/NAME/api_key.json), or from --file F: a tkcli key
file ("<hex>[:curve]") or a key file of Turnkey's tk CLI (JSON public_key,
private_key, curve). It stores the key in the OS keyring under NAME (for --file,
the file's name without its extension unless NAME is given), reads it back,
and only then, with --remove-file, removes the plain files (NAME.private,
.public and .meta). Without --remove-file they stay, and it says so.

A key file that others can read is refused, as OpenSSH refuses one, unless
--allow-readable-file.`,
		Example: `  tkauth api-keys import --remove-file
  tkauth api-keys import ci --file ~/Downloads/ci.json --remove-file`,
		Args: optionalArg("the API key's name, default by default"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			return apiKeysImportRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completePlainAPIKeyNames,
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "import the key in this file (tkcli's or tk's format) instead")
	cmd.Flags().BoolVar(&opts.RemoveFile, "remove-file", false, "remove the plain files once the keyring holds the key")
	cmd.Flags().BoolVar(&opts.AllowReadable, "allow-readable-file", false, "import a key file that others can read, all the same")
	return cmd
}

// importSource is where an imported key is read from.
type importSource struct {
	path  string   // the private key's file
	files []string // what --remove-file removes
	meta  string   // tkcli's .meta, if any
	orgs  []string // the organizations, when no .meta says them (tvc)
}

func (opts *APIKeysImportOptions) source() (name string, src importSource, err error) {
	name = opts.Name
	if opts.File != "" {
		if name == "" {
			base := filepath.Base(opts.File)
			name = strings.TrimSuffix(strings.TrimSuffix(base, ".private"), ".json")
		}
		return name, importSource{path: opts.File, files: []string{opts.File}}, store.CheckName(name)
	}
	if name == "" {
		name = turnkey.DefaultKeyName
	}
	if err := store.CheckName(name); err != nil {
		return "", importSource{}, err
	}
	dir, err := turnkey.CLIKeyDir()
	if err != nil {
		return "", importSource{}, err
	}
	base := filepath.Join(dir, name)
	if _, err := os.Lstat(base + ".private"); errors.Is(err, fs.ErrNotExist) {
		// tvc's profile of that alias, if there is one.
		if p, ok := tvcProfile(name); ok {
			var orgs []string
			if p.OrganizationID != "" {
				orgs = []string{p.OrganizationID}
			}
			return name, importSource{path: p.KeyPath, files: []string{p.KeyPath}, orgs: orgs}, nil
		}
	}
	return name, importSource{path: base + ".private", files: []string{base + ".private", base + ".public", base + ".meta"}, meta: base + ".meta"}, nil
}

// tvcProfile is tvc's profile of alias, if it has one.
func tvcProfile(alias string) (turnkey.TVCProfile, bool) {
	profiles, _ := turnkey.TVCProfiles()
	for _, p := range profiles {
		if p.Alias == alias {
			return p, true
		}
	}
	return turnkey.TVCProfile{}, false
}

func apiKeysImportRun(ctx context.Context, opts *APIKeysImportOptions) error {
	ios := opts.IO
	name, src, err := opts.source()
	if err != nil {
		return usageError{err}
	}
	ak, err := keyringAPIKeys(ctx, opts.APIKeys, "importing")
	if err != nil {
		return err
	}
	kf, err := openKeyFile(src.path, opts.AllowReadable)
	if err != nil {
		return err
	}
	defer kf.Close()
	if n, err := kf.Links(); err == nil && n > 1 && opts.RemoveFile {
		return fmt.Errorf("%s has %d names (hard links): removing this one would leave the private key on disk under the others; remove them first, or import without --remove-file; nothing was imported", escape.Clean(src.path), n)
	}
	k, secret, err := parseKeyData(src.path, kf.Data)
	if err != nil {
		return err
	}
	info := store.APIKeyInfo{Name: name, PublicKey: k.PublicKey(), Curve: curveOf(secret), Organizations: append(metaOrganizations(src.meta), src.orgs...), Added: time.Now().UTC()}
	if err := ak.Add(ctx, info, secret); err != nil {
		var left *store.LeftError
		if errors.As(err, &left) {
			return fmt.Errorf("importing %s (the plain file is as it was): %w; %s", escape.Clean(src.path), err, leftRemedy(left))
		}
		return fmt.Errorf("importing %s (the plain file is as it was): %w", escape.Clean(src.path), err)
	}
	fmt.Fprintf(ios.Out, "Imported the API key %s (%s, public key %s) into the system keyring.\n", escape.Clean(name), info.Curve, session.Short(info.PublicKey))
	if !opts.RemoveFile {
		fmt.Fprintf(ios.Out, "The plain file %s is still there, readable by anything that runs as you: remove it once nothing else needs it (or import again with --remove-file).\n", escape.Clean(src.path))
		return nil
	}
	return removeImported(ios, src, kf)
}

// removeImported removes the plain files of a key now in the keyring,
// the private key's only if its name is still the file read, and says
// what is left on disk, as the open file counts its names.
func removeImported(ios *IOStreams, src importSource, kf *turnkey.KeyFile) error {
	var removed []string
	for _, f := range src.files {
		if f == src.path {
			if fi, err := os.Lstat(f); err == nil && !kf.Is(fi) {
				return fmt.Errorf("the key is in the keyring, but %s is no longer the file that was read (it was replaced since): it was left, and so were the others; remove them yourself", escape.Clean(f))
			}
		}
		switch err := os.Remove(f); {
		case err == nil:
			removed = append(removed, f)
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("the key is in the keyring, but removing %s failed: %w; remove it yourself", escape.Clean(f), err)
		}
	}
	n, err := kf.Links()
	switch {
	case err != nil:
		return fmt.Errorf("removed %s; whether the private key has other names on disk is not known (%v)", escape.Join(removed), err)
	case n > 0:
		return fmt.Errorf("removed %s, but the private key is still on disk: the file read has %d other names (hard links, made since it was checked); remove them yourself", escape.Join(removed), n)
	}
	fmt.Fprintf(ios.Out, "Removed %s: no name of the file read is left, and the key is in the keyring (and registered on Turnkey).\n", escape.Join(removed))
	return nil
}

// openKeyFile opens a tkcli or tk key file (turnkey.OpenKeyFile),
// refusing one others can read unless allowed.
func openKeyFile(path string, allowReadable bool) (*turnkey.KeyFile, error) {
	kf, err := turnkey.OpenKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no API key at %s: name another (tkauth api-keys import NAME) or give --file", escape.Clean(path))
	}
	if err != nil {
		return nil, fmt.Errorf("%s; nothing was imported", escape.Clean(err.Error()))
	}
	if perm := kf.Info.Mode().Perm(); perm&0o077 != 0 && !allowReadable {
		kf.Close()
		return nil, fmt.Errorf("%s can be read by others (mode %04o): a private key must be yours alone; `chmod 600 %s`, or give --allow-readable-file; nothing was imported", escape.Clean(path), perm, escape.Clean(shellQuote(path)))
	}
	return kf, nil
}

// parseKeyData reads the API key in data, read once from path, a tkcli
// or tk key file, and returns it in tkcli's format.
func parseKeyData(path string, data []byte) (session.Signer, string, error) {
	if strings.HasPrefix(strings.TrimSpace(string(data)), "{") {
		k, secret, err := turnkey.ParseTKKey(data)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", escape.Clean(path), err)
		}
		return k, secret, nil
	}
	k, err := turnkey.ParseKeyFile(path, data) // checks a .public beside it
	if err != nil {
		return nil, "", err
	}
	_, curve, _ := turnkey.ParseKey(string(data))
	priv, _, _ := strings.Cut(strings.TrimSpace(string(data)), ":")
	return k, priv + ":" + curve, nil
}

func curveOf(secret string) string {
	_, curve, _ := strings.Cut(secret, ":")
	return curve
}

// metaOrganizations reads the organizations of a tkcli .meta file, if
// there is one that says them.
func metaOrganizations(path string) []string {
	if path == "" {
		return nil
	}
	data, err := turnkey.ReadKeyFile(path)
	if err != nil {
		return nil
	}
	var m struct {
		Organizations []string `json:"organizations"`
	}
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	return m.Organizations
}
