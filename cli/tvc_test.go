package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// withTVC gives tvc two profiles of user u in o: prod, named in
// tvc.config.toml with its key elsewhere, and dev, only in the default
// place (orgs/dev/api_key.json). It returns their public keys.
func withTVC(t *testing.T, srv *turnkeytest.Server) (prod, dev string) {
	t.Helper()
	dir := filepath.Join(os.Getenv("HOME"), ".config", "turnkey")
	write := func(path, content string) {
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	keyJSON := func() (string, string) {
		k, private := srv.NewAPIKeyFile("o", "u", "p256")
		priv, _, _ := strings.Cut(private, ":")
		return k.PublicKey(), `{"public_key": "` + k.PublicKey() + `", "private_key": "` + priv + `", "curve": "p256"}`
	}
	prod, prodJSON := keyJSON()
	dev, devJSON := keyJSON()
	elsewhere := filepath.Join(t.TempDir(), "prod.json")
	write(elsewhere, prodJSON)
	write(filepath.Join(dir, "orgs", "dev", "api_key.json"), devJSON)
	write(filepath.Join(dir, "tvc.config.toml"), `version = 1
active_org = "prod"

[orgs.prod]
id = "o"
api_key_path = "`+elsewhere+`"
api_base_url = "https://api.turnkey.com"
default_operator_kind = "local"
`)
	return prod, dev
}

// --api-key ALIAS finds tvc's profile as it finds tkcli's keys, whether
// tvc.config.toml names its key file or it sits in the default place; a
// session on a tvc key is refused at add.
func TestTVCProfiles(t *testing.T) {
	srv, _ := withAPI(t)
	prod, dev := withTVC(t, srv)
	c := newCLI(t)
	for alias, pub := range map[string]string{"prod": prod, "dev": dev} {
		r := c.run("", false, "login", "--org", "o", "--api-key", alias, "--session-key", alias)
		if r.code != ExitOK {
			t.Fatalf("%s: exit %d\n%s%s", alias, r.code, r.out, r.errOut)
		}
		if s := c.state().Sessions[alias]; s == nil || s.UserID != "u" {
			t.Errorf("%s: stored %+v", alias, s)
		}
		if r := c.run(sessionOn(t, srv, pub), false, "add", "--session-key", "handed-"+alias); r.code == ExitOK || !strings.Contains(r.errOut, "long-lived API keys") {
			t.Errorf("a session on tvc's %s key: exit %d\n%s", alias, r.code, r.errOut)
		}
	}
	if r := c.run("", false, "login", "--org", "o", "--api-key", "nope"); r.code == ExitOK {
		t.Errorf("an alias tvc does not have: exit %d", r.code)
	}
}

// api-keys import ALIAS imports tvc's profile's key into the keyring.
func TestTVCImport(t *testing.T) {
	srv, _ := withAPI(t)
	prod, _ := withTVC(t, srv)
	c, _ := keyringCLI(t)
	out := c.ok("api-keys", "import", "prod")
	if !strings.Contains(out, "Imported the API key prod") {
		t.Fatalf("import: %q", out)
	}
	jsonOut := c.ok("api-keys", "list", "--json")
	if !strings.Contains(jsonOut, prod) || !strings.Contains(jsonOut, `"o"`) {
		t.Errorf("list: %s", jsonOut)
	}
}
