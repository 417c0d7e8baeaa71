package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// StatusOptions holds what `tkauth status` needs.
type StatusOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	Key     string
	Check   bool     // ask Turnkey
	By      signWith // --api-key, --api-key-file: with Check
	JSON    jsonOutput
}

func newCmdStatus(f *Factory) *cobra.Command {
	opts := &StatusOptions{IO: f.IO, Open: f.Open, Servers: f.dialer(nil).Servers}
	cmd := &cobra.Command{
		Use:   "status [KEY] [--check] [--json]",
		Short: "Say whether the active session (or KEY) is usable, and what is wrong with it",
		Long: `status says whether the active session, or the one stored under KEY, can be
used, and what is wrong with it if not: expired, its key pair missing from its
key store, or (with --check) rejected by Turnkey.

--check asks Turnkey, signed by the session's own key, whether it still accepts
it (whoami): valid; rejected, with Turnkey's reason (the session expired, was
revoked, or a later login invalidated it); or unreachable. A session whose
scope does not let it ask is checked with --api-key NAME or --api-key-file
FILE: the user's long-lived key asks whether the user's keys on Turnkey still
hold the session's.

It exits 0 when the session is usable (Turnkey unreachable included: that says
nothing of the session), 1 when it is not, 3 when there is no such session or
none is active.`,
		Args: optionalKey("the session to check; without one, the active one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			if opts.By.Use() && !opts.Check {
				return usageError{errors.New("--api-key and --api-key-file go with --check: they sign its question")}
			}
			return statusRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	cmd.Flags().BoolVar(&opts.Check, "check", false, "ask Turnkey whether it still accepts the session")
	opts.By.addFlags(cmd, f, "--check's question")
	opts.JSON.addFlags(cmd, "print the session and its status as JSON", jsonSession{})
	deprecatedForce(cmd, f)
	return cmd
}

// nextStep is what to do about a session that cannot be used: unlock the
// keyring when it could not say, else log in again.
func nextStep(keyStoreSilent bool) string {
	if keyStoreSilent {
		return "unlock the keyring (or see --keyring), then ask again; or `tkauth login` for a new session"
	}
	return "`tkauth login` makes a new session; `tkauth logout` removes this one"
}

// errUnusable: the session cannot be used; status said why.
type errUnusable struct{ problems []string }

func (e errUnusable) Error() string { return "not usable: " + strings.Join(e.problems, "; ") }

func statusRun(ctx context.Context, opts *StatusOptions) error {
	env, st, err := openState(ctx, opts.Open)
	if err != nil {
		return err
	}
	key, err := keyOrActive(st, opts.Key, "status")
	if err != nil {
		return err
	}
	s := *st.Sessions[key]
	now := env.Manager.Now()
	kp, why := env.Manager.HasKeyPair(ctx, st, s.PublicKey)
	presence := map[string]session.Presence{s.PublicKey: kp}
	var check *session.Check
	if opts.Check {
		sv, err := opts.Servers()
		if err != nil {
			return err
		}
		by, err := opts.By.signer(ctx)
		if err != nil {
			return err
		}
		c := env.Manager.Check(ctx, sv, key, by)
		check = &c
	}

	var problems []string
	for _, p := range s.Problems(now, kp) {
		problems = append(problems, text.Problem(p, s, now))
	}
	if why != nil {
		// Not usable as far as tkauth can tell: exec would fail the same way.
		problems = append(problems, "its key store could not say whether its key pair is there: "+escape.Message(explain(why)))
	}
	if check != nil && check.Status == session.Rejected {
		problems = append(problems, text.Verdict(*check, escape.Clean(explain(check.Why))))
	}

	out := opts.IO.Out
	if opts.JSON.on() {
		j := toJSON(s, st, presence, now)
		j.withCheck(check)
		usable := len(problems) == 0
		j.Usable, j.Problems = &usable, problems
		if err := opts.JSON.write(out, j); err != nil {
			return err
		}
	} else {
		title := escape.Clean(key)
		if key == st.Active {
			title += " (active)"
		}
		verdict := "usable"
		if len(problems) > 0 {
			verdict = "not usable: " + strings.Join(problems, "; ")
		}
		fmt.Fprintf(out, "%s: %s\n", title, verdict)
		fmt.Fprintf(out, "  user %s, organization %s, %s\n", text.ShortName(s.Username, s.UserID), text.ShortName(s.OrganizationName, s.OrganizationID), text.Type(s.Type))
		fmt.Fprintf(out, "  expiry %s\n", s.Expiry.UTC().Format("2006-01-02 15:04:05 UTC"))
		fmt.Fprintf(out, "  key pair %s\n", presence[s.PublicKey])
		switch {
		case check == nil:
			fmt.Fprintln(out, "  Turnkey: not asked (--check asks it)")
		case check.Status == session.Rejected:
			fmt.Fprintf(out, "  Turnkey (%s): rejected (why: above)\n", escape.Clean(check.API))
		default:
			fmt.Fprintln(out, "  "+text.Verdict(*check, escape.Clean(explain(check.Why))))
		}
		if len(problems) > 0 {
			fmt.Fprintln(out, "  next: "+nextStep(why != nil))
		}
	}
	if len(problems) > 0 {
		return quiet{errUnusable{problems}} // said above
	}
	return nil
}
