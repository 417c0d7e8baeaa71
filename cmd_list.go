package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// ListOptions holds what `tkauth list` needs.
type ListOptions struct {
	Factory *Factory
	JSON    bool
}

func newCmdList(f *Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"status"},
		Short:   "List the stored sessions; * marks the active one",
		Long: `list shows every stored session: * marks the active one, then the session key,
user, organization, type and time to expiry, and whether the token is signed by
Turnkey and the key pair is in its key store. On a terminal it is a table;
otherwise one line a session. --json prints the schema the README documents.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array of sessions")
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	env, st, err := opts.Factory.OpenState(ctx)
	if err != nil {
		return err
	}
	presence := env.Manager.KeyPairPresence(ctx, st)
	now := env.Manager.Now()
	out := opts.Factory.IO.Out
	if opts.JSON {
		list := make([]jsonSession, 0, len(st.Sessions))
		for _, s := range st.List() {
			list = append(list, toJSON(s, st, presence, now))
		}
		return writeJSON(out, list)
	}
	if len(st.Sessions) == 0 {
		fmt.Fprintf(out, "No sessions in %s.\nStore one with `tkauth add --token-file FILE`, or try `tkauth demo`.\n", env.Store.Dir())
		return nil
	}
	writeSessions(out, st, presence, now, opts.Factory.IO.IsTerminal)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
