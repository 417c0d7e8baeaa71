package cli

import (
	"os"
	"strings"
	"testing"
)

func TestLoginCommand(t *testing.T) {
	srv, keyFile := withAPI(t)
	c := newCLI(t)
	for _, args := range [][]string{
		{"login", "--org", "o", "--session-key", "work", "--expires", "600"},
		{"login", "--org", "o", "--session-key", "ci", "--api-key-file", keyFile},
	} {
		out := c.ok(args...)
		key := args[4]
		if !strings.HasPrefix(out, "Logged in to organization o at "+os.Getenv(APIEnv)+" as user u: session "+key+" (now active), read-write, expires in ") {
			t.Errorf("%v: %q", args, out)
		}
		st := c.state()
		s := st.Sessions[key]
		if s == nil || st.Active != key || !srv.HasKey(s.PublicKey) {
			t.Fatalf("%v: not stored, active and known to Turnkey", args)
		}
		if has, _ := c.keysHave(s.PublicKey); !has {
			t.Errorf("%v: key pair not in the key store", args)
		}
	}

	before := c.snapshot()
	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"login", "--org", "elsewhere"}, ExitFailure, "check the organization ID"},
		{[]string{"login"}, ExitUsage, "--org is required"},
		{[]string{"login", "--org", "o", "--api-key", "nope"}, ExitFailure, "no API key at"},
	} {
		r := c.run("", false, tt.args...)
		if r.code != tt.code || !strings.Contains(r.errOut, tt.says) {
			t.Errorf("%v: exit %d, %q; want %d saying %q", tt.args, r.code, r.errOut, tt.code, tt.says)
		}
		if c.snapshot() != before {
			t.Errorf("%v: a failed login changed the store", tt.args)
		}
	}
	c.noSecrets()
}
