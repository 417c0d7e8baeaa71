package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// SwitchOptions holds what `tkauth switch` needs.
type SwitchOptions struct {
	Factory *Factory
	Key     string
}

func newCmdSwitch(f *Factory, runF func(context.Context, *SwitchOptions) error) *cobra.Command {
	opts := &SwitchOptions{Factory: f}
	return &cobra.Command{
		Use:   "switch KEY",
		Short: "Make the session stored under KEY the active one",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return switchRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f),
	}
}

func switchRun(ctx context.Context, opts *SwitchOptions) error {
	env, err := opts.Factory.OpenPlain(ctx)
	if err != nil {
		return err
	}
	if err := env.Manager.SetActive(ctx, opts.Key); err != nil {
		return withHint(err, "switch")
	}
	fmt.Fprintf(opts.Factory.IO.Out, "Active session: %s\n", text.Clean(opts.Key))
	return nil
}

// keyOrActive is key if it is stored, or the active session's key when
// key is empty; the errors say the way out for command.
func keyOrActive(st *session.State, key, command string) (string, error) {
	keys, err := session.Targets(st, session.Pick{Key: key}, time.Time{})
	if err != nil {
		return "", withHint(err, command)
	}
	return keys[0], nil
}

// withHint adds the way out to the errors a person can fix, for command.
func withHint(err error, command string) error {
	switch {
	case errors.Is(err, session.ErrNoActiveSession):
		return fmt.Errorf("%w: name one (`tkauth %s KEY`), or choose one with `tkauth switch KEY`", err, command)
	case errors.Is(err, session.ErrNotFound):
		return fmt.Errorf("%w; `tkauth list` shows the stored session keys", err)
	}
	return err
}

// completeSessionKeys completes a session key argument from the store.
func completeSessionKeys(f *Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		env, err := f.Open(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		st, err := env.Manager.State(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var keys []string
		for _, s := range st.List() {
			keys = append(keys, s.Key)
		}
		return keys, cobra.ShellCompDirectiveNoFileComp
	}
}
