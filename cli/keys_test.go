package cli

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

func TestKeysCommands(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("keys", "list"); !strings.Contains(out, "no key pairs") {
		t.Errorf("empty keys list: %q", out)
	}
	used, spare := c.keyPair(), c.keyPair()
	c.add("a", token(t, used, time.Hour))
	var keys []jsonKeyPair
	json.Unmarshal([]byte(c.ok("keys", "list", "--json")), &keys)
	if len(keys) != 2 {
		t.Fatalf("%d key pairs", len(keys))
	}
	for _, k := range keys {
		wantUsers := []string{}
		if k.PublicKey == used {
			wantUsers = []string{"a"}
		}
		if !slices.Equal(k.UsedBy, wantUsers) || k.KeyStore != "file" || k.KeyPair != "present" || k.New != (k.PublicKey == spare) {
			t.Errorf("key pair %+v", k)
		}
	}
	// spare is new and unclaimed: a login may be about to use it.
	if out := c.ok("keys", "prune"); out != "No unused key pairs to delete.\nKept 1 new key pair that no session has used yet: a login may be about to (--include-new deletes them too).\n" || len(c.state().KeyPairs) != 2 {
		t.Errorf("prune of a new key pair: %q", out)
	}
	r := c.run("n\n", true, "keys", "prune", "--include-new")
	if r.code != ExitFailure || !strings.Contains(r.errOut, "Delete 1 unused key pair?") || !strings.Contains(r.errOut, session.Short(spare)) || len(c.state().KeyPairs) != 2 {
		t.Errorf("prune declined: %d %q", r.code, r.errOut)
	}
	if out := c.ok("keys", "prune", "--include-new"); out != "Deleted key pair "+spare+"\n" {
		t.Errorf("prune --include-new: %q", out)
	}
	if out := c.ok("keys", "prune"); out != "No unused key pairs to delete.\n" {
		t.Errorf("prune again: %q", out)
	}
	if r := c.run("", false, "keys", "bogus"); r.code != ExitUsage {
		t.Errorf("keys bogus: %d", r.code)
	}
	c.noSecrets()
}

// Without a keyring, the note that keys go to files is said where it
// matters: when a key pair is made, or the store holds key pairs kept in
// the keyring; never on every list, show, status and keys list. It says
// how to choose files for good.
func TestNoKeyringNoteOnlyWhereItMatters(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "") // no Secret Service
	c := newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour)) // made in files, --keyring file
	c.keyring = "auto"
	for _, args := range [][]string{{"list"}, {"show"}, {"status"}, {"keys", "list"}, {"current"}} {
		if r := c.run("", false, args...); strings.Contains(r.errOut, "no system keyring") {
			t.Errorf("%v, key pairs in files only: %q", args, r.errOut)
		}
	}
	r := c.run("", false, "keys", "create")
	if r.code != 0 || !strings.Contains(r.errOut, "no system keyring") || !strings.Contains(r.errOut, "set TKAUTH_KEYRING=file (or give --keyring file)") {
		t.Errorf("keys create with no keyring: exit %d %q", r.code, r.errOut)
	}

	// A key pair kept in the keyring, out of reach now: said.
	err := store.NewFile(c.home).Update(context.Background(), func(st *session.State, commit session.Commit) error {
		for pub, kp := range st.KeyPairs {
			kp.KeyStore = "system"
			st.KeyPairs[pub] = kp
			break
		}
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.run("", false, "list"); !strings.Contains(r.errOut, "no system keyring") {
		t.Errorf("list with a key pair in the keyring out of reach: %q", r.errOut)
	}
}
