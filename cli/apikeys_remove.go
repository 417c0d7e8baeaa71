package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// APIKeysRemoveOptions holds what `tkauth api-keys remove` needs.
type APIKeysRemoveOptions struct {
	IO      *IOStreams
	APIKeys func() (*store.APIKeys, error)
	Name    string
	Yes     bool
}

func newCmdAPIKeysRemove(f *Factory) *cobra.Command {
	opts := &APIKeysRemoveOptions{IO: f.IO, APIKeys: f.apiKeys}
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Delete an API key from the OS keyring",
		Long: `remove deletes the API key NAME from the keyring (tkauth's own item, no other
program's). Where it is registered on Turnkey it stays registered: delete
it there too if nothing else holds it. On a terminal it asks first unless --yes.`,
		Args: oneArg("the API key's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return apiKeysRemoveRun(cmd.Context(), opts)
		},
		ValidArgsFunction: f.completeKeptAPIKeyNames,
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func apiKeysRemoveRun(ctx context.Context, opts *APIKeysRemoveOptions) error {
	if err := store.CheckName(opts.Name); err != nil {
		return usageError{err}
	}
	ak, err := keyringAPIKeys(ctx, opts.APIKeys, "removing")
	if err != nil {
		return err
	}
	name := escape.Clean(opts.Name)
	if !opts.Yes && opts.IO.CanPrompt() {
		kept, err := ak.List(ctx)
		if err != nil {
			return err
		}
		pub, orgs := "?", []string(nil)
		for _, k := range kept {
			if k.Name == opts.Name {
				pub, orgs = session.Short(k.PublicKey), k.Organizations
			}
		}
		q := text.Question{Title: "Remove the API key " + name + " from the keyring?", Lines: []string{
			fmt.Sprintf("The API key %s (public key %s) is deleted from the keyring: unless you hold another copy, it is gone for good.", name, pub),
			onTurnkey(orgs) + ".",
		}}
		if err := opts.IO.ask(q); err != nil {
			return err
		}
	}
	gone, err := ak.Remove(ctx, opts.Name)
	if errors.Is(err, session.ErrKeyNotFound) {
		return fmt.Errorf("%w: tkauth keeps no API key named %s in the keyring (`tkauth api-keys list` shows those it keeps)", errNoAPIKey, name)
	}
	var left *store.LeftError
	switch {
	case errors.As(err, &left):
		return fmt.Errorf("%w; %s", err, leftRemedy(left))
	case err != nil:
		return fmt.Errorf("the API key %s is as it was: %w", name, err)
	case gone.Unlisted:
		fmt.Fprintf(opts.IO.Out, "Removed the keyring item of the API key %s that an earlier change left (tkauth listed no such key).\n", name)
	case errors.Is(gone.ItemLeft, session.ErrKeyNotFound):
		fmt.Fprintf(opts.IO.Out, "Removed the API key %s (public key %s) from tkauth's list; the keyring had no item for it.\n", name, session.Short(gone.PublicKey))
	case gone.ItemLeft != nil:
		fmt.Fprintf(opts.IO.Out, "Removed the API key %s (public key %s) from tkauth's list; its keyring item was left, for %v.\n", name, session.Short(gone.PublicKey), gone.ItemLeft)
	default:
		fmt.Fprintf(opts.IO.Out, "Removed the API key %s (public key %s) from the keyring; %s.\n", name, session.Short(gone.PublicKey), onTurnkey(gone.Organizations))
	}
	return nil
}

// onTurnkey says what removing a kept API key leaves on Turnkey: only
// where it logged in (orgs) does tkauth know it is registered.
func onTurnkey(orgs []string) string {
	if len(orgs) == 0 {
		return "tkauth never logged in with it, so cannot say whether it is registered on Turnkey; if it is, it stays registered there"
	}
	return "it stays registered on Turnkey, in organization " + escape.Join(orgs) + ", where it can still be deleted"
}
