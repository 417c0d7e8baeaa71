package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With what demo --api writes in its store (env.sh), another shell logs in
// by email code at the stand-in, and every sample's requests go there,
// the expired one's included: nothing reaches Turnkey.
func TestAnotherShellUsesTheDemoAPI(t *testing.T) {
	needTmux(t)
	tmp := t.TempDir()
	bin := buildTkauth(t)
	x := tmux{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	x.run("new-session", "-d", "-s", "tk", "-x", "80", "-y", "24", fmt.Sprintf("exec env TMPDIR=%q %q demo --api", tmp, bin))
	t.Cleanup(x.kill)
	x.waitFor("acme/admin")
	dirs, _ := filepath.Glob(filepath.Join(tmp, "tkauth-demo-*"))
	if len(dirs) != 1 {
		t.Fatalf("demo stores: %v", dirs)
	}
	b, err := os.ReadFile(filepath.Join(dirs[0], "env.sh"))
	if err != nil {
		t.Fatal(err)
	}
	env := os.Environ()
	for _, line := range strings.Split(string(b), "\n") {
		if kv, ok := strings.CutPrefix(line, "export "); ok {
			name, v, _ := strings.Cut(kv, "=")
			env = append(env, name+"="+strings.Trim(v, "'"))
		}
	}
	r := runBin(t, bin, env, "000000\n", "login", "--email", "user@example.com")
	if r.code != 0 || !strings.Contains(r.out, "Logged in to organization Acme app user") {
		t.Fatalf("login --email from another shell: exit %d %q %q", r.code, r.out, r.errOut)
	}
	// A refresh from there keeps the session test-signed, not unverified.
	if r := runBin(t, bin, env, "", "refresh", "acme/admin"); r.code != 0 {
		t.Errorf("refresh from another shell: exit %d %q", r.code, r.errOut)
	}
	if r := runBin(t, bin, env, "", "show", "acme/admin"); !strings.Contains(r.out, "test-signed") || strings.Contains(r.out, "unverified") {
		t.Errorf("show after a refresh from another shell: %q", r.out)
	}
	for _, key := range []string{"globex/ci", "acme/viewer", "initech/dev"} {
		r := runBin(t, bin, env, "", "status", "--check", key)
		if strings.Contains(r.out+r.errOut, "api.turnkey.com") || !strings.Contains(r.out+r.errOut, "127.0.0.1") {
			t.Errorf("status --check %s from another shell: exit %d %q %q", key, r.code, r.out, r.errOut)
		}
	}
}
