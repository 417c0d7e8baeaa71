package cli

import (
	"context"

	"github.com/spf13/cobra"
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
