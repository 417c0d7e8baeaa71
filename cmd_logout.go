package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/ui"
)

// LogoutOptions holds what `tkauth logout` needs.
type LogoutOptions struct {
	Factory *Factory
	Key     string
	All     bool
	Expired bool
	Yes     bool
	Revoke  bool
	Force   bool
}

func newCmdLogout(f *Factory, runF func(context.Context, *LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "logout [KEY | --all | --expired]",
		Short: "Log out a session (the active one unless KEY is given) and delete its key pair",
		Long: `logout removes a session from this machine, as Turnkey's logout does: the one
stored under KEY, or else the active one. The active pointer is cleared if it
pointed there; no other session is promoted. The session's key pair is deleted
from its key store unless another stored session uses it, and a key pair tkauth
did not create is never touched. It does not call Turnkey's API.

With --revoke it first deletes the session's key on Turnkey (found with
get_api_keys for the session's user, deleted with delete_api_keys, both signed
by the session's own key pair), so that a stolen token and key stop working at
once, not at expiry. If that fails, the session is not logged out here either,
unless --force.

On a terminal it asks first unless --yes is given. Without a terminal, --all
needs --yes.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			if (opts.Key != "" && (opts.All || opts.Expired)) || (opts.All && opts.Expired) {
				return usageError{errors.New("give one of KEY, --all or --expired")}
			}
			if opts.Revoke && (opts.All || opts.Expired) {
				return usageError{errors.New("--revoke logs out one session: name it, or leave it out for the active one")}
			}
			if opts.Force && !opts.Revoke {
				return usageError{errors.New("--force goes with --revoke")}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f),
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "log out every session")
	cmd.Flags().BoolVar(&opts.Expired, "expired", false, "log out every expired session")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&opts.Revoke, "revoke", false, "also delete the session's key on Turnkey first")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "with --revoke: log out here even if revoking fails")
	return cmd
}

func logoutRun(ctx context.Context, opts *LogoutOptions) error {
	ios := opts.Factory.IO
	if opts.All && !opts.Yes && !ios.CanPrompt() {
		return usageError{errors.New("logout --all needs --yes when no one is at a terminal to confirm")}
	}
	env, st, err := opts.Factory.OpenState(ctx)
	if err != nil {
		return err
	}
	keys, err := logoutTargets(st, opts, env.Manager.Now())
	if err != nil {
		return withHint(err)
	}
	if len(keys) == 0 {
		fmt.Fprintln(ios.Out, "No expired sessions.")
		return nil
	}
	if !opts.Yes && ios.CanPrompt() {
		plan := describePlan(st, keys)
		if opts.Revoke {
			plan += "\nFirst it revokes the session's key on Turnkey."
		}
		fmt.Fprintln(ios.ErrOut, plan)
		ok, err := ios.confirm("Log out?")
		if err != nil {
			return err
		}
		if !ok {
			return errDeclined
		}
	}
	if opts.Revoke {
		if err := revoke(ctx, opts, env, keys[0]); err != nil {
			return err
		}
	}
	var res session.LogoutResult
	switch {
	case opts.All:
		res, err = env.Manager.ClearAll(ctx)
	case opts.Expired:
		res, err = env.Manager.LogoutExpired(ctx)
	default:
		res, err = env.Manager.Logout(ctx, keys[0])
	}
	if len(res.Sessions) > 0 {
		fmt.Fprintln(ios.Out, ui.DescribeLogout(res))
	}
	return withHint(err)
}

// logoutTargets are the session keys opts will log out, as st stands.
func logoutTargets(st *session.State, opts *LogoutOptions, now time.Time) ([]string, error) {
	var keys []string
	switch {
	case opts.All:
		keys = st.Keys()
		if len(keys) == 0 {
			return nil, fmt.Errorf("%w: there are no sessions to log out", session.ErrNotFound)
		}
	case opts.Expired:
		for _, k := range st.Keys() {
			if st.Sessions[k].Expired(now) {
				keys = append(keys, k)
			}
		}
	case opts.Key != "":
		if _, ok := st.Sessions[opts.Key]; !ok {
			return nil, fmt.Errorf("%w: no session with key %q", session.ErrNotFound, opts.Key)
		}
		keys = []string{opts.Key}
	default:
		if st.Active == "" {
			return nil, session.ErrNoActiveSession
		}
		keys = []string{st.Active}
	}
	return keys, nil
}

// describePlan says what logging out keys will remove and keep.
func describePlan(st *session.State, keys []string) string {
	var b strings.Builder
	if len(keys) == 1 {
		fmt.Fprintf(&b, "This logs out %s", ui.Clean(keys[0]))
		if keys[0] == st.Active {
			b.WriteString(" (the active session)")
		}
		b.WriteString(".\n")
	} else {
		const most = 5
		names := ui.Clean(strings.Join(keys[:min(most, len(keys))], ", "))
		if len(keys) > most {
			names += fmt.Sprintf(" and %d more", len(keys)-most)
		}
		fmt.Fprintf(&b, "This logs out %d sessions: %s.\n", len(keys), names)
	}
	b.WriteString(strings.Join(ui.PlanLines(session.PlanLogout(st, keys), st.KeyPairs), "\n"))
	return strings.TrimSuffix(b.String(), "\n")
}

// revoke deletes key's session key on Turnkey before the local logout.
func revoke(ctx context.Context, opts *LogoutOptions, env *Env, key string) error {
	ios := opts.Factory.IO
	err := env.Manager.Revoke(ctx, opts.Factory.API(), key)
	switch {
	case err == nil:
		fmt.Fprintf(ios.Out, "Revoked %s's key on Turnkey: the token no longer works.\n", ui.Clean(key))
	case errors.Is(err, turnkey.ErrKeyNotOnTurnkey):
		fmt.Fprintf(ios.Out, "Turnkey has no key for %s any more (revoked already, or expired).\n", ui.Clean(key))
	case opts.Force:
		fmt.Fprintf(ios.ErrOut, "tkauth: warning: revoking %s on Turnkey failed (%v); logging out here anyway (--force): the token works until it expires\n", ui.Clean(key), err)
	default:
		return fmt.Errorf("revoking %s on Turnkey failed, so it was not logged out here either (--force logs out here anyway): %w", ui.Clean(key), err)
	}
	return nil
}
