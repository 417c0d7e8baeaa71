package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// NewRootCmd returns tkauth's root command, its global flags and every
// subcommand, writing to ios.
func NewRootCmd(ios *IOStreams) *cobra.Command {
	// TKAUTH_KEYRING_SERVICE is for tests: it keeps their keyring items
	// apart from the user's.
	f := &Factory{IO: ios, KeyringService: envOr("TKAUTH_KEYRING_SERVICE", store.SystemService)}
	tui := &TUIOptions{Open: f.OpenDeferred, Servers: f.dialer(nil).Servers, LoginURL: f.loginURL, LoadAPIKey: f.quietAPIKey}
	timeout, timeoutErr := keyringTimeoutEnv()
	root := &cobra.Command{
		Use:   "tkauth",
		Short: "Manage the Turnkey sessions held on this machine",
		Long: `tkauth lists the Turnkey sessions stored on this machine, marks the active one,
and logs sessions out, deleting their key pairs from the OS keyring unless
another session still uses them.

Try it safely first: tkauth demo`,
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !ios.IsTerminal || os.Getenv("TERM") == "dumb" { // no full screen where it cannot be drawn
				return listRun(cmd.Context(), &ListOptions{IO: ios, Open: f.Open, Servers: f.dialer(nil).Servers})
			}
			return tuiRun(cmd.Context(), tui)
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{withFlagSuggestion(cmd, err)} })
	// Flags that exclude each other are checked here, before cobra checks
	// them again, so that the mistake exits as a usage error.
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := cmd.ValidateFlagGroups(); err != nil {
			return usageError{err}
		}
		if timeoutErr != nil && !cmd.Flags().Changed("keyring-timeout") {
			return timeoutErr
		}
		if os.Getenv(OverrideSignerEnv) != "" {
			ios.warn("%s", overrideNotice)
		}
		return nil
	}
	root.Flags().BoolVar(&tui.AutoRefresh, "auto-refresh", false, "in the TUI, refresh the active session in its last minute")
	pf := root.PersistentFlags()
	pf.StringVar(&f.Home, "home", "", "store directory (env "+store.HomeEnv+"; default: the user config directory/tkauth)")
	pf.StringVar(&f.Keyring, "keyring", envOr("TKAUTH_KEYRING", store.KeyringAuto), "where private keys go: auto, system or file (env TKAUTH_KEYRING)")
	root.RegisterFlagCompletionFunc("keyring", completeWords(store.KeyringAuto, store.KeyringSystem, store.KeyringFile))
	pf.DurationVar(&f.KeyringTimeout, "keyring-timeout", timeout, "how long to wait for the system keyring on each call (env TKAUTH_KEYRING_TIMEOUT)")
	pf.StringVar(&f.APIURL, "api-url", "", "Turnkey's API (env "+APIEnv+"; default "+turnkey.DefaultBaseURL+", or the one a session was logged in with)")
	pf.BoolVar(&f.OtherAPI, "other-api", false, "send sessions' requests to --api-url, even those logged in with another API or recording none")

	root.AddCommand(
		newCmdList(f), newCmdAdd(f), newCmdSwitch(f), newCmdLogout(f),
		newCmdShow(f), newCmdKeys(f), newCmdDemo(f), newCmdVersion(f),
		newCmdLogin(f), newCmdRefresh(f), newCmdStatus(f), newCmdRemote(f),
		newCmdExec(f), newCmdShell(f), newCmdEnv(f), newCmdAPI(f), newCmdStamp(f),
		newCmdCurrent(f), newCmdRename(f), newCmdAPIKeys(f), newHelpEnvironment(),
	)
	// --version prints what `tkauth version` does, read from the build
	// info only when asked, not at every start.
	root.Version = version
	cobra.AddTemplateFunc("versionString", versionString)
	root.SetVersionTemplate("{{versionString}}\n")
	root.SetOut(ios.Out) // before the completion command takes its writer
	root.SetErr(ios.ErrOut)
	fixCompletionCmd(root)
	return root
}

// withFlagSuggestion adds to cobra's "unknown flag: --nmae" the nearest
// flags the command has.
func withFlagSuggestion(cmd *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return err
	}
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && f.Deprecated == "" {
			names = append(names, f.Name)
		}
	})
	if near := session.NearestOf(names, name); len(near) > 0 {
		return fmt.Errorf("%w; did you mean --%s?", err, strings.Join(near, " or --"))
	}
	return err
}

// keyringTimeoutEnv is --keyring-timeout's default: TKAUTH_KEYRING_TIMEOUT
// when set, else store.DefaultKeyringTimeout; a value that is not a
// positive duration is a usage error, unless the flag is given.
func keyringTimeoutEnv() (time.Duration, error) {
	v := os.Getenv("TKAUTH_KEYRING_TIMEOUT")
	if v == "" {
		return store.DefaultKeyringTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return store.DefaultKeyringTimeout, usageError{fmt.Errorf("TKAUTH_KEYRING_TIMEOUT is %s: want a duration such as 5s or 500ms", strconv.Quote(v))}
	}
	return d, nil
}

// newHelpEnvironment is `tkauth help environment`: every variable tkauth
// reads, as gh has.
func newHelpEnvironment() *cobra.Command {
	return &cobra.Command{
		Use:   "environment",
		Short: "The environment variables tkauth reads",
		Long: `The environment variables tkauth reads:

  TKAUTH_HOME              the store directory, an absolute path (--home)
  TKAUTH_KEYRING           where private keys go: auto, system or file (--keyring)
  TKAUTH_KEYRING_TIMEOUT   the longest wait on one keyring call, e.g. 5s (--keyring-timeout)
  TKAUTH_SESSION           the session this shell uses instead of the active one;
                           tkauth exec sets it for its command, tkauth shell for a shell
  TKAUTH_EXEC_LOGIN        set by tkauth exec --login for its command, in place of
                           TKAUTH_SESSION: the public key of the command's own
                           session, which is not stored; tkauth commands in it
                           refuse to act as a stored session unless one is named
  TURNKEY_API_BASE_URL     Turnkey's API for a login (--api-url); never, alone,
                           where a session's requests go (see --other-api)
  TURNKEY_AUTH_PROXY_CONFIG_ID
                           the Auth Proxy configuration of a code login (--auth-proxy)
  TURNKEY_AUTH_PROXY_URL   the Auth Proxy (default https://authproxy.turnkey.com)
  TKAUTH_DANGEROUSLY_OVERRIDE_SIGNER
                           for tests against a stand-in of Turnkey: the stand-in's
                           signing key (uncompressed P-256, hex), trusted in place of
                           Turnkey's against loopback URLs only
  TKAUTH_OAUTH_PROVIDER_URL
                           for tests and providers on this machine: a social login
                           (login --oauth) goes to URL/authorize and URL/token in
                           place of the provider's endpoints; a loopback URL only
  BROWSER                  the browser login --oauth opens (BROWSER URL; %s, if
                           there, is the URL), else the platform's opener
  TKAUTH_KEYRING_SERVICE   for tests: the keyring service of tkauth's items
                           (default tkauth), to keep tests' items apart
  XDG_CONFIG_HOME          where Turnkey's CLI keeps API keys (turnkey/keys/),
                           and the default store's parent directory
  APPDATA                  on Windows, the default store's parent directory
                           when XDG_CONFIG_HOME is not set
  HOME                     where tvc, Turnkey's Rust CLI, keeps its profiles
                           (.config/turnkey/tvc.config.toml, orgs/ALIAS/api_key.json)
  NO_COLOR                 no colour in the TUI or api's output
  CLICOLOR_FORCE           colour in api's output even when it is not a terminal
  TERM                     dumb: no full-screen TUI (tkauth lists the sessions),
                           and no spinner on stderr while Turnkey is asked
  HTTPS_PROXY, NO_PROXY    the proxy for Turnkey's API, as every Go program reads them
  SSL_CERT_FILE            the certificate authorities trusted, as Go reads them
  DBUS_SESSION_BUS_ADDRESS the D-Bus session bus of the Secret Service (Linux);
                           unset, the system keyring is not reached, and no bus
                           is started
  DISPLAY, WAYLAND_DISPLAY where a Secret Service's prompt shows, as tkauth says
                           when one asks
  TKAUTH_TEST_KEYCHAIN     for tests on macOS: a throw-away keychain, under the
                           temporary directory, used instead of the default
  SHELL                    the shell tkauth shell starts (default /bin/sh; on
                           Windows the PowerShell tkauth was started from, else
                           COMSPEC, the command prompt)

exec sets, for its command: API_PUBLIC_KEY, API_PRIVATE_KEY, BASE_URL,
ORGANIZATION_ID, the same under TURNKEY_, TURNKEY_USER_ID and TKAUTH_SESSION
(with --login, TKAUTH_EXEC_LOGIN instead).`,
	}
}

// deprecatedForce keeps --force, which meant --other-api for cmd, working,
// with a warning.
func deprecatedForce(cmd *cobra.Command, f *Factory) {
	cmd.Flags().BoolVar(&f.OtherAPI, "force", false, "the same as --other-api")
	cmd.Flags().MarkDeprecated("force", "use --other-api (with --api-url)")
}

// fixCompletionCmd makes cobra's completion command refuse a shell it does
// not know: as cobra makes it, `completion tcsh` prints help and exits 0.
func fixCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			var shells []string
			for _, s := range cmd.Commands() {
				shells = append(shells, s.Name())
			}
			return usageError{fmt.Errorf("tkauth has no completion for %q; it has %s", args[0], strings.Join(shells, ", "))}
		}
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
}
