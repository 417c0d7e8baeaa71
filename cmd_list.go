package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/ui"
)

// ListOptions holds what `tkauth list` needs.
type ListOptions struct {
	Factory *Factory
}

func newCmdList(f *Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"status"},
		Short:   "List the stored sessions; the active one is marked *",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
}

func listRun(ctx context.Context, opts *ListOptions) error {
	env, err := opts.Factory.OpenPlain(ctx)
	if err != nil {
		return err
	}
	state, err := env.Manager.State(ctx)
	if err != nil {
		return err
	}
	out := opts.Factory.IO.Out
	if len(state.Sessions) == 0 {
		fmt.Fprintf(out, "No sessions in %s.\nAdd one from a Turnkey session token, or try `tkauth demo`.\n", env.Store.Dir())
		return nil
	}
	writeSessionLines(out, state, env.Manager.Now())
	return nil
}

// writeSessionLines prints one line a session: a * for the active one,
// then key, user, organization, type and expiry ("expired 4m ago" for an
// expired one), and "unverified" for a token Turnkey did not sign.
func writeSessionLines(w io.Writer, state *session.State, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range state.List() {
		mark := " "
		if s.Key == state.Active {
			mark = "*"
		}
		var labels []string
		if !s.Verified {
			labels = append(labels, "unverified")
		}
		line := fmt.Sprintf("%s %s\tuser %s\torg %s\t%s\t%s",
			mark, s.Key, session.Short(s.UserID), session.Short(s.OrganizationID),
			s.Type, ui.ExpiryText(now, s.Expiry))
		if len(labels) > 0 {
			line += "\t" + strings.Join(labels, ", ")
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}
