package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// RemoteRevokeOptions holds what `tkauth remote revoke` needs.
type RemoteRevokeOptions struct {
	IO *IOStreams
	remoteSigning
	IDs    []string
	Others bool
	Yes    bool
}

func newCmdRemoteRevoke(f *Factory) *cobra.Command {
	opts := &RemoteRevokeOptions{IO: f.IO, remoteSigning: remoteSigning{Open: f.OpenPlain, Servers: f.Servers}}
	cmd := &cobra.Command{
		Use:   "revoke [--session KEY] (API_KEY_ID... | --others)",
		Short: "End a user's sessions on Turnkey, on any device",
		Long: `remote revoke deletes sessions' keys on Turnkey (delete_api_keys), in one
activity: the API key IDs given ('tkauth remote' lists them), or, with
--others, every live session of the user that is not stored on this machine.
Those sessions stop working at once, wherever they are. The user is the one of
--session KEY (the active session unless given, or the one TKAUTH_SESSION
names); the request is signed by that session's key pair, or, with --api-key
or --api-key-file, by the user's long-lived key.

A long-lived API key is never deleted: naming one refuses the whole command. A
session stored here whose key is deleted is logged out here too, as logout
does. On a terminal it asks first unless --yes; without one, --yes is needed.
A parent organization's key can list a sub-organization's sessions but not
end them: Turnkey refuses, and nothing changes.`,
		Example: `  tkauth remote revoke apikey-3f1c2a9e
  tkauth remote revoke --others
  tkauth remote revoke --session acme/admin --others --yes`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			switch {
			case opts.Others && len(args) > 0:
				return usageError{errors.New("give API key IDs or --others, not both")}
			case !opts.Others && len(args) == 0:
				return usageError{errors.New("name the sessions to end by their API key IDs (tkauth remote lists them), or give --others")}
			case !opts.Yes && !opts.IO.CanPrompt():
				return usageError{errors.New("remote revoke needs --yes when no one is at a terminal to confirm")}
			}
			return remoteRevokeRun(cmd.Context(), cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Key, "session", "", "the stored session whose user's sessions to end (default: the active one)")
	cmd.RegisterFlagCompletionFunc("session", completeSessionKeys(f.Open))
	cmd.Flags().BoolVar(&opts.Others, "others", false, "end every live session of the user not stored on this machine")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	opts.addFlags(cmd)
	return cmd
}

func remoteRevokeRun(ctx context.Context, cmd *cobra.Command, opts *RemoteRevokeOptions) error {
	ios := opts.IO
	c, err := opts.resolve(ctx, cmd, "remote revoke --session")
	if err != nil {
		return err
	}
	r, err := c.list(ctx, opts.UseAPIKey)
	if err != nil {
		return fmt.Errorf("listing the sessions on Turnkey (nothing was ended): %w", err)
	}
	doomed, err := r.Pick(opts.IDs, opts.Others)
	if err != nil {
		return err
	}
	if len(doomed) == 0 {
		fmt.Fprintf(ios.Out, "No session to end: every live session of the user on Turnkey (%s) is stored here (%s).\n", text.Clean(r.API), text.Plural(len(r.Sessions), "session"))
		return nil
	}
	if !opts.Yes {
		if err := ios.ask(endQuestion(c.s, doomed, c.env.Manager)); err != nil {
			return err
		}
	}
	end, err := c.env.Manager.EndRemote(ctx, c.api, r, c.by, doomed)
	if end.Ended == nil {
		return fmt.Errorf("nothing was ended on Turnkey, and nothing changed here: %w", err)
	}
	ids := make([]string, len(end.Ended))
	for i, s := range end.Ended {
		ids[i] = text.Clean(s.ID)
	}
	fmt.Fprintf(ios.Out, "Ended %s on Turnkey (%s): %s. Wherever they were, they no longer work.\n", text.Plural(len(ids), "session"), text.Clean(r.API), strings.Join(ids, ", "))
	if len(end.Logout.Sessions) > 0 {
		fmt.Fprintln(ios.Out, "They include this machine's: "+text.Logout(end.Logout))
	}
	left, leftHere := len(r.Sessions)-len(end.Ended), 0
	for _, s := range r.Sessions {
		if s.Here != "" && !endedID(end.Ended, s.ID) {
			leftHere++
		}
	}
	fmt.Fprintf(ios.Out, "Left on Turnkey: %s of the user (%d stored here), and every long-lived API key.\n", text.Plural(left, "live session"), leftHere)
	if end.Logout.Unrecorded != nil {
		ios.warn("%v", end.Logout.Unrecorded)
	}
	if err != nil {
		return fmt.Errorf("the sessions ended on Turnkey, but logging out here failed: %w", err)
	}
	return nil
}

func endedID(ended []session.RemoteSession, id string) bool {
	for _, s := range ended {
		if s.ID == id {
			return true
		}
	}
	return false
}

// endQuestion names what will end, and where.
func endQuestion(s session.Session, doomed []session.RemoteSession, m *session.Manager) text.Question {
	now := m.Now()
	q := text.Question{Title: fmt.Sprintf("End %s on Turnkey?", text.Plural(len(doomed), "session"))}
	q.Lines = append(q.Lines, fmt.Sprintf("These sessions of user %s in organization %s end on Turnkey:", text.ShortName(s.Username, s.UserID), text.ShortName(s.OrganizationName, s.OrganizationID)))
	for _, d := range doomed {
		line := fmt.Sprintf("  %s  %s, made %s, %s", text.Clean(d.ID), text.Clean(session.Short(d.PublicKey)), when(d.Created), remoteExpiry(now, d.Expiry))
		if d.Here != "" {
			line += " — this machine's " + text.Clean(d.Here) + ", logged out here too"
		}
		q.Lines = append(q.Lines, line)
	}
	q.Lines = append(q.Lines, "Sessions on other devices end at once: whoever holds them must log in again.")
	return q
}
