package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
)

// RenameOptions holds what `tkauth rename` needs.
type RenameOptions struct {
	IO       *IOStreams
	Open     func(context.Context) (*Env, error)
	Old, New string
}

func newCmdRename(f *Factory) *cobra.Command {
	opts := &RenameOptions{IO: f.IO, Open: f.OpenLazy}
	return &cobra.Command{
		Use:   "rename OLD NEW",
		Short: "Store the session under another key (the active and previous pointers follow)",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError{fmt.Errorf("rename takes the session's key and its new one: `tkauth rename OLD NEW` (got %d arguments)", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			return renameRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
}

func renameRun(ctx context.Context, opts *RenameOptions) error {
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	if err := env.Manager.Rename(ctx, opts.Old, opts.New); err != nil {
		return withHint(err, "rename")
	}
	fmt.Fprintf(opts.IO.Out, "Renamed %s to %s.\n", escape.Clean(opts.Old), escape.Clean(opts.New))
	if shellSession() == opts.Old {
		opts.IO.warn("this shell's %s still names %s, which is no more: `export %s=%s` follows the rename", sessionEnv, escape.Clean(opts.Old), sessionEnv, shellQuote(opts.New))
	}
	return nil
}
