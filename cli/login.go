package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// LoginOptions holds what `tkauth login` needs.
type LoginOptions struct {
	IO                 *IOStreams
	Open               func(context.Context) (*Env, error)
	API                func() (session.TurnkeyAPI, error)
	Org                string
	APIKey             string
	APIKeyFile         string
	LoadAPIKey         apiKeyLoader
	SessionKey         string
	Expires            time.Duration
	InvalidateExisting bool
	SessionProfile     string
	MFA                mfaOptions // --wait, --mfa
	// NoteOrganization records, for api-keys list, the organization a
	// kept API key logged in to.
	NoteOrganization func(ctx context.Context, pub, org string)
	// Sessions reads the store, for the organizations a login with no
	// flags offers.
	Sessions func(ctx context.Context) (*session.State, error)
	// Code login.
	Client       func() (*turnkey.Client, error)
	Email, SMS   string
	WhatsApp     string
	AuthProxy    string
	AuthProxyURL string
	SubOrg       string
	OAuth        oauthOptions // social login (login_oauth.go)
}

func newCmdLogin(f *Factory) *cobra.Command {
	opts := &LoginOptions{IO: f.IO, Open: f.OpenForNewKeys, LoadAPIKey: f.loadAPIKey, NoteOrganization: f.noteAPIKeyOrganization}
	opts.Sessions = func(ctx context.Context) (*session.State, error) {
		env, err := f.OpenLazy(ctx)
		if err != nil {
			return nil, err
		}
		return env.Manager.State(ctx)
	}
	d := f.dialer(&opts.MFA)
	opts.API, opts.Client = d.API, d.Client
	cmd := &cobra.Command{
		Use:   "login (--org ORG | --email ADDRESS | --sms NUMBER | --whatsapp NUMBER | --oauth PROVIDER)",
		Short: "Log in to a Turnkey organization with your API key; the session becomes active",
		Long: `login makes a new key pair, asks Turnkey for a session bound to it (stamp_login,
signed by your long-lived API key) and stores the session, active.

The API key is the one Turnkey's CLI (tkcli) keeps: turnkey/keys/NAME.private in
your config directory (NAME is "default" unless --api-key says otherwise), or
the file --api-key-file names; P-256, secp256k1 and Ed25519 keys all work.
Before the login, Turnkey is asked who the key belongs to (whoami); a session
issued for another organization or user is refused. The session records the
API it was logged in with (--api-url): refresh, revoke and checks go there,
and Turnkey's names for the organization and user, which every view shows.
Without --session-key it is stored under those names, lowercase with no
spaces ("acme-payments/ada"), one key
per organization and user; a login that would replace a live session of
another organization or user asks first on a terminal, and refuses without
one. If the login fails, the new key pair is deleted.

With --email, --sms or --whatsapp there is no API key: Turnkey's Auth Proxy (--auth-proxy,
the configuration ID of the app's organization) sends a code there; type it
when asked (or give it as one line on stdin). The code and the new session key
are encrypted to Turnkey's enclave, whose signature is checked, and the
verification token it answers logs the new key in by itself. With --org as
well, the code comes from that parent organization's API key instead, and the
session is its sub-organization's user's (--sub-org, or the one whose user
verified the address).

With --oauth google, apple, facebook, x or discord, the provider's consent
happens in a browser ($BROWSER, else the system's; --no-browser prints the
address), which comes back to http://127.0.0.1:PORT/callback (--redirect-port),
the redirect URI the app's owner registers; the provider's token, bound to the
new session key by its nonce, logs it in through the Auth Proxy (--auth-proxy).

When the organization asks for more authentication factors (MFA), --mfa FACTOR
proves them (repeatable): api-key=NAME or api-key-file=PATH (an API key),
session=KEY (a stored session's key), email=ADDRESS or sms=NUMBER (a code is
sent there; type it). Each approves the activity by its fingerprint, stamped
by that factor. On a terminal without --mfa, tkauth names the factors and asks
for those it can prove. It waits --wait for the rest, given elsewhere, and for
other members' approvals when the organization's policies ask for consensus;
nothing is stored unless the activity completes, and an activity tkauth gives
up on is rejected, so that no session key becomes live later.`,
		Example: `  tkauth login --org 3f1c2a9e-7b4d-4e1a-9c2f-5d6e7f8a9b0c
  tkauth login --org $ORG --api-key ci --session-key acme/ci --expires 3600
  tkauth login --email ada@example.com --auth-proxy $CONFIG_ID
  tkauth login --email user@example.com --org $PARENT_ORG
  tkauth login --oauth google --auth-proxy $CONFIG_ID`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.OAuth.Provider != "" {
				return loginOAuthRun(cmd.Context(), opts)
			}
			if opts.codeType() != "" {
				return loginCodeRun(cmd.Context(), opts)
			}
			if opts.Org == "" && opts.IO.CanPrompt() {
				return loginAsk(cmd.Context(), opts)
			}
			if opts.Org == "" {
				return errLoginFlags
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Org, "org", "", "the organization ID")
	cmd.Flags().StringVar(&opts.APIKey, "api-key", turnkey.DefaultKeyName, "the name of the API key in Turnkey's CLI key directory")
	cmd.Flags().StringVar(&opts.APIKeyFile, "api-key-file", "", "read the API key from this file instead (tkcli's format)")
	cmd.MarkFlagsMutuallyExclusive("api-key", "api-key-file")
	cmd.RegisterFlagCompletionFunc("api-key", f.completeAPIKeyNames)
	cmd.Flags().StringVar(&opts.SessionKey, "session-key", "", "store the session under this key (default: the organization's and user's names)")
	opts.Expires = session.DefaultLifetime
	cmd.Flags().Var(lifetimeValue{&opts.Expires}, "expires", "the session's lifetime: 10m, 1h, 7d or seconds, up to a year")
	cmd.Flags().BoolVar(&opts.InvalidateExisting, "invalidate-existing", false, "have Turnkey end your other sessions")
	cmd.Flags().StringVar(&opts.SessionProfile, "session-profile", "", "scope the session by this session profile (its ID)")
	mfaFlag(cmd, f.IO, &opts.MFA)
	cmd.Flags().StringVar(&opts.Email, "email", "", "log in by a code sent to this email address")
	cmd.Flags().StringVar(&opts.SMS, "sms", "", "log in by a code sent to this phone number")
	cmd.Flags().StringVar(&opts.WhatsApp, "whatsapp", "", "log in by a code sent by WhatsApp to this phone number")
	cmd.MarkFlagsMutuallyExclusive("email", "sms", "whatsapp")
	cmd.Flags().StringVar(&opts.AuthProxy, "auth-proxy", os.Getenv(authProxyEnv), "the Auth Proxy configuration ID of the app's organization (env "+authProxyEnv+")")
	cmd.Flags().StringVar(&opts.AuthProxyURL, "auth-proxy-url", envOr(authProxyURLEnv, turnkey.DefaultAuthProxyURL), "the Auth Proxy (env "+authProxyURLEnv+")")
	oauthFlags(cmd, &opts.OAuth)
	cmd.Flags().StringVar(&opts.SubOrg, "sub-org", "", "with --org and --email, --sms or --whatsapp: the user's sub-organization (default: the one whose user verified the address)")
	return cmd
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	key, err := opts.LoadAPIKey(ctx, opts.APIKey, opts.APIKeyFile)
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	var answer error
	res, err := env.Manager.Login(ctx, session.APIKeyLogin{Turnkey: api, Key: key, Org: opts.Org}, opts.loginOptions(&answer))
	if answer != nil {
		err = answer // no to replacing: asked before anything was made
	}
	if err != nil {
		return errLogin(err)
	}
	if opts.NoteOrganization != nil {
		opts.NoteOrganization(ctx, key.PublicKey(), opts.Org)
	}
	sayLoggedIn(ctx, opts, env.Manager, res)
	return nil
}

// loginOptions is what the flags ask of a login; on a terminal, replacing
// a live session of someone else is asked, and a no (or no answer) kept in
// answer, if set.
func (opts *LoginOptions) loginOptions(answer *error) session.LoginOptions {
	lo := session.LoginOptions{Key: opts.SessionKey, Expires: opts.Expires, InvalidateExisting: opts.InvalidateExisting, SessionProfileID: opts.SessionProfile}
	if opts.IO.CanPrompt() {
		lo.ConfirmReplace = func(why error) bool {
			fmt.Fprintln(opts.IO.ErrOut, escape.Message(why.Error()))
			err := opts.IO.ask(text.Question{Title: "Replace it all the same?"})
			if answer != nil {
				*answer = err
			}
			return err == nil
		}
	}
	return lo
}

// sayLoggedIn says what a login stored.
func sayLoggedIn(ctx context.Context, opts *LoginOptions, m *session.Manager, res session.StoreResult) {
	defer opts.IO.leftover(res.Leftover)
	s := res.Session
	fmt.Fprintln(opts.IO.Out, text.LoggedIn(s, m.Now()))
	noteShellKeeps(opts.IO, s.Key)
	if e := res.OldKey; e != nil && e.Err == nil {
		fmt.Fprintln(opts.IO.Out, text.ReplacedKeyEnded(e))
	} else if e != nil {
		opts.IO.warn("%s", text.ReplacedKeyLeft(e, explain(e.Err), m.Now()))
	}
	if opts.InvalidateExisting {
		sayInvalidated(ctx, opts.IO, m, s)
	}
}

// sayInvalidated names the sessions stored here that --invalidate-existing
// just ended on Turnkey: the user's others in the organization, which look
// live here until they expire.
func sayInvalidated(ctx context.Context, ios *IOStreams, m *session.Manager, s session.Session) {
	st, err := m.State(ctx)
	if err != nil {
		return
	}
	var ended []string
	for _, k := range st.Keys() {
		o := st.Sessions[k]
		if k != s.Key && o.OrganizationID == s.OrganizationID && o.UserID == s.UserID && !o.Expired(m.Now()) {
			ended = append(ended, k)
		}
	}
	if len(ended) > 0 {
		ios.warn("--invalidate-existing ended on Turnkey your other sessions stored here: %s; they look live here until they expire: log them out (tkauth logout KEY)", escape.Join(ended))
	}
}

// codeType is the kind of code a code login sends: by --email, --sms or
// --whatsapp; "" when none is given.
func (o *LoginOptions) codeType() string {
	switch {
	case o.Email != "":
		return turnkey.OTPEmail
	case o.SMS != "":
		return turnkey.OTPSMS
	case o.WhatsApp != "":
		return turnkey.OTPWhatsApp
	}
	return ""
}
