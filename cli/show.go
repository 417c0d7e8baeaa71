package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
)

// ShowOptions holds what `tkauth show` needs.
type ShowOptions struct {
	IO    *IOStreams
	Open  func(context.Context) (*Env, error)
	Key   string
	JSON  jsonOutput
	Token bool
}

func newCmdShow(f *Factory) *cobra.Command {
	opts := &ShowOptions{IO: f.IO, Open: f.Open}
	cmd := &cobra.Command{
		Use:   "show [KEY]",
		Short: "Show one session in full (the active one unless KEY is given)",
		Long: `show prints everything tkauth knows of a session: its claims, full IDs, public
key, when it was stored and which sessions share its key pair. Never the private
key. The token is a secret: it is printed only with --token, alone on its line
(or in the JSON), so that TOKEN=$(tkauth show --token) works.`,
		Args: optionalKey("the session to show; without one, the active one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			return showRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	opts.JSON.addFlags(cmd, "print the session as JSON", jsonSession{})
	cmd.Flags().BoolVar(&opts.Token, "token", false, "print the session token (a secret)")
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	env, st, err := openState(ctx, opts.Open)
	if err != nil {
		return err
	}
	key, err := keyOrActive(st, opts.Key, "show")
	if err != nil {
		return err
	}
	s := st.Sessions[key]
	out := opts.IO.Out
	now := env.Manager.Now()
	presence := env.Manager.KeyPairPresence(ctx, st)
	var shared []string
	for _, k := range st.UsersOf(s.PublicKey) {
		if k != s.Key {
			shared = append(shared, k)
		}
	}
	switch {
	case opts.JSON.on():
		j := toJSON(*s, st, presence, now)
		stored := s.StoredAt
		j.StoredAt, j.SharedWith = &stored, shared
		if opts.Token {
			j.Token = s.Token
		}
		return opts.JSON.write(out, j)
	case opts.Token:
		fmt.Fprintln(out, s.Token)
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	row := func(label, value string) { fmt.Fprintf(tw, "%s\t%s\n", label, value) }
	title := escape.Clean(s.Key)
	if s.Key == st.Active {
		title += " (active)"
	}
	row("Session", title)
	row("User", text.NameAndID(s.Username, s.UserID))
	row("Organization", text.NameAndID(s.OrganizationName, s.OrganizationID))
	row("Type", fmt.Sprintf("%s (%s)", text.Type(s.Type), escape.Clean(string(s.Type))))
	row("Expires", s.Expiry.UTC().Format(time.DateTime+" UTC")+" ("+text.Expiry(now, s.Expiry)+")")
	row("Stored", s.StoredAt.UTC().Format(time.DateTime+" UTC"))
	if s.SessionProfileID != "" {
		row("Profile", escape.Clean(s.SessionProfileID))
	}
	if s.Scope != "" {
		row("Scope", escape.Clean(s.Scope))
	}
	if s.APIBaseURL != "" {
		row("API", escape.Clean(s.APIBaseURL))
	}
	row("Public key", s.PublicKey)
	row("Key pair", text.KeyPair(st, s, string(presence[s.PublicKey])))
	row("Token", text.SignedLong(*s)+" (tkauth show --token prints it)")
	return tw.Flush()
}
