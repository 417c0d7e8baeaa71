package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/session"
)

// EnvOptions holds what `tkauth env` needs.
type EnvOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	Key     string
	Format  string
	Yes     bool // print to a terminal all the same
}

// envFormats are the formats env prints.
var envFormats = []string{"sh", "fish", "dotenv", "json"}

func newCmdEnv(f *Factory) *cobra.Command {
	opts := &EnvOptions{IO: f.IO, Open: f.Open, Servers: f.dialer(nil).Servers}
	cmd := &cobra.Command{
		Use:   "env [KEY] [--format sh|fish|dotenv|json]",
		Short: "Print a session's credentials as variables, for eval or a .env file",
		Long: `env prints the variables tkauth exec sets (API_PUBLIC_KEY, API_PRIVATE_KEY,
BASE_URL, ORGANIZATION_ID, the same under TURNKEY_, TURNKEY_USER_ID,
TKAUTH_SESSION) for the session KEY or the active one, as sh or fish
commands, a .env file, or JSON.

It prints a private key, so it will not print to a terminal unless --yes.
Prefer tkauth exec: it hands the key to one command and nothing else, while
what env prints stays wherever it goes (a shell's environment, a file).`,
		Example: `  eval "$(tkauth env)"
  tkauth env acme/ci --format dotenv > .env.session
  tkauth env --format fish | source`,
		Args: optionalKey("the session whose variables to print; without one, the active one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			if !slices.Contains(envFormats, opts.Format) {
				return usageError{fmt.Errorf("--format %q: choose %s", opts.Format, strings.Join(envFormats, ", "))}
			}
			if opts.IO.IsTerminal && !opts.Yes {
				return usageError{errors.New("env prints a private key, and stdout is a terminal: pipe it (eval \"$(tkauth env)\"), redirect it to a file, give --yes, or use tkauth exec")}
			}
			return envRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	cmd.Flags().StringVar(&opts.Format, "format", "sh", "sh, fish, dotenv or json")
	cmd.RegisterFlagCompletionFunc("format", completeWords(envFormats...))
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "print to a terminal all the same")
	return cmd
}

func envRun(ctx context.Context, opts *EnvOptions) error {
	u, err := useSession(ctx, opts.IO, opts.Open, opts.Servers, opts.Key, "env")
	if err != nil {
		return err
	}
	vars, err := u.vars()
	if err != nil {
		return err
	}
	return writeVars(opts.IO.Out, opts.Format, vars)
}

// writeVars prints vars in format, each value quoted so that the format's
// readers read back exactly its bytes. A value with a control character
// (from a hostile token) is refused: no shell or .env file should get it.
func writeVars(w io.Writer, format string, vars []envVar) error {
	if format == "json" {
		m := map[string]string{}
		for _, v := range vars {
			m[v.name] = v.value
		}
		return writeJSON(w, m)
	}
	var b strings.Builder
	for _, v := range vars {
		if i := strings.IndexFunc(v.value, unicode.IsControl); i >= 0 {
			return fmt.Errorf("%s holds a control character: not printing it for a shell or a .env file (--format json escapes it)", v.name)
		}
		switch format {
		case "sh":
			fmt.Fprintf(&b, "export %s='%s'\n", v.name, strings.ReplaceAll(v.value, "'", `'\''`))
		case "fish":
			q := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v.value)
			fmt.Fprintf(&b, "set -gx %s '%s'\n", v.name, q)
		case "dotenv":
			// Single quotes, which python-dotenv and Node's dotenv read
			// as they are, except that python-dotenv takes a backslash
			// before a quote as an escape: a value with a quote or a
			// backslash is refused rather than read back changed.
			if i := strings.IndexAny(v.value, `'"\`); i >= 0 {
				return fmt.Errorf("%s holds %q, which a .env file cannot carry unchanged to every reader (--format json or sh can)", v.name, v.value[i])
			}
			fmt.Fprintf(&b, "%s='%s'\n", v.name, v.value)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
