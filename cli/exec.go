package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// ExecOptions holds what `tkauth exec` needs.
type ExecOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	Key     string
	Command []string
	Force   bool // nest inside another tkauth exec
	// Environ is the environment the command starts from.
	Environ func() []string
	// Exec replaces tkauth with the program at path (syscall.Exec): its
	// exit code and signals are then the command's own.
	Exec func(path string, argv, env []string) error

	// With --login: a session made for this command from the long-lived
	// API key, ended when the command ends.
	Login              string // the organization
	APIKey, APIKeyFile string
	Expires            time.Duration
	LoadAPIKey         apiKeyLoader
	Client             func() (*turnkey.Client, error)
	// Run runs the program at path as a child, tkauth waiting for it, and
	// returns its exit code.
	Run func(path string, argv, env []string) (int, error)
}

func newCmdExec(f *Factory) *cobra.Command {
	d := f.dialer(nil)
	opts := &ExecOptions{IO: f.IO, Open: f.Open, Servers: d.Servers, Environ: os.Environ, Exec: execProgram,
		LoadAPIKey: f.loadAPIKey, Client: d.Client}
	opts.Run = func(path string, argv, env []string) (int, error) { return runChild(opts.IO, path, argv, env) }
	cmd := &cobra.Command{
		Use:   "exec [KEY] -- CMD [ARGS...]",
		Short: "Run a command with a session's credentials in its environment, and nothing else",
		Long: `exec runs CMD with the session (KEY, or the active one) in its environment only:
API_PUBLIC_KEY, API_PRIVATE_KEY, BASE_URL and ORGANIZATION_ID, as Turnkey's own
examples read them, the same under a TURNKEY_ prefix, TURNKEY_USER_ID, and
TKAUTH_SESSION (the session key). The key pair is the session's own, short-lived
one: never your long-lived API key. tkauth then becomes CMD: its exit code is
CMD's, and signals reach CMD as they would without tkauth.

An expired session, or one whose key pair is missing, is refused; one that
expires within a minute is used with a warning. Inside another tkauth exec it
refuses to run unless --force: which session a command used would be unclear.

With --login ORG, exec makes a session for CMD alone: it logs in to ORG with
your long-lived API key (--api-key NAME, from the keyring first, or
--api-key-file), for --expires (15m by default), with a key pair that is never
stored; notes the session in the store (exec-login/PID-KEY); runs CMD with it,
waiting; and when CMD ends, however it ends, deletes the session's key on
Turnkey and the note. The long-lived key never reaches CMD. A session that
cannot be ended is reported, and expires on its own; after a kill -9 of
tkauth, the next command reports the note, and logout --revoke of it (with
--api-key) ends it. An interrupt sent to tkauth alone is passed on to CMD.
tkauth's exit code is CMD's. CMD gets TKAUTH_EXEC_LOGIN (the session's public
key) instead of TKAUTH_SESSION: tkauth commands in it refuse to act as a
stored session unless one is named.`,
		Example: `  tkauth exec -- node scripts/create-wallet.js
  tkauth exec acme/ci -- go run ./cmd/sign
  tkauth exec --login $ORG --api-key ci -- ./deploy.sh`,
		Args: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			switch {
			case dash < 0 || dash == len(args):
				return usageError{errors.New("exec needs the command to run after --: `tkauth exec [KEY] -- CMD [ARGS...]`")}
			case dash > 1:
				return usageError{fmt.Errorf("`tkauth exec` takes at most one session key before --, but was given %d: %s", dash, quoteArgs(args[:dash]))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if dash == 1 {
				opts.Key = args[0]
			}
			opts.Command = args[dash:]
			if opts.Login != "" {
				if opts.Key != "" {
					return usageError{errors.New("--login makes a session for the command: give it no session KEY")}
				}
				return execLoginRun(cmd.Context(), opts)
			}
			if cmd.Flags().Changed("api-key") || opts.APIKeyFile != "" || cmd.Flags().Changed("expires") {
				return usageError{errors.New("--api-key, --api-key-file and --expires go with --login")}
			}
			return execRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "run inside another tkauth exec all the same")
	cmd.Flags().StringVar(&opts.Login, "login", "", "log in to this organization for the command alone, and end the session after it")
	cmd.Flags().StringVar(&opts.APIKey, "api-key", turnkey.DefaultKeyName, "with --login: the API key to log in with (keyring, then Turnkey's CLI key directory)")
	cmd.Flags().StringVar(&opts.APIKeyFile, "api-key-file", "", "with --login: log in with the API key in this file")
	cmd.MarkFlagsMutuallyExclusive("api-key", "api-key-file")
	cmd.RegisterFlagCompletionFunc("api-key", f.completeAPIKeyNames)
	opts.Expires = session.DefaultLifetime
	cmd.Flags().Var(lifetimeValue{&opts.Expires}, "expires", "with --login: the session's lifetime: 10m, 1h, 7d or seconds")
	return cmd
}

// exitCodeError ends tkauth with a code of its own.
type exitCodeError struct {
	error
	code int
}

func (e exitCodeError) Unwrap() error { return e.error }

func execRun(ctx context.Context, opts *ExecOptions) error {
	environ := opts.Environ()
	// The shell's session (TKAUTH_SESSION, which an outer exec sets) is
	// the one used unless KEY names another; another would hide which
	// session the command runs as.
	key, outer := opts.Key, lookupEnv(environ, sessionEnv)
	if key == "" {
		var err error
		if key, err = selectedIn(func(name string) string { return lookupEnv(environ, name) }, "exec"); err != nil {
			return err
		}
	}
	if outer != "" && key != outer && !opts.Force {
		return usageError{fmt.Errorf("this shell uses session %s (TKAUTH_SESSION, set by `tkauth exec` or by you): running %s inside it would hide which session the command runs as (--force runs it anyway)", escape.Clean(outer), escape.Clean(key))}
	}
	if outer == "" && lookupEnv(environ, oneShotEnv) != "" && !opts.Force {
		return usageError{fmt.Errorf("this runs inside `tkauth exec --login` (%s is set), whose command has a session of its own: running %s inside it would hide which session the command runs as (--force runs it anyway)", oneShotEnv, escape.Clean(key))}
	}
	u, err := useSession(ctx, opts.IO, opts.Open, opts.Servers, key, "exec")
	if errors.Is(err, session.ErrNotFound) && opts.Key == "" {
		return fmt.Errorf("%w (%s names it)", err, sessionEnv)
	}
	if err != nil {
		return err
	}
	vars, err := u.vars()
	if err != nil {
		return err
	}
	path, err := findProgram(opts.Command[0], lookupEnv(environ, "PATH"))
	if err != nil {
		return err
	}
	if err := opts.Exec(path, opts.Command, withVars(environ, vars)); err != nil {
		return cannotRun(path, err)
	}
	return nil
}

// findProgram finds name as a shell would, saying what is wrong as a
// shell's exit code does: 127 not found, 126 found but not runnable.
func findProgram(name, pathEnv string) (string, error) {
	path, err := exec.LookPath(name)
	if err == nil {
		return path, nil
	}
	candidates := []string{name}
	if !strings.Contains(name, "/") {
		candidates = nil
		for _, dir := range filepath.SplitList(pathEnv) {
			candidates = append(candidates, filepath.Join(dir, name))
		}
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return "", exitCodeError{fmt.Errorf("%s is not executable: `chmod +x %s` makes it so", escape.Clean(c), escape.Clean(c)), 126}
		}
	}
	return "", exitCodeError{fmt.Errorf("%s: command not found", escape.Clean(name)), 127}
}

// cannotRun says why the program at path could not be started.
func cannotRun(path string, err error) error {
	p := escape.Clean(path)
	switch {
	case errors.Is(err, syscall.ENOENT):
		if interp := interpreter(path); interp != "" {
			return exitCodeError{fmt.Errorf("%s names the interpreter %s, which is not there", p, escape.Clean(interp)), 127}
		}
		return exitCodeError{fmt.Errorf("%s: %w", p, err), 127}
	case errors.Is(err, syscall.ENOEXEC):
		return exitCodeError{fmt.Errorf("%s is not a program this system can run (no #! line, or another machine's)", p), 126}
	case errors.Is(err, syscall.EACCES):
		return exitCodeError{fmt.Errorf("%s cannot be run here (permission denied: not executable, or on a file system mounted noexec)", p), 126}
	}
	return exitCodeError{fmt.Errorf("running %s: %w", p, err), 126}
}

// interpreter is the program a script's #! line names, or "".
func interpreter(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, _ := bufio.NewReader(io.LimitReader(f, 256)).ReadString('\n')
	rest, ok := strings.CutPrefix(line, "#!")
	if fields := strings.Fields(rest); ok && len(fields) > 0 {
		return fields[0]
	}
	return ""
}

// without is environ without the variables names.
func without(environ []string, names ...string) []string {
	return slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(names, name)
	})
}

// withVars is environ with vars set, replacing any of the same name.
func withVars(environ []string, vars []envVar) []string {
	out := slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.ContainsFunc(vars, func(v envVar) bool { return v.name == name })
	})
	for _, v := range vars {
		out = append(out, v.name+"="+v.value)
	}
	return out
}

func lookupEnv(environ []string, name string) string {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}
