package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

// KeysListOptions holds what `tkauth keys list` needs.
type KeysListOptions struct {
	IO   *IOStreams
	Open func(context.Context) (*Env, error)
	JSON jsonOutput
}

func newCmdKeysList(f *Factory) *cobra.Command {
	opts := &KeysListOptions{IO: f.IO, Open: f.Open}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List tkauth's key pairs, the sessions that use each, and whether each is in its key store",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return keysListRun(cmd.Context(), opts)
		},
	}
	opts.JSON.addFlags(cmd, "print a JSON array of key pairs", jsonKeyPair{})
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
	if opts.JSON.on() {
		if list == nil {
			list = []jsonKeyPair{}
		}
		return opts.JSON.write(out, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(out, "tkauth has created no key pairs here. `tkauth keys create` makes one.")
		return nil
	}
	var rows [][]string
	if opts.IO.IsTerminal {
		rows = append(rows, []string{"PUBLIC KEY", "KEY STORE", "CREATED", "KEY PAIR", "USED BY"})
	}
	for _, k := range list {
		used := escape.Clean(strings.Join(k.UsedBy, ", "))
		if used == "" {
			used = "unused"
			if k.New {
				used = "new, not used yet"
			}
		}
		if k.Deleting {
			used += " (deletion interrupted: prune finishes it)"
		}
		rows = append(rows, []string{k.PublicKey, k.KeyStore, k.CreatedAt.UTC().Format(time.DateTime), k.KeyPair, used})
	}
	// On a terminal too narrow for them, public keys show as their ends
	// (as elsewhere: 02abcdef…1234), then when they were made and where
	// go, then what uses them is cut.
	if w := opts.IO.Width; opts.IO.IsTerminal && w > 0 && lineWidth(rows) > w {
		for _, cells := range rows[1:] {
			cells[0] = session.Short(cells[0])
		}
		rows = dropColumns(rows, w, "CREATED", "KEY STORE")
		rows = cutColumn(rows, len(rows[0])-1, lineWidth(rows)-w)
	}
	writeColumns(out, rows)
	return nil
}
