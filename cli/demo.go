package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/ui"
)

// DemoOptions holds what `tkauth demo` needs.
type DemoOptions struct {
	IO *IOStreams
	// Dir is the demo store's directory; empty means a new temporary one.
	Dir string
	Now func() time.Time
}

func newCmdDemo(f *Factory, runF func(context.Context, *DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{IO: f.IO, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try tkauth on a throw-away store of sample sessions (never touches your keyring)",
		Long: `demo creates a throw-away store in a temporary directory, with private keys in
files there (never in your keyring), seeds it with sample sessions in three
organizations, and opens the TUI over it (or, when stdout is not a terminal,
prints them). The tokens are signed by a demo key, so they show as unverified.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return demoRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "create the demo store here (a new or empty directory) instead of in a new temporary one")
	return cmd
}

func demoRun(ctx context.Context, opts *DemoOptions) error {
	dir := opts.Dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "tkauth-demo-"); err != nil {
			return err
		}
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		// It may be a real store: seeding would replace its sessions and
		// delete their private keys.
		return fmt.Errorf("demo writes only into a store of its own, and %s already holds files (a real store?): give a new or empty directory", text.Clean(dir))
	}
	keys, file := store.NewFileKeys(dir), store.NewFile(dir)
	m := session.NewManager(file, keys).WithClock(opts.Now)
	if err := fixture.SeedDemo(ctx, m); err != nil {
		return fmt.Errorf("seeding the demo store in %s: %w", dir, err)
	}
	ios := opts.IO
	if ios.IsTerminal {
		err := ui.Run(ctx, ui.Config{Sessions: m, StorePath: file.Path(), KeyStore: keys.Name(), Note: "demo store: sample sessions, private keys in files here; your keyring is not touched", Watch: true})
		fmt.Fprintf(ios.ErrOut, "The demo store stays in %s; use it with TKAUTH_HOME=%s TKAUTH_KEYRING=file tkauth\n", dir, dir)
		return err
	}
	state, err := m.State(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(ios.Out, "Demo store in %s (private keys in files there; your keyring is not touched).\n\n", dir)
	writeSessions(ios.Out, state, m.KeyPairPresence(ctx, state), nil, m.Now(), false)
	fmt.Fprintf(ios.Out, "\nUse it with any command: TKAUTH_HOME=%s TKAUTH_KEYRING=file tkauth list\n", dir)
	return nil
}
