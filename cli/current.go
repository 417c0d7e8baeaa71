package cli

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"text/template"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// CurrentOptions holds what `tkauth current` needs. Open chooses no key
// store until one is used, and current uses none.
type CurrentOptions struct {
	IO     *IOStreams
	Open   func(context.Context) (*Env, error)
	Format string
}

// currentFields are what a --format template can use; each is escaped.
type currentFields struct {
	Key, Organization, User, Type, Expires string
	// OrganizationName and Username are Turnkey's names, "" if unknown.
	OrganizationName, Username string
	Expiry                     time.Time
	Expired                    bool
	// Source says what chose the session: "TKAUTH_SESSION" (this shell),
	// or "active".
	Source string
}

func newCmdCurrent(f *Factory) *cobra.Command {
	opts := &CurrentOptions{IO: f.IO, Open: f.OpenLazy}
	cmd := &cobra.Command{
		Use:   "current [--format TEMPLATE]",
		Short: "Print the active session's key (for shell prompts); exit 3 when none",
		Long: `current prints the key of the session in use: the one TKAUTH_SESSION names
for this shell, else the active one; or, with --format, a Go template of its
fields: {{.Key}}, {{.Organization}}, {{.User}} (IDs), {{.OrganizationName}},
{{.Username}} (Turnkey's names, when known), {{.Type}}, {{.Expires}} ("expires
in 14m"), {{.Expiry}} (a time), {{.Expired}} and {{.Source}} (TKAUTH_SESSION or
active). With no session in use it prints nothing and exits 3.

It is made for shell prompts, which run it every time: it reads the session
file and nothing else (no keyring, no signature check, no network).`,
		Example: `  PS1='$(tkauth current 2>/dev/null) \$ '
  tkauth current --format '{{.Key}} ({{.Expires}})'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return currentRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "a Go template of the session's fields")
	cmd.RegisterFlagCompletionFunc("format", completeWords("{{.Key}}", "{{.Key}} ({{.Expires}})", "{{.OrganizationName}}/{{.Username}}"))
	return cmd
}

// templateFields names the fields of v, a struct, as a template writes
// them: {{.Key}}.
func templateFields(v any) []string {
	var out []string
	for f := range reflect.TypeOf(v).Fields() {
		out = append(out, "{{."+f.Name+"}}")
	}
	return out
}

func currentRun(ctx context.Context, opts *CurrentOptions) error {
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	source := "active"
	key, err := selectedSession("current")
	if err != nil {
		return err
	}
	s, err := env.Manager.Active(ctx)
	if key != "" {
		source = sessionEnv
		if s, err = env.Manager.Get(ctx, key); errors.Is(err, session.ErrNotFound) {
			err = fmt.Errorf("%w (%s names it)", err, sessionEnv)
		}
	}
	if errors.Is(err, session.ErrNoActiveSession) {
		return quiet{err} // a prompt shows nothing
	}
	if err != nil {
		return err
	}
	if opts.Format == "" {
		fmt.Fprintln(opts.IO.Out, escape.Clean(s.Key))
		return nil
	}
	tmpl, err := template.New("current").Option("missingkey=error").Parse(opts.Format)
	if err != nil {
		return usageError{fmt.Errorf("--format: %w", err)}
	}
	now := env.Manager.Now()
	var b strings.Builder
	err = tmpl.Execute(&b, currentFields{
		Key: escape.Clean(s.Key), Organization: escape.Clean(s.OrganizationID), User: escape.Clean(s.UserID),
		OrganizationName: escape.Clean(s.OrganizationName), Username: escape.Clean(s.Username),
		Type: text.Type(s.Type), Expires: text.Expiry(now, s.Expiry), Expiry: s.Expiry, Expired: s.Expired(now), Source: source,
	})
	if err != nil {
		return usageError{fmt.Errorf("--format: %w; the fields are %s", err, strings.Join(templateFields(currentFields{}), ", "))}
	}
	fmt.Fprintln(opts.IO.Out, b.String())
	return nil
}
