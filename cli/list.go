package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// ListOptions holds what `tkauth list` needs.
type ListOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	JSON    jsonOutput
	Check   bool // ask Turnkey about each session
}

func newCmdList(f *Factory) *cobra.Command {
	opts := &ListOptions{IO: f.IO, Open: f.Open, Servers: f.dialer(nil).Servers}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the stored sessions; * marks the active one",
		Long: `list shows every stored session: * marks the active one, then the session key,
user, organization, type and time to expiry, and whether the token is signed by
Turnkey and the key pair is in its key store. On a terminal it is a table;
otherwise one line a session. --json prints the schema the README documents.
--check asks Turnkey about every session, a few at a time, signed by each
session's own key: valid, rejected, or unreachable.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listRun(cmd.Context(), opts)
		},
	}
	opts.JSON.addFlags(cmd, "print a JSON array of sessions", jsonSession{})
	cmd.Flags().BoolVar(&opts.Check, "check", false, "ask Turnkey whether it still accepts each session (whoami, signed by its key)")
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	st, err := env.Manager.State(ctx)
	if err != nil {
		return err
	}
	presence := env.Manager.KeyPairPresence(ctx, st)
	var checks map[string]*session.Check
	if opts.Check {
		sv, err := opts.Servers()
		if err != nil {
			return err
		}
		checks = checkAll(ctx, env.Manager, sv, st.Keys())
	}
	now := env.Manager.Now()
	out := opts.IO.Out
	if opts.JSON.on() {
		return writeSessionsJSON(out, &opts.JSON, st, presence, checks, now)
	}
	if len(st.Sessions) == 0 {
		fmt.Fprintf(out, "No sessions in %s.\nLog in with `tkauth login --org ORG` (your Turnkey API key), store a token with `tkauth add --token-file FILE`, or try `tkauth demo`.\n", escape.Clean(env.Store.Dir()))
		return nil
	}
	writeSessions(out, st, presence, checks, now, opts.IO.IsTerminal, opts.IO.Width)
	return nil
}

// writeSessionsJSON writes the sessions as a JSON array.
func writeSessionsJSON(w io.Writer, o *jsonOutput, st *session.State, presence map[string]session.Presence, checks map[string]*session.Check, now time.Time) error {
	out := make([]jsonSession, 0, len(st.Sessions))
	for _, s := range st.List() {
		j := toJSON(s, st, presence, now)
		j.withCheck(checks[s.Key])
		out = append(out, j)
	}
	return o.write(w, out)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
