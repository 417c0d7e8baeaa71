package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/ui"
)

// SwitchOptions holds what `tkauth switch` needs.
type SwitchOptions struct {
	IO   *IOStreams
	Open func(context.Context) (*Env, error)
	// Pick lets the user choose a session on a terminal; "" is cancelled.
	Pick  pickFunc
	Key   string // "-": the previous one; "": ask
	Unset bool   // make none active
}

func newCmdSwitch(f *Factory) *cobra.Command {
	opts := &SwitchOptions{IO: f.IO, Open: f.OpenLazy, Pick: ui.Pick}
	cmd := &cobra.Command{
		Use:   "switch [KEY | - | --unset]",
		Short: "Make a session the active one: KEY, the previous one (-), or one you pick",
		Long: `switch makes the session stored under KEY the active one. "switch -" goes back
to the session that was active before, as "cd -" does. With no KEY, on a
terminal, it lets you pick one: type to filter, enter to choose, esc to cancel.
--unset makes no session active, logging none out.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("`tkauth switch` takes one session key (or - for the previous one), but was given %d: %s", len(args), quoteArgs(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			if opts.Unset && opts.Key != "" {
				return usageError{errors.New("give KEY, -, or --unset")}
			}
			if opts.Key == "" && !opts.Unset && !opts.IO.CanPrompt() {
				return usageError{errors.New("switch needs the session to make active: `tkauth switch KEY` (`tkauth list` shows them), or `tkauth switch -` for the previous one")}
			}
			return switchRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
	cmd.Flags().BoolVarP(&opts.Unset, "unset", "u", false, "make no session active (switch - makes it active again)")
	return cmd
}

func switchRun(ctx context.Context, opts *SwitchOptions) error {
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	if opts.Unset {
		if err := env.Manager.SetActive(ctx, ""); err != nil {
			return err
		}
		fmt.Fprintln(opts.IO.Out, "No session is active now.")
		noteShellKeeps(opts.IO, "")
		return nil
	}
	key := opts.Key
	switch key {
	case "-":
		if key, err = env.Manager.SwitchBack(ctx); err != nil {
			return err
		}
	case "":
		if key, err = pickSession(ctx, env.Manager, opts.Pick, "switch to"); err != nil {
			return err
		}
		fallthrough
	default:
		if err := env.Manager.SetActive(ctx, key); err != nil {
			return withHint(err, "switch")
		}
	}
	fmt.Fprintf(opts.IO.Out, "Active session: %s\n", escape.Clean(key))
	warnUnusable(ctx, opts.IO, env.Manager, key, "is active")
	noteShellKeeps(opts.IO, key)
	return nil
}

// noteShellKeeps says, after a command made active (the key "" for
// none), when this shell does not follow: TKAUTH_SESSION selects another
// session for it, or it runs inside exec --login with a session of its
// own. Other shells follow the active session; this one does not.
func noteShellKeeps(ios *IOStreams, active string) {
	if shell := shellSession(); shell != "" && shell != active {
		ios.warn("this shell keeps using session %s (%s is set, by you or by tkauth shell or exec): commands here use it, not the active one; `unset %s`, or exit tkauth shell, to follow the active session",
			escape.Clean(shell), sessionEnv, sessionEnv)
	} else if shell == "" && os.Getenv(oneShotEnv) != "" {
		ios.warn("this runs inside `tkauth exec --login` (%s is set): tkauth commands here use no stored session unless named, the active one neither", oneShotEnv)
	}
}

// pickFunc lets the user choose one of st's sessions on a terminal (as
// ui.Pick); action says what choosing does. "" is cancelled.
type pickFunc func(ctx context.Context, st *session.State, now time.Time, action string) (string, error)

// pickSession lets the user choose a stored session with pick, for action.
func pickSession(ctx context.Context, m *session.Manager, pick pickFunc, action string) (string, error) {
	st, err := m.State(ctx)
	if err != nil {
		return "", err
	}
	if len(st.Sessions) == 0 {
		return "", fmt.Errorf("%w: there are no sessions to %s; `tkauth login` makes one", session.ErrNotFound, action)
	}
	key, err := pick(ctx, st, m.Now(), action)
	if err == nil && key == "" {
		err = errDeclined
	}
	return key, err
}

// warnUnusable warns, as the TUI does, when the session just chosen
// cannot be used: expired, or its key pair missing. role says what it
// became: "is active". The key store gets a second to say; a key store
// that does not is no reason to warn.
func warnUnusable(ctx context.Context, ios *IOStreams, m *session.Manager, key, role string) {
	st, err := m.State(ctx)
	if err != nil {
		return
	}
	s, ok := st.Sessions[key]
	if !ok {
		return
	}
	kctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	presence, _ := m.HasKeyPair(kctx, st, s.PublicKey)
	for _, p := range s.Problems(m.Now(), presence) {
		way := "`tkauth login` makes a new one"
		if p == session.ProblemExpired {
			way += ", `tkauth logout` removes it"
		}
		ios.warn("session %s %s, but %s: %s", escape.Clean(key), role, text.Problem(p, *s, m.Now()), way)
	}
}
