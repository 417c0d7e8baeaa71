package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/text"
)

// KeysListOptions holds what `tkauth keys list` needs.
type KeysListOptions struct {
	IO   *IOStreams
	Open func(context.Context) (*Env, error)
	JSON bool
}

func newCmdKeysList(f *Factory) *cobra.Command {
	opts := &KeysListOptions{IO: f.IO, Open: f.OpenPlain}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List tkauth's key pairs, the sessions that use each, and whether each is in its key store",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return keysListRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array of key pairs")
	return cmd
}

// jsonKeyPair is a key pair in `keys list --json` (schema in the README).
type jsonKeyPair struct {
	PublicKey string    `json:"publicKey"`
	KeyStore  string    `json:"keyStore"`
	CreatedAt time.Time `json:"createdAt"`
	UsedBy    []string  `json:"usedBy"`
	KeyPair   string    `json:"keyPair"`
	Deleting  bool      `json:"deleting,omitempty"`
	New       bool      `json:"new,omitempty"`
}

func keysListRun(ctx context.Context, opts *KeysListOptions) error {
	env, st, err := openState(ctx, opts.Open)
	if err != nil {
		return err
	}
	presence := env.Manager.KeyPairPresence(ctx, st)
	var list []jsonKeyPair
	for _, pub := range slices.Sorted(maps.Keys(st.KeyPairs)) {
		kp := st.KeyPairs[pub]
		users := st.UsersOf(pub)
		if users == nil {
			users = []string{}
		}
		list = append(list, jsonKeyPair{PublicKey: pub, KeyStore: kp.KeyStore, CreatedAt: kp.CreatedAt, UsedBy: users, KeyPair: string(presence[pub]), Deleting: kp.Deleting, New: kp.Unclaimed})
	}
	out := opts.IO.Out
	if opts.JSON {
		if list == nil {
			list = []jsonKeyPair{}
		}
		return writeJSON(out, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(out, "tkauth has created no key pairs here. `tkauth keys create` makes one.")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	if opts.IO.IsTerminal {
		fmt.Fprintln(tw, "PUBLIC KEY\tKEY STORE\tCREATED\tKEY PAIR\tUSED BY")
	}
	for _, k := range list {
		used := text.Clean(strings.Join(k.UsedBy, ", "))
		if used == "" {
			used = "unused"
			if k.New {
				used = "new, not used yet"
			}
		}
		if k.Deleting {
			used += " (deletion interrupted: prune finishes it)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.PublicKey, k.KeyStore, k.CreatedAt.UTC().Format(time.DateTime), k.KeyPair, used)
	}
	return tw.Flush()
}
