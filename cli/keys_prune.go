package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// KeysPruneOptions holds what `tkauth keys prune` needs.
type KeysPruneOptions struct {
	IO         *IOStreams
	Open       func(context.Context) (*Env, error)
	Yes        bool
	IncludeNew bool
}

func newCmdKeysPrune(f *Factory) *cobra.Command {
	opts := &KeysPruneOptions{IO: f.IO, Open: f.Open}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete the key pairs tkauth created that no session uses",
		Long: `prune deletes every key pair in tkauth's index that no stored session uses, as
Turnkey's clearUnusedKeyPairs does, and finishes deletions a crash interrupted.
It never touches a key store item tkauth did not create. On a terminal it asks
first unless --yes is given.

A new key pair that no session has used yet is kept for 10 minutes after its
creation: a login (in another terminal, a script) may be about to store a
session on it. --include-new deletes those too.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return keysPruneRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&opts.IncludeNew, "include-new", false, "also delete new key pairs no session has used yet")
	return cmd
}

func keysPruneRun(ctx context.Context, opts *KeysPruneOptions) error {
	ios := opts.IO
	env, st, err := openState(ctx, opts.Open)
	if err != nil {
		return err
	}
	unused, kept := session.PruneCandidates(st, env.Manager.Now(), opts.IncludeNew)
	keptNote := func() {
		if len(kept) > 0 {
			fmt.Fprintf(ios.Out, "Kept %s that no session has used yet: a login may be about to (--include-new deletes them too).\n", text.Plural(len(kept), "new key pair"))
		}
	}
	if len(unused) == 0 {
		fmt.Fprintln(ios.Out, "No unused key pairs to delete.")
		keptNote()
		return nil
	}
	if !opts.Yes && ios.CanPrompt() {
		if err := ios.ask(text.PruneQuestion(st, unused, kept)); err != nil {
			return err
		}
	}
	res, err := env.Manager.ClearUnusedKeyPairs(ctx, opts.IncludeNew)
	for _, pub := range res.Deleted {
		fmt.Fprintf(ios.Out, "Deleted key pair %s\n", pub)
	}
	kept = res.KeptNew
	keptNote()
	if res.Unrecorded != nil {
		opts.IO.warn("%v", res.Unrecorded)
	}
	if err != nil && len(res.Failed) > 0 {
		return fmt.Errorf("%s: %w", text.PruneFailed(len(res.Failed)), err)
	}
	return err
}
