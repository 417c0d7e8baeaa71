package cli

import (
	"context"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tkauth/tkauth/turnkey"
)

// completeSessionKeys completes a session key argument from the store that
// open opens (without the key store note: completion must print nothing).
func completeSessionKeys(open func(context.Context) (*Env, error)) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		env, err := open(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		st, err := env.Manager.State(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var keys []string
		for _, s := range st.List() {
			keys = append(keys, s.Key)
		}
		return keys, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeWords completes a flag's value from words, never from files.
func completeWords(words ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	}
}

// completePlainAPIKeyNames completes the names of the API keys in
// Turnkey's CLI key directory (NAME.private): what import takes.
func completePlainAPIKeyNames(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return plainAPIKeyNames(), cobra.ShellCompDirectiveNoFileComp
}

func plainAPIKeyNames() []string {
	dir, err := turnkey.CLIKeyDir()
	if err != nil {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.private"))
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".private"))
	}
	return names
}

// keptAPIKeyNames are the names of the API keys tkauth keeps in the
// keyring, from its list: no keyring call.
func (f *Factory) keptAPIKeyNames(ctx context.Context) []string {
	ak, err := f.apiKeys()
	if ak == nil || err != nil {
		return nil
	}
	kept, _ := ak.List(ctx)
	names := make([]string, len(kept))
	for i, k := range kept {
		names[i] = k.Name
	}
	return names
}

// completeKeptAPIKeyNames completes the names of the keys in the keyring:
// what remove takes.
func (f *Factory) completeKeptAPIKeyNames(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	return f.keptAPIKeyNames(cmd.Context()), cobra.ShellCompDirectiveNoFileComp
}

// completeAPIKeyNames completes --api-key: the keys in the keyring, then
// those in Turnkey's CLI key directory, each name once.
func (f *Factory) completeAPIKeyNames(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	names := append(f.keptAPIKeyNames(cmd.Context()), plainAPIKeyNames()...)
	slices.Sort(names)
	return slices.Compact(names), cobra.ShellCompDirectiveNoFileComp
}
