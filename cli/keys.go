package cli

import (
	"github.com/spf13/cobra"
)

func newCmdKeys(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and prune tkauth's key pairs",
		Long: `A Turnkey session is bound to a P-256 key pair. tkauth keeps the private keys in
its key store and an index of the key pairs it created; it only ever deletes
those.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdKeysCreate(f), newCmdKeysList(f), newCmdKeysPrune(f))
	return cmd
}
