package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
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
	opts := &RemoteRevokeOptions{IO: f.IO, remoteSigning: remoteSigning{Open: f.Open, Servers: f.dialer(nil).Servers, LoadAPIKey: f.loadAPIKey}}
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
	cmd.RegisterFlagCompletionFunc("session", completeSessionKeys(f.OpenLazy))
	cmd.Flags().BoolVar(&opts.Others, "others", false, "end every live session of the user not stored on this machine")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	opts.addFlags(cmd, f)
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
		fmt.Fprintf(ios.Out, "No session to end: every live session of the user on Turnkey (%s) is stored here (%s).\n", escape.Clean(r.API), text.Plural(len(r.Sessions), "session"))
		return nil
	}
	if !opts.Yes {
		if err := ios.ask(text.EndQuestion(c.s, doomed, c.env.Manager.Now())); err != nil {
			return err
		}
	}
	end, err := c.env.Manager.EndRemote(ctx, c.api, r, c.by, doomed)
	if end.Ended == nil {
		return fmt.Errorf("nothing was ended on Turnkey, and nothing changed here: %w", c.refused(err, opts.UseAPIKey))
	}
	fmt.Fprintln(ios.Out, text.Ended(r, end))
	if end.Logout.Unrecorded != nil {
		ios.warn("%v", end.Logout.Unrecorded)
	}
	if err != nil {
		return fmt.Errorf("the sessions ended on Turnkey, but logging out here failed: %w", err)
	}
	if len(end.Left) > 0 {
		return fmt.Errorf("%s of those asked for still live on Turnkey (above)", text.Plural(len(end.Left), "session"))
	}
	return nil
}
