package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// KeysCreateOptions holds what `tkauth keys create` needs.
type KeysCreateOptions struct {
	IO   *IOStreams
	Open func(context.Context) (*Env, error)
}

func newCmdKeysCreate(f *Factory) *cobra.Command {
	opts := &KeysCreateOptions{IO: f.IO, Open: f.OpenForNewKeys}
	return &cobra.Command{
		Use:   "create",
		Short: "Create a key pair and print its public key (for a Turnkey login)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return keysCreateRun(cmd.Context(), opts)
		},
	}
}

func keysCreateRun(ctx context.Context, opts *KeysCreateOptions) error {
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	pub, err := env.Manager.CreateKeyPair(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Created a key pair in the %s key store; its public key:\n", env.KeyStore)
	if _, err := fmt.Fprintln(opts.IO.Out, pub); err != nil {
		// Nobody learnt its public key: nothing can use it.
		if derr := env.Manager.DeleteKeyPair(ctx, pub); derr != nil {
			return fmt.Errorf("printing the public key: %w; the new key pair %s could not be deleted either (%v): `tkauth keys prune --include-new` deletes it", err, pub, derr)
		}
		return fmt.Errorf("printing the public key: %w; the new key pair was deleted", err)
	}
	return nil
}
