package cli

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/store"
)

func newCmdAPIKeys(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "api-keys",
		Short: "Keep your long-lived Turnkey API keys in the OS keyring, not in plain files",
		Long: `A long-lived Turnkey API key never expires: it is the key that matters most.
Turnkey's CLI keeps it in a plain file (~/.config/turnkey/keys/NAME.private).
api-keys moves it into the OS keyring (import), makes new ones there (create),
lists them and removes them. Everywhere an API key is named (--api-key NAME:
login, logout --revoke, remote, exec --login), the keyring is looked at first,
then Turnkey's CLI key directory.

The keyring items are tkauth's own (service tkauth-api-key, user the key's
name and the store's id, NAME/ID, nothing else), never another program's:
each store (TKAUTH_HOME) has its own, and a key is used only if its item
holds the public key that the store's api-keys.json lists. On a machine with no keyring
there is nothing to gain: the key would sit in a plain file either way.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdAPIKeysImport(f), newCmdAPIKeysCreate(f), newCmdAPIKeysList(f), newCmdAPIKeysRemove(f))
	return cmd
}

// keyringAPIKeys is the keyring's API key store, or an error saying that
// this machine has no keyring for it, and so nothing to gain.
func keyringAPIKeys(ctx context.Context, open func() (*store.APIKeys, error), what string) (*store.APIKeys, error) {
	ak, err := open()
	if err != nil {
		return nil, err
	}
	why := "--keyring file, or no D-Bus session bus"
	if ak != nil {
		if err := ak.Probe(ctx); err == nil {
			return ak, nil
		} else {
			why = err.Error()
		}
	}
	return nil, fmt.Errorf("%w (%s): %s would keep the key in a plain file, as it is now, so it gains nothing here; nothing was changed", store.ErrNoKeyring, why, what)
}

var errNoAPIKey = errors.New("no such API key")

// leftRemedy says how to delete the keyring item a failed change left.
func leftRemedy(e *store.LeftError) string {
	if name, _, ok := strings.Cut(e.Account, "/"); ok {
		return fmt.Sprintf("`tkauth api-keys remove %s` deletes it", escape.Clean(name))
	}
	if runtime.GOOS == "darwin" {
		return fmt.Sprintf("`security delete-generic-password -s %s -a %s` deletes it", escape.Clean(shellQuote(e.Service)), escape.Clean(shellQuote(e.Account)))
	}
	return fmt.Sprintf("`secret-tool clear service %s username %s` deletes it (and any other program's item with those attributes)", escape.Clean(shellQuote(e.Service)), escape.Clean(shellQuote(e.Account)))
}
