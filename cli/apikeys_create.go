package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
)

// APIKeysCreateOptions holds what `tkauth api-keys create` needs.
type APIKeysCreateOptions struct {
	IO      *IOStreams
	APIKeys func() (*store.APIKeys, error)
	Name    string
	Curve   string
}

func newCmdAPIKeysCreate(f *Factory) *cobra.Command {
	opts := &APIKeysCreateOptions{IO: f.IO, APIKeys: f.apiKeys}
	cmd := &cobra.Command{
		Use:   "create NAME [--curve p256|secp256k1|ed25519]",
		Short: "Make a new API key in the OS keyring and print its public key",
		Long: `create makes a new long-lived API key straight in the OS keyring, never in a
file, and prints its public key: register it in Turnkey's dashboard (or with
an API key that may), then use it by name (--api-key NAME).`,
		Args: oneArg("the new API key's name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			switch opts.Curve {
			case turnkey.CurveP256, turnkey.CurveSecp256k1, turnkey.CurveEd25519:
			default:
				return usageError{fmt.Errorf("--curve is p256, secp256k1 or ed25519, not %q", opts.Curve)}
			}
			return apiKeysCreateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Curve, "curve", turnkey.CurveP256, "p256, secp256k1 or ed25519")
	cmd.RegisterFlagCompletionFunc("curve", cobra.FixedCompletions([]string{turnkey.CurveP256, turnkey.CurveSecp256k1, turnkey.CurveEd25519}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func apiKeysCreateRun(ctx context.Context, opts *APIKeysCreateOptions) error {
	if err := store.CheckName(opts.Name); err != nil {
		return usageError{err}
	}
	ak, err := keyringAPIKeys(ctx, opts.APIKeys, "creating a key")
	if err != nil {
		return err
	}
	k, secret, err := turnkey.NewKey(opts.Curve)
	if err != nil {
		return err
	}
	info := store.APIKeyInfo{Name: opts.Name, PublicKey: k.PublicKey(), Curve: opts.Curve, Added: time.Now().UTC()}
	if err := ak.Add(ctx, info, secret); err != nil {
		var left *store.LeftError
		if errors.As(err, &left) {
			return fmt.Errorf("the API key %s was not created: %w; %s", escape.Clean(opts.Name), err, leftRemedy(left))
		}
		return fmt.Errorf("no key was created: %w", err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Created the API key %s (%s) in the system keyring; register its public key on Turnkey (dashboard, API keys):\n", escape.Clean(opts.Name), opts.Curve)
	fmt.Fprintln(opts.IO.Out, info.PublicKey)
	return nil
}
