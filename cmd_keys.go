package main

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
	"github.com/tkauth/tkauth/session"
)

// KeysOptions holds what the `tkauth keys` commands need.
type KeysOptions struct {
	Factory    *Factory
	JSON       bool
	Yes        bool
	IncludeNew bool
}

func newCmdKeys(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and prune tkauth's key pairs",
		Long: `A Turnkey session is bound to a P-256 key pair. tkauth keeps the private keys in
its key store and an index of the key pairs it created; it only ever deletes
those.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	create := &KeysOptions{Factory: f}
	createCmd := &cobra.Command{
		Use:   "create",
		Short: "Create a key pair and print its public key (for a Turnkey login)",
		Args:  usageArgs(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return keysCreateRun(cmd.Context(), create) },
	}
	list := &KeysOptions{Factory: f}
	listCmd := &cobra.Command{
		Use:   "list",
		Short: "List tkauth's key pairs, the sessions that use each, and whether each is in its key store",
		Args:  usageArgs(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return keysListRun(cmd.Context(), list) },
	}
	listCmd.Flags().BoolVar(&list.JSON, "json", false, "print a JSON array of key pairs")
	prune := &KeysOptions{Factory: f}
	pruneCmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete the key pairs tkauth created that no session uses",
		Long: `prune deletes every key pair in tkauth's index that no stored session uses, as
Turnkey's clearUnusedKeyPairs does, and finishes deletions a crash interrupted.
It never touches a key store item tkauth did not create. On a terminal it asks
first unless --yes is given.

A new key pair that no session has used yet is kept for 10 minutes after its
creation: a login (in another terminal, a script) may be about to store a
session on it. --include-new deletes those too.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return keysPruneRun(cmd.Context(), prune) },
	}
	pruneCmd.Flags().BoolVarP(&prune.Yes, "yes", "y", false, "do not ask for confirmation")
	pruneCmd.Flags().BoolVar(&prune.IncludeNew, "include-new", false, "also delete new key pairs no session has used yet")
	cmd.AddCommand(createCmd, listCmd, pruneCmd)
	return cmd
}

func keysCreateRun(ctx context.Context, opts *KeysOptions) error {
	env, err := opts.Factory.OpenPlain(ctx)
	if err != nil {
		return err
	}
	pub, err := env.Manager.CreateKeyPair(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Factory.IO.ErrOut, "Created a key pair in the %s key store; its public key:\n", env.KeyStore)
	fmt.Fprintln(opts.Factory.IO.Out, pub)
	return nil
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

func keysListRun(ctx context.Context, opts *KeysOptions) error {
	env, st, err := opts.Factory.OpenState(ctx)
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
	out := opts.Factory.IO.Out
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
	if opts.Factory.IO.IsTerminal {
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

func keysPruneRun(ctx context.Context, opts *KeysOptions) error {
	ios := opts.Factory.IO
	env, st, err := opts.Factory.OpenState(ctx)
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
		fmt.Fprintf(ios.ErrOut, "%d key pairs that tkauth created are used by no session:\n", len(unused))
		for _, pub := range unused {
			fmt.Fprintf(ios.ErrOut, "  %s (%s key store)\n", pub, st.KeyPairs[pub].KeyStore)
		}
		ok, err := ios.confirm("Delete them?")
		if err != nil {
			return err
		}
		if !ok {
			return errDeclined
		}
	}
	res, err := env.Manager.ClearUnusedKeyPairs(ctx, opts.IncludeNew)
	for _, pub := range res.Deleted {
		fmt.Fprintf(ios.Out, "Deleted key pair %s\n", pub)
	}
	kept = res.KeptNew
	keptNote()
	if err != nil {
		return fmt.Errorf("%d key pairs could not be deleted (they stay listed; prune again later): %w", len(res.Failed), err)
	}
	return nil
}
