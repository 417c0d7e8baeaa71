package e2e

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/cli"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// TestScenarioThroughTheBinary drives the built binary through a day's
// work, checking the store and the key store (the real keyring when one
// runs, always under CI) after each step.
func TestScenarioThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ctx := context.Background()
	bin, dir := buildTkauth(t), t.TempDir()
	keys, service := e2eKeyStore(t, dir)
	env := append(os.Environ(), "TKAUTH_HOME="+dir, "TKAUTH_KEYRING="+keys.Name(), "TKAUTH_KEYRING_SERVICE="+service)

	tkauth := func(wantCode int, stdin string, args ...string) string {
		t.Helper()
		r := runBin(t, bin, env, stdin, args...)
		if r.code != wantCode {
			t.Fatalf("tkauth %s: exit %d, want %d\n%s%s", strings.Join(args, " "), r.code, wantCode, r.out, r.errOut)
		}
		return r.out
	}
	// check asserts the stored sessions, the active one, and which key
	// pairs are in tkauth's index and in the key store.
	check := func(step string, sessions []string, active string, present, absent []string) {
		t.Helper()
		st, err := store.NewFile(dir).Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range st.List() {
			got = append(got, s.Key)
		}
		if !slices.Equal(got, sessions) || st.Active != active {
			t.Errorf("%s: sessions %q active %q; want %q active %q", step, got, st.Active, sessions, active)
		}
		for _, pub := range present {
			has, err := keys.Has(ctx, pub)
			if _, ok := st.KeyPairs[pub]; !ok || !has || err != nil {
				t.Errorf("%s: key pair %s should be indexed and in the %s key store (%v)", step, session.Short(pub), keys.Name(), err)
			}
		}
		for _, pub := range absent {
			has, err := keys.Has(ctx, pub)
			if _, ok := st.KeyPairs[pub]; ok || has || err != nil {
				t.Errorf("%s: key pair %s should be gone (%v)", step, session.Short(pub), err)
			}
		}
	}

	shared := strings.TrimSpace(tkauth(0, "", "keys", "create"))
	solo := strings.TrimSpace(tkauth(0, "", "keys", "create"))
	spare := strings.TrimSpace(tkauth(0, "", "keys", "create"))
	check("keys create", nil, "", []string{shared, solo, spare}, nil)

	tkauth(0, token(t, shared, time.Hour), "add", "--session-key", "org-a/admin")
	tkauth(0, token(t, shared, time.Hour), "add", "--session-key", "org-a/viewer")
	tkauth(0, token(t, solo, time.Hour), "add", "--session-key", "org-b/ops")
	check("add three", []string{"org-a/admin", "org-a/viewer", "org-b/ops"}, "org-b/ops", []string{shared, solo, spare}, nil)

	var list []listedSession
	if err := json.Unmarshal([]byte(tkauth(0, "", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || !list[2].Active || list[0].KeyPair != "present" {
		t.Errorf("list --json: %+v", list)
	}

	tkauth(0, "", "switch", "org-a/admin")
	check("switch", []string{"org-a/admin", "org-a/viewer", "org-b/ops"}, "org-a/admin", []string{shared, solo}, nil)

	if out := tkauth(0, "", "logout", "org-b/ops"); !strings.Contains(out, "1 key pair deleted") {
		t.Errorf("logout org-b/ops: %q", out)
	}
	check("logout with a key", []string{"org-a/admin", "org-a/viewer"}, "org-a/admin", []string{shared}, []string{solo})

	if out := tkauth(0, "", "logout"); !strings.Contains(out, "key pair kept: used by org-a/viewer") {
		t.Errorf("logout of the active session: %q", out)
	}
	check("logout without a key", []string{"org-a/viewer"}, "", []string{shared}, nil)

	tkauth(cli.ExitNotFound, "", "logout")
	check("logout with no active session", []string{"org-a/viewer"}, "", []string{shared}, nil)

	// spare is new: prune keeps it for the login it may be made for.
	tkauth(0, "", "keys", "prune")
	check("prune", []string{"org-a/viewer"}, "", []string{shared, spare}, nil)
	if out := tkauth(0, "", "keys", "prune", "--include-new"); out != "Deleted key pair "+spare+"\n" {
		t.Errorf("prune --include-new: %q", out)
	}
	check("prune", []string{"org-a/viewer"}, "", []string{shared}, []string{spare})

	tkauth(cli.ExitUsage, "", "logout", "--all")
	tkauth(0, "", "logout", "--all", "--yes")
	check("logout --all", nil, "", nil, []string{shared, solo, spare})
}
