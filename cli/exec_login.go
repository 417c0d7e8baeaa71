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
	if outer := lookupEnv(environ, sessionEnv); outer != "" {
		opts.IO.warn("this shell uses session %s (%s); the command runs as a session of its own, not as %s, and tkauth commands in it will not act as %s unless named", escape.Clean(outer), sessionEnv, escape.Clean(outer), escape.Clean(outer))
	}
	one, err := env.Manager.LoginOneShot(ctx, c, apiKey, opts.Login, opts.Expires)
	if err != nil {
		return fmt.Errorf("login failed (nothing was run, nothing stored): %w", err)
	}
	// However the command ends, even on a signal that ended ctx.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	// A note of the session, durable before the command starts: a kill -9
	// of tkauth leaves it for a later command to report (reportLeftovers).
	note := session.OneShotKey(os.Getpid(), one.Session.PublicKey)
	if err := env.Manager.Note(ctx, one, note); err != nil {
		err = fmt.Errorf("nothing was run: noting the session made for the command in the store failed: %w", err)
		if endErr := one.End(endCtx); endErr != nil {
			return fmt.Errorf("%w; and the session (%s) %s", err, session.Short(one.Session.PublicKey), explain(endErr))
		}
		return fmt.Errorf("%w; the session was ended on Turnkey", err)
	}
	vars, err := (&inUse{session: one.Session, key: one.Key, api: c}).vars()
	if err == nil {
		var code int
		// The command's session is its own: tkauth inside it must not
		// take the shell's (TKAUTH_SESSION) or the active one for it.
		code, err = opts.Run(path, opts.Command, withVars(without(environ, sessionEnv), vars))
		if err == nil && code != 0 {
			// The command said what went wrong; tkauth adds nothing.
			err = quiet{exitCodeError{fmt.Errorf("%s exited with %d", escape.Clean(opts.Command[0]), code), code}}
		} else if err != nil {
			err = cannotRun(path, err)
		}
	}
	if endErr := one.End(endCtx); endErr != nil {
		opts.IO.warn("the session made for the command (%s) %s; it stays in the store as %s: `tkauth logout --revoke %s --api-key NAME` ends it", session.Short(one.Session.PublicKey), explain(endErr), note, note)
		if err == nil {
			err = exitCodeError{errors.New("the command succeeded, but its session is left on Turnkey until it expires"), ExitFailure}
		}
	} else if ferr := env.Manager.Forget(endCtx, one, note); ferr != nil {
		opts.IO.warn("the session made for the command was ended on Turnkey, but its note %s stays in the store (%v): `tkauth logout %s` removes it", note, ferr, note)
	}
	return err
}

// runChild runs the program at path with tkauth's streams, forwarding the
// signals sent to tkauth, and returns its exit code (128 + the signal for
// one that killed it, as a shell says). Ctrl-C reaches the command from
// the terminal itself, and tkauth only outlives it, to end the session;
// an interrupt tkauth gets when it is not in its terminal's foreground
// (no terminal: a script, CI, kill -INT of a background job) can only
// have been sent to it, and is passed on.
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
				if s != os.Interrupt || !inForeground() {
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
