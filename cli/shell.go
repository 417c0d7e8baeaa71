package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/ui"
)

// ShellOptions holds what `tkauth shell` needs.
type ShellOptions struct {
	IO   *IOStreams
	Open func(context.Context) (*Env, error)
	// Pick lets the user choose the session on a terminal; "" is cancelled.
	Pick    pickFunc
	Key     string
	Environ func() []string
	Exec    func(path string, argv, env []string) error
}

func newCmdShell(f *Factory) *cobra.Command {
	opts := &ShellOptions{IO: f.IO, Open: f.Open, Pick: ui.Pick, Environ: os.Environ, Exec: execProgram}
	cmd := &cobra.Command{
		Use:   "shell [KEY]",
		Short: "Start a shell whose tkauth commands use session KEY, not the active one",
		Long: `shell starts your shell ($SHELL, else /bin/sh; on Windows $SHELL, else the
PowerShell tkauth was started from, else %COMSPEC%) with TKAUTH_SESSION=KEY, as
aws-vault exec does with no command: every tkauth command run in it (exec, env,
api, stamp, status, show, refresh, logout, current) uses KEY instead of the
active session, and other terminals are not affected. Exit the shell to go
back. Without KEY, on a terminal, it lets you pick the session.

Only the session's key is set, never its private key: programs that need
credentials get them from tkauth exec inside the shell.`,
		Example: `  tkauth shell globex/ops
  PS1='[$(tkauth current)] \$ '   # in the shell's rc file: the prompt shows it`,
		Args: optionalKey("the session the shell uses"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			if opts.Key == "" && !opts.IO.CanPrompt() {
				return usageError{errors.New("shell needs the session to use: `tkauth shell KEY` (`tkauth list` shows them)")}
			}
			return shellRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	return cmd
}

func shellRun(ctx context.Context, opts *ShellOptions) error {
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	key := opts.Key
	if key == "" {
		if key, err = pickSession(ctx, env.Manager, opts.Pick, "use in a shell"); err != nil {
			return err
		}
	}
	if _, err := env.Manager.Get(ctx, key); err != nil {
		return withHint(err, "shell")
	}
	environ := opts.Environ()
	sh := lookupEnv(environ, "SHELL")
	if sh == "" {
		sh = defaultShell(environ)
	}
	path, err := findProgram(sh, lookupEnv(environ, "PATH"))
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Starting %s with %s=%s: tkauth commands in it use %s; exit it to go back.\n",
		escape.Clean(sh), sessionEnv, escape.Clean(key), escape.Clean(key))
	warnUnusable(ctx, opts.IO, env.Manager, key, "is the shell's")
	if err := opts.Exec(path, []string{sh}, withVars(without(environ, oneShotEnv), []envVar{{sessionEnv, key}})); err != nil {
		return cannotRun(path, err)
	}
	return nil
}
