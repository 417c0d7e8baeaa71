package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// signWith is --api-key and --api-key-file on a command that signs for a
// stored session: the user's long-lived key signs instead of the
// session's own, which a session's scope may not allow to.
type signWith struct {
	Name, File string
	Load       apiKeyLoader
	flags      *pflag.FlagSet
}

// Use says whether either flag was given.
func (o *signWith) Use() bool {
	return o.File != "" || o.flags != nil && o.flags.Changed("api-key")
}

// addFlags adds the two flags to cmd; what says what they sign.
func (o *signWith) addFlags(cmd *cobra.Command, f *Factory, what string) {
	o.Load = f.loadAPIKey
	cmd.Flags().StringVar(&o.Name, "api-key", turnkey.DefaultKeyName, "sign "+what+" with this long-lived API key (tkauth's keyring, else Turnkey's CLI key directory) instead of the session's key")
	cmd.Flags().StringVar(&o.File, "api-key-file", "", "sign "+what+" with the long-lived API key in this file (tkcli's format) instead of the session's key")
	cmd.MarkFlagsMutuallyExclusive("api-key", "api-key-file")
	cmd.RegisterFlagCompletionFunc("api-key", f.completeAPIKeyNames)
	o.flags = cmd.Flags()
}

// signer is the long-lived key when asked for, else nil: the session's own.
func (o *signWith) signer(ctx context.Context) (session.Signer, error) {
	if !o.Use() {
		return nil, nil
	}
	return o.Load(ctx, o.Name, o.File)
}
