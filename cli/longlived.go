package cli

import (
	"context"

	"github.com/tkauth/tkauth/turnkey"
)

// knownLongLived is the public keys of the user's long-lived API keys on
// this machine: those tkauth's keyring lists (api-keys.json; no keyring
// call), and those in the key files of Turnkey's CLIs. No revoke deletes
// one, and no session on one is added (session.WithLongLivedKeys).
func (f *Factory) knownLongLived(ctx context.Context) []string {
	var out []string
	if ak, err := f.apiKeys(); err == nil && ak != nil {
		if kept, err := ak.List(ctx); err == nil {
			for _, k := range kept {
				out = append(out, k.PublicKey)
			}
		}
	}
	out = append(out, turnkey.CLIPublicKeys()...)
	return append(out, turnkey.TVCPublicKeys()...)
}
