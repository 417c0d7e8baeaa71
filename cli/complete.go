package cli

import (
	"context"
	"path/filepath"
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

// completeAPIKeyNames completes --api-key from the names of the keys in
// Turnkey's CLI key directory.
func completeAPIKeyNames(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	dir, err := turnkey.CLIKeyDir()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.private"))
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".private"))
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}
