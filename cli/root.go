package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// TUIOptions holds what the TUI (tkauth with no command, on a terminal)
// needs.
type TUIOptions struct {
	Open    func(context.Context) (*Env, func(context.Context) (name, note string), error)
	Servers func() (session.Servers, error)
	// AutoRefresh: refresh the active session in its last minute.
	AutoRefresh bool
}

// NewRootCmd returns tkauth's root command, its global flags and every
// subcommand, writing to ios.
func NewRootCmd(ios *IOStreams) *cobra.Command {
	// TKAUTH_KEYRING_SERVICE is for tests: it keeps their keyring items
	// apart from the user's.
	f := &Factory{IO: ios, KeyringService: envOr("TKAUTH_KEYRING_SERVICE", store.SystemService)}
	tui := &TUIOptions{Open: f.OpenDeferred, Servers: f.Servers}
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
				return listRun(cmd.Context(), &ListOptions{IO: ios, Open: f.OpenPlain, Servers: f.Servers})
			}
			return tuiRun(cmd.Context(), tui)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// Flags that exclude each other are checked here, before cobra checks
	// them again, so that the mistake exits as a usage error.
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := cmd.ValidateFlagGroups(); err != nil {
			return usageError{err}
		}
		return nil
	}
	root.Flags().BoolVar(&tui.AutoRefresh, "auto-refresh", false, "in the TUI, refresh the active session in its last minute")
	pf := root.PersistentFlags()
	pf.StringVar(&f.Home, "home", "", "store directory (env "+store.HomeEnv+"; default: the user config directory/tkauth)")
	pf.StringVar(&f.Keyring, "keyring", envOr("TKAUTH_KEYRING", store.KeyringAuto), "where private keys go: auto, system or file (env TKAUTH_KEYRING)")
	pf.DurationVar(&f.KeyringTimeout, "keyring-timeout", store.DefaultKeyringTimeout, "how long to wait for the system keyring on each call")
	pf.StringVar(&f.APIURL, "api-url", "", "Turnkey's API (env "+APIEnv+"; default "+turnkey.DefaultBaseURL+", or the one a session was logged in with)")
	pf.BoolVar(&f.OtherAPI, "other-api", false, "send sessions' requests to --api-url, even those logged in with another API or recording none")

	root.AddCommand(
		newCmdList(f), newCmdAdd(f), newCmdSwitch(f), newCmdLogout(f),
		newCmdShow(f), newCmdKeys(f), newCmdDemo(f), newCmdVersion(f),
		newCmdLogin(f), newCmdRefresh(f), newCmdStatus(f),
		newCmdExec(f), newCmdEnv(f), newCmdAPI(f), newCmdStamp(f),
		newCmdCurrent(f), newCmdRename(f),
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

// tuiRun opens the TUI over the store the flags select.
func tuiRun(ctx context.Context, opts *TUIOptions) error {
	env, ready, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	if err := env.Store.MakeDir(); err != nil {
		return err
	}
	sv, err := opts.Servers()
	if err != nil {
		return err
	}
	sv.Confirm = nil // no question on stderr under the TUI: --other-api says it
	return ui.Run(ctx, ui.Config{Sessions: env.Manager, StorePath: env.Store.Path(), Shell: shellSession(), KeyStore: env.KeyStore, Note: env.Note, KeyStoreReady: ready,
		Watch: true, Servers: &sv, AutoRefresh: opts.AutoRefresh})
}
