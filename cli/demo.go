package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
	"github.com/tkauth/tkauth/ui"
)

// DemoOptions holds what `tkauth demo` needs.
type DemoOptions struct {
	IO *IOStreams
	// Dir is the demo store's directory; empty means a new temporary one,
	// removed when the demo ends unless Keep.
	Dir  string
	Keep bool
	// API starts a stand-in of Turnkey's API for the demo's sessions.
	API bool
	Now func() time.Time
	// Self is how the user runs tkauth from where they are; empty:
	// selfCommand, worked out when the demo runs, not at every start.
	Self string
}

func newCmdDemo(f *Factory) *cobra.Command {
	opts := &DemoOptions{IO: f.IO, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try tkauth on a throw-away store of sample sessions (never touches your keyring)",
		Long: `demo creates a throw-away store in a temporary directory, with private keys in
files there (never in your keyring), seeds it with sample sessions in three
organizations, and opens the TUI over it (or, when stdout is not a terminal,
prints them). The tokens are signed by a demo key, so they show as unverified.
The store is removed when the demo ends (on SIGHUP, SIGTERM and SIGINT too),
unless --keep or --dir; a store left by a demo killed harder is removed by the
next demo.

With --api, a stand-in of Turnkey's API (tkauth's test server) runs on this
machine for as long as the demo does, with the same samples signed by it and
recording its API, so that refresh (R), check (c), revoke and login can be
tried; ? in the TUI says how to use it from another shell (. env.sh in the
demo store sets everything it needs), and how to try a user whose logins
need MFA (an API key and an SMS code) and a scoped session
(acme/signing-only, whose scope allows signing only). Nothing it does
reaches Turnkey.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return demoRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "create the demo store here (a new or empty directory, kept) instead of in a new temporary one")
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "keep the demo store after the demo, to try other commands on it")
	cmd.Flags().BoolVar(&opts.API, "api", false, "run a stand-in of Turnkey's API on this machine, for login, refresh, check and revoke")
	return cmd
}

func demoRun(ctx context.Context, opts *DemoOptions) (err error) {
	dir, keep := opts.Dir, opts.Keep || opts.Dir != ""
	ios := opts.IO
	if dir == "" {
		for _, left := range removeDeadDemos(os.TempDir()) {
			fmt.Fprintf(ios.ErrOut, "Removed %s, the store of a demo that was killed before it could remove it.\n", escape.Clean(left))
		}
		if dir, err = os.MkdirTemp("", demoPrefix); err != nil {
			return err
		}
		if err := markDemo(dir); err != nil {
			os.RemoveAll(dir)
			return err
		}
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		// It may be a real store: seeding would replace its sessions and
		// delete their private keys.
		return fmt.Errorf("demo writes only into a store of its own, and %s already holds files (a real store?): give a new or empty directory", escape.Clean(dir))
	}
	self := opts.Self
	if self == "" {
		self = selfCommand()
	}
	if !keep {
		// The demo's tokens and private keys go with it, on a hang-up
		// (a closed terminal, an SSH drop) and a kill too.
		var stop func()
		ctx, stop = removeOnSignal(ctx, dir)
		defer stop()
		defer func() {
			if rmErr := os.RemoveAll(dir); rmErr != nil {
				err = errors.Join(err, fmt.Errorf("removing the demo store: %w; remove %s yourself", rmErr, escape.Clean(dir)))
			}
		}()
	}
	keys, file := store.NewFileKeys(dir), store.NewFile(dir)
	m := newManager(file, keys).WithClock(opts.Now)
	parts := tuiParts{Manager: m, StorePath: file.Path(), KeyStore: keys.Name(), Note: "demo store: sample sessions, private keys in files here; your keyring is not touched", Demo: true}
	var shell *demoShell
	if opts.API {
		srv := turnkeytest.New()
		defer srv.Close()
		// The samples and every session logged in from here on are the
		// stand-in's, and say so.
		m.WithTestSigner(&srv.Notarizer.PublicKey)
		keys, err := srv.SeedDemo(ctx, m)
		if err != nil {
			return fmt.Errorf("seeding the demo store in %s: %w", escape.Clean(dir), err)
		}
		idp := turnkeytest.NewIdP()
		defer idp.Close()
		srv.SeedDemoOAuth(idp, turnkey.RedirectURI(turnkey.DefaultRedirectPort))
		keyFile, mfaFile := filepath.Join(dir, "demo-api-key.private"), filepath.Join(dir, "demo-mfa-key.private")
		if err := os.WriteFile(keyFile, []byte(keys.Admin), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(mfaFile, []byte(keys.MFA), 0o600); err != nil {
			return err
		}
		signer, err := srv.Notarizer.PublicKey.Bytes()
		if err != nil {
			return err
		}
		shell = &demoShell{dir: dir, api: srv.URL, keyFile: keyFile, mfaFile: mfaFile, signer: hex.EncodeToString(signer), self: self, idp: idp.URL}
		if err := shell.write(); err != nil {
			return err
		}
		parts.Servers = &session.Servers{Default: srv.URL}
		parts.LoginURL, parts.LoadAPIKey, parts.AuthProxyURL, parts.AuthProxyID, parts.APIKey = srv.URL, quietFileKey, srv.URL, turnkeytest.DemoAuthProxy, keyFile
		parts.ProviderURL = idp.URL
		parts.Trust = &turnkey.Anchors{Enclave: &srv.Notarizer.PublicKey, Notarizer: &srv.Notarizer.PublicKey, Test: true}
		// One line in the header, so that the sessions have the screen;
		// the rest, commands whole, in the help.
		parts.Note = fmt.Sprintf("demo: stand-in Turnkey API at %s; ? says how to log in", srv.URL)
		parts.Guide = shell.guide()
	} else if err := fixture.SeedDemo(ctx, m); err != nil {
		return fmt.Errorf("seeding the demo store in %s: %w", escape.Clean(dir), err)
	}
	if ios.IsTerminal {
		err := ui.Run(underTUI(ctx), tuiConfig(parts))
		fmt.Fprintln(ios.ErrOut, demoEnd(self, dir, keep))
		return err
	}
	state, err := m.State(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(ios.Out, "Demo store in %s (private keys in files there; your keyring is not touched).\n\n", escape.Clean(dir))
	writeSessions(ios.Out, state, m.KeyPairPresence(ctx, state), nil, m.Now(), false, 0)
	if shell != nil {
		fmt.Fprintf(ios.Out, "\n%s\n", shell.offTerminal())
	}
	fmt.Fprintf(ios.Out, "\n%s\n", demoEnd(self, dir, keep))
	return nil
}

// demoShell is what another shell needs to use the demo's stand-in API:
// its URL, the API key file, the Auth Proxy configuration and the test
// signer to trust, written to env.sh in the demo store for `.` to read.
type demoShell struct {
	dir, api, keyFile, mfaFile, signer, self string
	idp                                      string // the stand-in provider
}

// vars are the variables env.sh sets.
func (d *demoShell) vars() [][2]string {
	return [][2]string{
		{store.HomeEnv, d.dir}, {"TKAUTH_KEYRING", store.KeyringFile},
		{APIEnv, d.api}, {authProxyURLEnv, d.api}, {authProxyEnv, turnkeytest.DemoAuthProxy},
		{OverrideSignerEnv, d.signer}, {OAuthProviderEnv, d.idp},
	}
}

func (d *demoShell) envFile() string { return filepath.Join(d.dir, "env.sh") }

// write writes env.sh.
func (d *demoShell) write() error {
	var b strings.Builder
	b.WriteString("# tkauth demo --api: another shell's settings while the demo runs; read it with .\n")
	for _, v := range d.vars() {
		fmt.Fprintf(&b, "export %s=%s\n", v[0], shellQuote(v[1]))
	}
	return os.WriteFile(d.envFile(), []byte(b.String()), 0o600)
}

// logins are the commands that log in from another shell once env.sh
// is read.
func (d *demoShell) logins() []string {
	return []string{
		fmt.Sprintf("%s login --email %s (code %s)", d.self, turnkeytest.SandboxEmail, turnkeytest.SandboxCode),
		fmt.Sprintf("%s login --org %s --api-key-file %s", d.self, fixture.DemoAPIOrg, shellQuote(d.keyFile)),
	}
}

// guide is the TUI help's: where the stand-in is, how another shell
// uses it (a command whole, or env.sh for everything), and the MFA user
// and the scoped session to try there.
func (d *demoShell) guide() []string {
	shell := fmt.Sprintf("%s=%s TKAUTH_KEYRING=file %s", store.HomeEnv, shellQuote(d.dir), d.self)
	return []string{
		fmt.Sprintf("A stand-in of Turnkey's API runs at %s for as long as this demo does: nothing the demo does reaches Turnkey.", d.api),
		fmt.Sprintf("l logs in by email: %s, with the code %s.", turnkeytest.SandboxEmail, turnkeytest.SandboxCode),
		fmt.Sprintf("l, then social login, logs in with Google, Apple, Facebook, X or Discord at a stand-in provider (%s) that consents at once: your browser opens (BROWSER, else the system's) and comes back to %s. From another shell, after . env.sh: %s login --oauth google",
			d.idp, turnkey.RedirectURI(turnkey.DefaultRedirectPort), d.self),
		"From another shell, while this runs, log in to this demo's store with its API key:",
		fmt.Sprintf("$ %s login --org %s --api-key-file %s --api-url %s", shell, fixture.DemoAPIOrg, shellQuote(d.keyFile), d.api),
		"Or read all its settings (the store, the stand-in's API and Auth Proxy, its configuration, its signer), then log in by email or run any command:",
		"$ . " + shellQuote(d.envFile()),
		"$ " + d.logins()[0],
		fmt.Sprintf("A user whose logins need MFA (the SMS code is %s):", turnkeytest.SandboxCode),
		fmt.Sprintf("$ %s login --org %s --api-key-file %s --api-url %s --mfa api-key-file=%s --mfa sms=%s",
			shell, fixture.DemoAPIOrg, shellQuote(d.mfaFile), d.api, shellQuote(d.mfaFile), turnkeytest.SandboxPhone),
		fmt.Sprintf("%s is a scoped session, which only the API key refreshes:", turnkeytest.DemoScoped),
		fmt.Sprintf("$ %s refresh %s --api-key-file %s --api-url %s", shell, shellQuote(turnkeytest.DemoScoped), shellQuote(d.keyFile), d.api),
	}
}

func (d *demoShell) names() string {
	var names []string
	for _, v := range d.vars() {
		names = append(names, v[0])
	}
	return strings.Join(names, ", ")
}

// offTerminal says, where no TUI runs, what the stand-in was and that it
// stopped with the demo.
func (d *demoShell) offTerminal() string {
	return fmt.Sprintf("A stand-in Turnkey API ran at %s for this demo, and stopped with it. On a terminal it runs as long as the demo's TUI, and another shell uses it after `. env.sh` from the demo store (%s), then: %s",
		d.api, d.names(), strings.Join(d.logins(), "; or "))
}

// demoEnd says what became of the demo store, and how to use it when kept,
// with the command that works from where the user is.
func demoEnd(self, dir string, kept bool) string {
	if !kept {
		return "The demo store is removed. To keep one and try other commands on it: " + self + " demo --keep"
	}
	return fmt.Sprintf("The demo store stays in %s. Use it with any command, then remove it:\n  TKAUTH_HOME=%s TKAUTH_KEYRING=file %s list\n  rm -r %s",
		escape.Clean(dir), escape.Clean(shellQuote(dir)), self, escape.Clean(shellQuote(dir)))
}
