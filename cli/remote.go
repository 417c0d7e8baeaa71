package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// remoteSigning is what `remote` and `remote revoke` share: whose
// sessions, and which key signs for them.
type remoteSigning struct {
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	Key     string // the stored session whose user it is; "": this shell's or the active one
	// APIKey or APIKeyFile, when UseAPIKey: sign with the user's long-lived
	// key, which works when the session itself is dead.
	UseAPIKey          bool
	APIKey, APIKeyFile string
	LoadAPIKey         apiKeyLoader
}

func (o *remoteSigning) addFlags(cmd *cobra.Command, f *Factory) {
	cmd.Flags().StringVar(&o.APIKey, "api-key", turnkey.DefaultKeyName, "sign with this API key of Turnkey's CLI key directory instead of the session's key")
	cmd.Flags().StringVar(&o.APIKeyFile, "api-key-file", "", "sign with the API key in this file (tkcli's format) instead of the session's key")
	cmd.MarkFlagsMutuallyExclusive("api-key", "api-key-file")
	cmd.RegisterFlagCompletionFunc("api-key", f.completeAPIKeyNames)
}

// remoteCall is a resolved remoteSigning: the session, the API its
// requests go to, and the signer.
type remoteCall struct {
	env *Env
	s   session.Session
	api session.RemoteAPI
	by  session.Signer
}

func (o *remoteSigning) resolve(ctx context.Context, cmd *cobra.Command, command string) (remoteCall, error) {
	o.UseAPIKey = o.APIKeyFile != "" || cmd.Flags().Changed("api-key")
	env, st, err := openState(ctx, o.Open)
	if err != nil {
		return remoteCall{}, err
	}
	key, err := keyOrActive(st, o.Key, command)
	if err != nil {
		return remoteCall{}, err
	}
	s := *st.Sessions[key]
	sv, err := o.Servers()
	if err != nil {
		return remoteCall{}, err
	}
	api, err := remoteAPI(sv, s)
	if err != nil {
		return remoteCall{}, err
	}
	var by session.Signer
	if o.UseAPIKey {
		by, err = o.LoadAPIKey(ctx, o.APIKey, o.APIKeyFile)
	} else {
		by, err = env.Manager.Signer(ctx, s.PublicKey)
	}
	if err != nil {
		return remoteCall{}, err
	}
	return remoteCall{env: env, s: s, api: api, by: by}, nil
}

// remoteAPI is where s's requests go.
func remoteAPI(sv session.Servers, s session.Session) (session.RemoteAPI, error) {
	t, err := sv.For(s)
	if err != nil {
		return nil, err
	}
	api, ok := t.(session.RemoteAPI)
	if !ok {
		return nil, fmt.Errorf("the API for %s cannot list API keys", escape.Clean(s.Key))
	}
	return api, nil
}

// tuiRemote is the TUI's s: the remote commands' steps, signed by the
// session's own key pair.
func tuiRemote(m *session.Manager, sv session.Servers) *ui.Remote {
	at := func(ctx context.Context, key string) (session.Session, session.RemoteAPI, session.Signer, error) {
		s, err := m.Get(ctx, key)
		if err != nil {
			return s, nil, nil, err
		}
		api, err := remoteAPI(sv, s)
		if err != nil {
			return s, nil, nil, err
		}
		by, err := m.Signer(ctx, s.PublicKey)
		return s, api, by, err
	}
	return &ui.Remote{
		List: func(ctx context.Context, key string) (session.Remote, error) {
			s, api, by, err := at(ctx, key)
			if err != nil {
				return session.Remote{}, err
			}
			r, err := m.Remote(ctx, api, s, by)
			if errors.Is(err, session.ErrSignerDead) {
				err = fmt.Errorf("%w: this session's key can no longer sign; `tkauth remote --api-key NAME` signs with your long-lived key", err)
			}
			return r, err
		},
		End: func(ctx context.Context, key string, r session.Remote, doomed []session.RemoteSession) (session.RemoteEnd, error) {
			_, api, by, err := at(ctx, key)
			if err != nil {
				return session.RemoteEnd{}, err
			}
			return m.EndRemote(ctx, api, r, by, doomed)
		},
	}
}

// list asks Turnkey for the user's sessions; a dead session key is told
// how to sign instead.
func (c remoteCall) list(ctx context.Context, useAPIKey bool) (session.Remote, error) {
	r, err := c.env.Manager.Remote(ctx, c.api, c.s, c.by)
	if errors.Is(err, session.ErrSignerDead) && !useAPIKey {
		return r, fmt.Errorf("%w: %s's own key can no longer sign; sign with your long-lived key instead (--api-key NAME or --api-key-file FILE)", err, escape.Clean(c.s.Key))
	}
	return r, c.refused(err, useAPIKey)
}

// refused is err as a *session.ScopeError when Turnkey refused (code 7)
// a request the session's own key signed: its scope may forbid it.
func (c remoteCall) refused(err error, useAPIKey bool) error {
	if !useAPIKey && errors.Is(err, session.ErrDenied) {
		return &session.ScopeError{Key: c.s.Key, Type: c.s.Type, Scope: c.s.Scope, Err: err}
	}
	return err
}

// RemoteOptions holds what `tkauth remote` needs.
type RemoteOptions struct {
	IO *IOStreams
	remoteSigning
	Output jsonOutput
}

// jsonRemote is a session on Turnkey in --json output (README's schema).
type jsonRemote struct {
	APIKeyID         string  `json:"apiKeyId"`
	PublicKey        string  `json:"publicKey"`
	CreatedAt        int64   `json:"createdAt"`
	Expiry           int64   `json:"expiry"`
	SessionProfileID string  `json:"sessionProfileId"`
	Here             *string `json:"here"`
}

func newCmdRemote(f *Factory) *cobra.Command {
	opts := &RemoteOptions{IO: f.IO, remoteSigning: remoteSigning{Open: f.Open, Servers: f.dialer(nil).Servers, LoadAPIKey: f.loadAPIKey}}
	cmd := &cobra.Command{
		Use:   "remote [KEY]",
		Short: "List a user's live sessions on Turnkey, on every device, and mark this machine's",
		Long: `remote asks Turnkey (get_api_keys) for the live sessions of KEY's user in
KEY's organization (KEY is the active session unless given, or the one
TKAUTH_SESSION names): every login's key, from this machine or any other, a
browser, a phone, a CI runner. Each shows its API key ID, its public key, when
it was made and expires, its session profile, and the session stored here that
holds it, if any. The user's long-lived API keys are listed apart: they are not
sessions.

The request is signed by KEY's own key pair, or, with --api-key or
--api-key-file, by the user's long-lived key, which works when the session has
expired or was revoked. A parent organization's key sees a sub-organization's
sessions, read-only. 'tkauth remote revoke' ends them.`,
		Example: `  tkauth remote
  tkauth remote acme/admin --json
  tkauth remote --api-key default`,
		Args: optionalKey("the stored session whose user's sessions to list; without one, the active one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			return remoteRun(cmd.Context(), cmd, opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	opts.addFlags(cmd, f)
	opts.Output.addFlags(cmd, "print the sessions as JSON: [{apiKeyId, publicKey, createdAt, expiry, sessionProfileId, here}]", jsonRemote{})
	cmd.AddCommand(newCmdRemoteRevoke(f))
	return cmd
}

func remoteRun(ctx context.Context, cmd *cobra.Command, opts *RemoteOptions) error {
	c, err := opts.resolve(ctx, cmd, "remote")
	if err != nil {
		return err
	}
	r, err := c.list(ctx, opts.UseAPIKey)
	if err != nil {
		return fmt.Errorf("listing the sessions on Turnkey: %w", err)
	}
	if opts.Output.on() {
		out := make([]jsonRemote, 0, len(r.Sessions))
		for _, s := range r.Sessions {
			j := jsonRemote{APIKeyID: s.ID, PublicKey: s.PublicKey, CreatedAt: unixOrZero(s.Created), Expiry: unixOrZero(s.Expiry), SessionProfileID: s.SessionProfileID}
			if s.Here != "" {
				j.Here = &s.Here
			}
			out = append(out, j)
		}
		return opts.Output.write(opts.IO.Out, out)
	}
	writeRemote(opts.IO.Out, c.s, r, c.env.Manager.Now())
	return nil
}

// unixOrZero is t in Unix seconds, 0 when Turnkey did not say.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// writeRemote prints the sessions, then, apart, the long-lived keys.
func writeRemote(out io.Writer, s session.Session, r session.Remote, now time.Time) {
	who := fmt.Sprintf("user %s in organization %s", text.ShortName(s.Username, s.UserID), text.ShortName(s.OrganizationName, s.OrganizationID))
	fmt.Fprintf(out, "%s of %s on Turnkey (%s):\n", text.Plural(len(r.Sessions), "live session"), who, escape.Clean(r.API))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	if len(r.Sessions) > 0 {
		fmt.Fprintln(tw, "  API KEY ID\tPUBLIC KEY\tCREATED\tEXPIRES\tPROFILE\tHERE")
	}
	for _, k := range r.Sessions {
		here := "-"
		if k.Here != "" {
			here = escape.Clean(k.Here) + " (this machine)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", escape.Clean(k.ID), escape.Clean(session.Short(k.PublicKey)), text.When(k.Created), text.KeyExpiry(now, k.Expiry), orDash(k.SessionProfileID), here)
	}
	tw.Flush()
	if len(r.LongLived) == 0 {
		return
	}
	fmt.Fprintf(out, "\n%s of the user (not sessions: remote revoke never deletes them):\n", text.Plural(len(r.LongLived), "long-lived API key"))
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  API KEY ID\tNAME\tPUBLIC KEY\tCREDENTIAL")
	for _, k := range r.LongLived {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", escape.Clean(k.ID), escape.Clean(k.Name), escape.Clean(session.Short(k.PublicKey)), escape.Clean(k.CredentialType))
	}
	tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return escape.Clean(s)
}
