package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/text"
)

// SwitchOptions holds what `tkauth switch` needs.
type SwitchOptions struct {
	IO   *IOStreams
	Open func(context.Context) (*Env, error)
	Key  string
}

func newCmdSwitch(f *Factory, runF func(context.Context, *SwitchOptions) error) *cobra.Command {
	opts := &SwitchOptions{IO: f.IO, Open: f.OpenPlain}
	return &cobra.Command{
		Use:   "switch KEY",
		Short: "Make the session stored under KEY the active one",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return switchRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.Open),
	}
}

func switchRun(ctx context.Context, opts *SwitchOptions) error {
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	if err := env.Manager.SetActive(ctx, opts.Key); err != nil {
		return withHint(err, "switch")
	}
	fmt.Fprintf(opts.IO.Out, "Active session: %s\n", text.Clean(opts.Key))
	return nil
}
