package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// APIKeysListOptions holds what `tkauth api-keys list` needs.
type APIKeysListOptions struct {
	IO      *IOStreams
	APIKeys func() (*store.APIKeys, error)
	Output  jsonOutput
}

// jsonAPIKey is an API key in --json output (README's schema).
type jsonAPIKey struct {
	Name          string   `json:"name"`
	PublicKey     string   `json:"publicKey"`
	Curve         string   `json:"curve"`
	Organizations []string `json:"organizations"`
	// KeptIn is "keyring", or the plain file that holds it.
	KeptIn string `json:"keptIn"`
}

func newCmdAPIKeysList(f *Factory) *cobra.Command {
	opts := &APIKeysListOptions{IO: f.IO, APIKeys: f.apiKeys}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your API keys: those in the keyring, and those still in tkcli's plain files",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return apiKeysListRun(cmd.Context(), opts)
		},
	}
	opts.Output.addFlags(cmd, "print the keys as JSON: [{name, publicKey, curve, organizations, keptIn}]", jsonAPIKey{})
	return cmd
}

func apiKeysListRun(ctx context.Context, opts *APIKeysListOptions) error {
	var keys []jsonAPIKey
	ak, err := opts.APIKeys()
	if err != nil {
		return err
	}
	if ak != nil {
		kept, err := ak.List(ctx)
		if err != nil {
			return err
		}
		for _, k := range kept {
			keys = append(keys, jsonAPIKey{Name: k.Name, PublicKey: k.PublicKey, Curve: k.Curve, Organizations: k.Organizations, KeptIn: "keyring"})
		}
	}
	keys = append(keys, plainAPIKeys(keys)...)
	slices.SortStableFunc(keys, func(a, b jsonAPIKey) int { return strings.Compare(a.Name, b.Name) })
	if opts.Output.on() {
		if keys == nil {
			keys = []jsonAPIKey{}
		}
		return opts.Output.write(opts.IO.Out, keys)
	}
	if len(keys) == 0 {
		fmt.Fprintln(opts.IO.Out, "No API keys: none in the keyring, none in Turnkey's CLI key directory. `tkauth api-keys create NAME` makes one.")
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPUBLIC KEY\tCURVE\tORGANIZATIONS\tKEPT IN")
	for _, k := range keys {
		where := "system keyring"
		if k.KeptIn != "keyring" {
			where = "plain file " + escape.Clean(k.KeptIn)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", escape.Clean(k.Name), escape.Clean(session.Short(k.PublicKey)), escape.Clean(k.Curve), orDash(strings.Join(k.Organizations, ", ")), where)
	}
	return tw.Flush()
}

// plainAPIKeys are the keys in Turnkey's CLI key directory whose names
// are not among kept, with their public halves (read from the private
// file) and .meta organizations.
func plainAPIKeys(kept []jsonAPIKey) []jsonAPIKey {
	dir, err := turnkey.CLIKeyDir()
	if err != nil {
		return nil
	}
	var out []jsonAPIKey
	for _, name := range plainAPIKeyNames() {
		if slices.ContainsFunc(kept, func(k jsonAPIKey) bool { return k.Name == name }) {
			continue
		}
		base := filepath.Join(dir, name)
		k := jsonAPIKey{Name: name, KeptIn: base + ".private", Organizations: metaOrganizations(base + ".meta")}
		if data, err := turnkey.ReadKeyFile(k.KeptIn); err == nil {
			if s, curve, err := turnkey.ParseKey(string(data)); err == nil {
				k.PublicKey, k.Curve = s.PublicKey(), curve
			}
		}
		out = append(out, k)
	}
	return out
}
