package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// execLoginRun runs the command with a session made for it alone, and
// ends that session when the command ends, whatever its exit.
func execLoginRun(ctx context.Context, opts *ExecOptions) error {
	environ := opts.Environ()
	apiKey, err := opts.LoadAPIKey(ctx, opts.APIKey, opts.APIKeyFile)
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	path, err := findProgram(opts.Command[0], lookupEnv(environ, "PATH"))
	if err != nil {
		return err
	}
	one, err := env.Manager.LoginOneShot(ctx, c, apiKey, opts.Login, opts.Expires)
	if err != nil {
		return fmt.Errorf("login failed (nothing was run, nothing stored): %w", err)
	}
	vars, err := (&inUse{session: one.Session, key: one.Key, api: c}).vars()
	if err == nil {
		var code int
		code, err = opts.Run(path, opts.Command, withVars(environ, vars))
		if err == nil && code != 0 {
			// The command said what went wrong; tkauth adds nothing.
			err = quiet{exitCodeError{fmt.Errorf("%s exited with %d", escape.Clean(opts.Command[0]), code), code}}
		} else if err != nil {
			err = cannotRun(path, err)
		}
	}
	// However the command ended, even on a signal that ended ctx.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if endErr := one.End(endCtx); endErr != nil {
		opts.IO.warn("the session made for the command (%s) %s", session.Short(one.Session.PublicKey), explain(endErr))
		if err == nil {
			err = exitCodeError{errors.New("the command succeeded, but its session is left on Turnkey until it expires"), ExitFailure}
		}
	}
	return err
}

// runChild runs the program at path with tkauth's streams, forwarding the
// signals sent to tkauth, and returns its exit code (128 + the signal for
// one that killed it, as a shell says). Ctrl-C reaches the command from
// the terminal itself; tkauth only outlives it, to end the session.
func runChild(ios *IOStreams, path string, argv, env []string) (int, error) {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args, cmd.Env = argv, env
	// The terminal itself, not a pipe through tkauth: the command sees
	// what it would see without tkauth.
	out := ios.Out
	if c, ok := out.(*checkedWriter); ok {
		out = c.w
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = ios.In, out, ios.ErrOut
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if s != os.Interrupt {
					cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return exit.ExitCode(), nil
	}
	return 0, err
}
