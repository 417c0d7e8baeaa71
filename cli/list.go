package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/session"
)

// ListOptions holds what `tkauth list` needs.
type ListOptions struct {
	IO   *IOStreams
	Open func(context.Context) (*Env, error)
	JSON bool
}

func newCmdList(f *Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IO, Open: f.OpenPlain}
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
	env, st, err := openState(ctx, opts.Open)
	if err != nil {
		return err
	}
	presence := env.Manager.KeyPairPresence(ctx, st)
	now := env.Manager.Now()
	out := opts.IO.Out
	if opts.JSON {
		return writeSessionsJSON(out, st, presence, now)
	}
	if len(st.Sessions) == 0 {
		fmt.Fprintf(out, "No sessions in %s.\nStore one with `tkauth add --token-file FILE`, or try `tkauth demo`.\n", env.Store.Dir())
		return nil
	}
	writeSessions(out, st, presence, now, opts.IO.IsTerminal)
	return nil
}

// writeSessionsJSON writes the sessions as a JSON array, one at a time, so
// that 10,000 of them need no 5 MB buffer.
func writeSessionsJSON(w io.Writer, st *session.State, presence map[string]session.Presence, now time.Time) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	for i, k := range st.Keys() {
		if i > 0 {
			bw.WriteString(",")
		}
		b, err := json.MarshalIndent(toJSON(*st.Sessions[k], st, presence, now), "  ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString("\n  ")
		bw.Write(b)
	}
	if len(st.Sessions) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
