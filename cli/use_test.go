package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// requireTool skips without name, unless CI requires every real part.
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
			t.Fatalf("%s is not installed; .ci/run installs it", name)
		}
		t.Skipf("%s is not installed", name)
	}
}

// execs runs `tkauth exec` on c's store with the program's execve
// replaced by a recorder; it returns what would have run, and the result.
func (c *harness) execs(environ []string, key string, command ...string) (argv, env []string, r result) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	f := &Factory{IO: ios, Home: c.home, Keyring: "file"}
	opts := &ExecOptions{IO: ios, Open: f.Open, Servers: f.dialer(nil).Servers, Key: key, Command: command,
		Environ: func() []string { return environ },
		Exec:    func(_ string, a, e []string) error { argv, env = a, e; return nil }}
	err := execRun(context.Background(), opts)
	r = result{out: out.String(), errOut: errOut.String()}
	if err != nil {
		r.code = exitCode(err)
		r.errOut += "tkauth: " + err.Error() + "\n"
	}
	return argv, env, r
}

func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// exec hands the command the session's own key pair and IDs, and nothing
// of tkauth's beyond; the key signs stamps that verify as the session's.
func TestExec(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	s := c.state().Sessions["work"]
	argv, env, r := c.execs([]string{"PATH=/usr/bin:/bin", "API_PRIVATE_KEY=a-long-lived-key", "HOME=/home/x"}, "", "sh", "-c", "true")
	if r.code != 0 || len(argv) != 3 || argv[0] != "sh" {
		t.Fatalf("exit %d, argv %q: %s", r.code, argv, r.errOut)
	}
	m := envMap(env)
	for name, want := range map[string]string{
		"API_PUBLIC_KEY": s.PublicKey, "TURNKEY_API_PUBLIC_KEY": s.PublicKey, "ORGANIZATION_ID": "o", "TURNKEY_ORGANIZATION_ID": "o",
		"BASE_URL": srv.URL, "TURNKEY_BASE_URL": srv.URL, "TURNKEY_USER_ID": "u", "TKAUTH_SESSION": "work", "HOME": "/home/x",
	} {
		if m[name] != want {
			t.Errorf("%s = %q, want %q", name, m[name], want)
		}
	}
	if n := strings.Count(strings.Join(env, "\n"), "API_PRIVATE_KEY="); n != 2 {
		t.Errorf("%d API_PRIVATE_KEY variables (the long-lived one must be replaced)", n)
	}
	k, err := turnkey.KeyFromHex(m["API_PRIVATE_KEY"])
	if err != nil || k.PublicKey() != s.PublicKey || m["TURNKEY_API_PRIVATE_KEY"] != m["API_PRIVATE_KEY"] {
		t.Fatalf("the private key handed out is not the session's: %v", err)
	}
	// Signed by it, Turnkey accepts a request as the session.
	body := []byte(`{"organizationId":"o"}`)
	stamp, _ := turnkey.Stamp(k, body)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/public/v1/query/whoami", bytes.NewReader(body))
	req.Header.Set("X-Stamp", stamp)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("Turnkey refused the handed-out key: %v %v", err, res)
	}

	for _, tt := range []struct {
		name    string
		environ []string
		key     string
		command []string
		code    int
		says    string
	}{
		{"nested, another session", []string{"TKAUTH_SESSION=other", "PATH=/usr/bin:/bin"}, "work", []string{"true"}, ExitUsage, "this shell uses session other (TKAUTH_SESSION"},
		{"this shell's session, not stored", []string{"TKAUTH_SESSION=other", "PATH=/usr/bin:/bin"}, "", []string{"true"}, ExitNotFound, `"other"; `},
		{"this shell's session", []string{"TKAUTH_SESSION=work", "PATH=/usr/bin:/bin"}, "", []string{"true"}, 0, ""},
		{"nested, the same session", []string{"TKAUTH_SESSION=work", "PATH=/usr/bin:/bin"}, "work", []string{"true"}, 0, ""},
		{"not a command", []string{"PATH=/usr/bin:/bin"}, "", []string{"no-such-command-here"}, 127, "command not found"},
		{"an unknown session", []string{"PATH=/usr/bin:/bin"}, "wrok", []string{"true"}, ExitNotFound, `did you mean "work"?`},
	} {
		if _, _, r := c.execs(tt.environ, tt.key, tt.command...); r.code != tt.code || !strings.Contains(r.errOut, tt.says) {
			t.Errorf("%s: exit %d %q", tt.name, r.code, r.errOut)
		}
	}
	if _, _, r := c.execs([]string{"TKAUTH_SESSION=other", "PATH=/usr/bin:/bin"}, "work", "true"); r.code != ExitUsage {
		t.Errorf("nested: exit %d", r.code)
	}
	// An expired session is refused; one about to expire is warned of.
	// (Added, these record no API: they go to Turnkey's own.)
	t.Setenv(APIEnv, "")
	c.add("old", token(t, c.keyPair(), -time.Minute))
	if _, _, r := c.execs(nil, "old", "true"); r.code != ExitFailure || !strings.Contains(r.errOut, "an expired session cannot be refreshed; `tkauth login` makes a new one") || strings.Contains(r.errOut, "renews it") {
		t.Errorf("expired: exit %d %q", r.code, r.errOut)
	}
	c.add("soon", token(t, c.keyPair(), 30*time.Second))
	if _, _, r := c.execs([]string{"PATH=/usr/bin:/bin"}, "soon", "true"); r.code != 0 || !strings.Contains(r.errOut, "warning: session soon expires in") {
		t.Errorf("expiring soon: exit %d %q", r.code, r.errOut)
	}
	// A session whose key pair is gone cannot be used.
	c.add("nokey", token(t, c.keyPair(), time.Hour))
	os.Remove(filepath.Join(store.NewFileKeys(c.home).Dir(), c.state().Sessions["nokey"].PublicKey+".private"))
	if _, _, r := c.execs([]string{"PATH=/usr/bin:/bin"}, "nokey", "true"); r.code != ExitFailure || !strings.Contains(r.errOut, "cannot sign") {
		t.Errorf("no key pair: exit %d %q", r.code, r.errOut)
	}
	if r := c.run("", false, "exec", "work"); r.code != ExitUsage || !strings.Contains(r.errOut, "after --") {
		t.Errorf("no command: exit %d %q", r.code, r.errOut)
	}
	c.noSecrets()
}

// env's formats are read back by sh, fish, and a dotenv parser (Node's),
// to the same values; it will not print to a terminal unless --yes.
func TestEnvFormatsParse(t *testing.T) {
	withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	var want map[string]string
	if err := json.Unmarshal([]byte(c.ok("env", "--format", "json")), &want); err != nil || len(want) != 10 {
		t.Fatalf("json: %v, %d variables", err, len(want))
	}
	names := "API_PUBLIC_KEY API_PRIVATE_KEY BASE_URL ORGANIZATION_ID TURNKEY_API_PUBLIC_KEY TURNKEY_API_PRIVATE_KEY TURNKEY_BASE_URL TURNKEY_ORGANIZATION_ID TURNKEY_USER_ID TKAUTH_SESSION"
	file := filepath.Join(t.TempDir(), "vars")
	read := func(format string, shell ...string) map[string]string {
		t.Helper()
		os.WriteFile(file, []byte(c.ok("env", "--format", format)), 0o600)
		out, err := exec.Command(shell[0], shell[1:]...).Output()
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		got := map[string]string{}
		for i, v := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
			got[strings.Fields(names)[i]] = v
		}
		return got
	}
	printAll := func(ref string) string {
		var b strings.Builder
		for _, n := range strings.Fields(names) {
			b.WriteString(`printf '%s\0' "` + ref + n + `"; `)
		}
		return b.String()
	}
	for name, got := range map[string]map[string]string{
		"sh": read("sh", "sh", "-c", ". "+file+"; "+printAll("$")),
	} {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", name, k, got[k], v)
			}
		}
	}
	requireTool(t, "fish")
	fish := read("fish", "fish", "-c", "source "+file+"; for n in "+names+"; printf '%s\\0' $$n; end")
	requireTool(t, "node")
	dotenv := read("dotenv", "node", "-e", `const e = require("util").parseEnv(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write("`+names+`".split(" ").map(n => e[n]).join("\0") + "\0")`, file)
	for name, got := range map[string]map[string]string{"fish": fish, "dotenv": dotenv} {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", name, k, got[k], v)
			}
		}
	}
	if r := c.run("", true, "env"); r.code != ExitUsage || !strings.Contains(r.errOut, "prints a private key") {
		t.Errorf("env to a terminal: exit %d %q", r.code, r.errOut)
	}
}

// Values that quoting gets wrong (quotes, a backslash at the end, $ and
// backquotes) are read back exactly by sh and fish; dotenv refuses what
// its readers would read otherwise (python-dotenv takes \' as an escape,
// so a value ending in a backslash swallows what follows).
func TestEnvQuotesEveryValueExactly(t *testing.T) {
	c := newCLI(t)
	pub := c.keyPair()
	notarizer, _, _ := session.NewPrivateKey()
	const org = `o'1 "$HOME" ` + "`id`" + ` \`
	tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadWrite, UserID: `u\`, OrganizationID: org}, notarizer)
	if err != nil {
		t.Fatal(err)
	}
	c.add("odd", tok)
	file := filepath.Join(t.TempDir(), "vars")
	for format, reader := range map[string][]string{
		"sh":   {"sh", "-c", `. "$0"; printf '%s\0%s' "$ORGANIZATION_ID" "$TURNKEY_USER_ID"`, file},
		"fish": {"fish", "-c", `source $argv[1]; printf '%s\0%s' $ORGANIZATION_ID $TURNKEY_USER_ID`, file},
	} {
		if format == "fish" {
			requireTool(t, "fish")
		}
		os.WriteFile(file, []byte(c.ok("env", "--format", format)), 0o600)
		out, err := exec.Command(reader[0], reader[1:]...).Output()
		if err != nil || string(out) != org+"\x00u\\" {
			t.Errorf("%s read back %q (%v), want %q and %q", format, out, err, org, `u\`)
		}
	}
	if r := c.run("", false, "env", "--format", "dotenv"); r.code != ExitFailure || !strings.Contains(r.errOut, "ORGANIZATION_ID holds") {
		t.Errorf("dotenv of a quote: exit %d %q %q", r.code, r.out, r.errOut)
	}
	// A backslash alone, at the end: refused too.
	tok, _ = session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadWrite, UserID: "u", OrganizationID: `o\`}, notarizer)
	c.add("odd", tok)
	if r := c.run("", false, "env", "--format", "dotenv"); r.code != ExitFailure || !strings.Contains(r.errOut, `ORGANIZATION_ID holds '\\'`) {
		t.Errorf("dotenv of a backslash: exit %d %q %q", r.code, r.out, r.errOut)
	}
}

// stamp signs exactly the bytes it is given: Turnkey accepts the request.
func TestStamp(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	body := `{"organizationId":"o"}` + "\n"
	r := c.run(body, false, "stamp")
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.errOut)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/public/v1/query/whoami", strings.NewReader(body))
	req.Header.Set("X-Stamp", strings.TrimSpace(r.out))
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the stamp was refused: %v %v", err, res)
	}
	if pub, err := turnkeytest.VerifyStamp(strings.TrimSpace(r.out), []byte(body)); err != nil || pub != c.state().Sessions["work"].PublicKey {
		t.Errorf("VerifyStamp: %q, %v", pub, err)
	}
	if r := c.run("", true, "stamp"); r.code != ExitUsage {
		t.Errorf("stamp with a terminal for stdin: exit %d", r.code)
	}
}

// api calls Turnkey as the session, filling what the body lacks.
func TestAPI(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	var who map[string]string
	whoami := c.ok("api", "query/whoami")
	if err := json.Unmarshal([]byte(whoami), &who); err != nil || who["userId"] != "u" || who["organizationId"] != "o" {
		t.Errorf("whoami: %v %v", who, err)
	}
	if !strings.HasSuffix(whoami, "}\n") { // one newline, no blank line after
		t.Errorf("whoami's output ends %q", whoami[max(0, len(whoami)-8):])
	}
	var keys struct{ APIKeys []any }
	if err := json.Unmarshal([]byte(c.ok("api", "/public/v1/query/get_api_keys", "-f", "userId=u")), &keys); err != nil || len(keys.APIKeys) < 2 {
		t.Errorf("get_api_keys: %+v %v", keys, err)
	}
	// An activity gets its type and timestamp from the spec; the fake
	// checks both.
	pub := c.state().Sessions["work"].PublicKey
	out := c.ok("api", "submit/stamp_login", "-f", "parameters.publicKey="+pub, "-f", "parameters.expirationSeconds=60")
	if !strings.Contains(out, "ACTIVITY_STATUS_COMPLETED") {
		t.Errorf("stamp_login: %s", out)
	}
	bodies := srv.Bodies()
	last := bodies[len(bodies)-1]
	if !strings.Contains(last, `"type":"ACTIVITY_TYPE_STAMP_LOGIN"`) || !strings.Contains(last, `"timestampMs":"`) || !strings.Contains(last, `"organizationId":"o"`) {
		t.Errorf("the body sent: %s", last)
	}
	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"api", "query/whoamii"}, ExitUsage, "did you mean /public/v1/query/whoami?"},
		{[]string{"api", "query/nothing-like-it", "--force"}, ExitFailure, "no such endpoint"},
		{[]string{"api", "query/whoami", "-f", "novalue"}, ExitUsage, "want name=value"},
	} {
		if r := c.run("", false, tt.args...); r.code != tt.code || !strings.Contains(r.errOut, tt.says) {
			t.Errorf("%v: exit %d %q", tt.args, r.code, r.errOut)
		}
	}
	srv.DeleteKey(pub)
	if r := c.run("", false, "api", "query/whoami"); r.code != ExitFailure || !strings.Contains(r.errOut, "does not know the key that signed") {
		t.Errorf("a revoked session: exit %d %q", r.code, r.errOut)
	}
}

// current is for prompts: the key, a template, or nothing and exit 3; it
// asks no keyring (not even to choose one).
func TestCurrent(t *testing.T) {
	c := newCLI(t)
	if r := c.run("", false, "current"); r.code != ExitNotFound || r.out != "" || r.errOut != "" {
		t.Errorf("none: exit %d %q %q", r.code, r.out, r.errOut)
	}
	c.add("acme/admin", token(t, c.keyPair(), time.Hour))
	if out := c.ok("current"); out != "acme/admin\n" {
		t.Errorf("current: %q", out)
	}
	if out := c.ok("current", "--format", "{{.Key}} @ {{.Organization}} ({{.Expires}})"); !strings.HasPrefix(out, "acme/admin @ org-1 (expires in 59m") {
		t.Errorf("--format: %q", out)
	}
	if r := c.run("", false, "current", "--format", "{{.Nope}}"); r.code != ExitUsage {
		t.Errorf("a bad template: exit %d %q", r.code, r.errOut)
	}
	// With the system keyring asked for and no D-Bus, commands that open
	// key stores fail or warn; current does not look.
	var out, errOut bytes.Buffer
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	code := Run([]string{"--home", c.home, "--keyring", "auto", "current"}, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != 0 || out.String() != "acme/admin\n" || errOut.String() != "" {
		t.Errorf("current without a keyring: exit %d %q %q", code, out.String(), errOut.String())
	}
}

func TestSwitchBackPickAndRename(t *testing.T) {
	c := newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour))
	c.add("b", token(t, c.keyPair(), time.Hour))
	if out := c.ok("switch", "-"); out != "Active session: a\n" {
		t.Errorf("switch -: %q", out)
	}
	if out := c.ok("switch", "-"); out != "Active session: b\n" {
		t.Errorf("switch - again: %q", out)
	}
	if r := c.run("", false, "switch"); r.code != ExitUsage || !strings.Contains(r.errOut, "`tkauth switch KEY`") {
		t.Errorf("switch without a key, no terminal: exit %d %q", r.code, r.errOut)
	}
	// On a terminal, switch picks: here, the picker is told what to pick.
	var out bytes.Buffer
	f := &Factory{IO: &IOStreams{Out: &out, ErrOut: &out}, Home: c.home, Keyring: "file"}
	for pick, want := range map[string]string{"a": "Active session: a\n", "": ""} {
		out.Reset()
		opts := &SwitchOptions{IO: f.IO, Open: f.Open, Pick: func(context.Context, *session.State, time.Time, string) (string, error) { return pick, nil }}
		err := switchRun(context.Background(), opts)
		if out.String() != want || (pick == "" && err != errDeclined) {
			t.Errorf("picked %q: %q, %v", pick, out.String(), err)
		}
	}
	if out := c.ok("rename", "a", "alpha"); out != "Renamed a to alpha.\n" {
		t.Errorf("rename: %q", out)
	}
	if st := c.state(); st.Active != "alpha" || st.Previous != "b" {
		t.Errorf("after rename: active %q, previous %q", st.Active, st.Previous)
	}
	if r := c.run("", false, "rename", "alpha", "b"); r.code != ExitFailure || !strings.Contains(r.errOut, "already stored") {
		t.Errorf("rename onto b: exit %d %q", r.code, r.errOut)
	}
	if r := c.run("", false, "rename", "alpha"); r.code != ExitUsage {
		t.Errorf("rename with one key: exit %d", r.code)
	}
}

// current, which a prompt runs every time, reads the store as every other
// command does: a file they refuse (a session line twice, bytes after the
// object, a file cut after its first line) it refuses too, naming it,
// rather than answering from the part it could read.
func TestCurrentRefusesWhatEveryCommandRefuses(t *testing.T) {
	c := newCLI(t)
	c.add("acme/admin", token(t, c.keyPair(), time.Hour))
	c.add("b", token(t, c.keyPair(), time.Hour))
	c.ok("switch", "acme/admin")
	path := store.NewFile(c.home).Path()
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(good), "\n") // header, a session a line, ...
	for name, content := range map[string]string{
		"a session line twice":   strings.Join(append(lines[:2:2], lines[1:]...), "\n"),
		"bytes after the object": string(good) + `{"version":1}`,
		"cut after its header":   lines[0] + "\n" + lines[1] + "\n",
	} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"current", "list", "show"} {
			r := c.run("", false, cmd)
			if r.code != ExitFailure || strings.Contains(r.out, "acme/admin") || !strings.Contains(r.errOut, "session file is corrupt") || !strings.Contains(r.errOut, path) {
				t.Errorf("%s: %s: exit %d, %q, %q", name, cmd, r.code, r.out, r.errOut)
			}
		}
	}
}

// Session keys are compared in Unicode's NFC: a key typed decomposed is
// refused, saying how it reads composed, and a composed key beside a
// decomposed one an older tkauth stored looks the same, so is taken.
func TestKeysAreComparedInNFC(t *testing.T) {
	c := newCLI(t)
	tok := token(t, c.keyPair(), time.Hour)
	if r := c.run(tok, false, "add", "--session-key", "e\u0301quipe"); r.code == 0 || !strings.Contains(r.errOut, `composed form (NFC), in which it reads "\u00e9quipe"`) {
		t.Errorf("a decomposed key: exit %d %q", r.code, r.errOut)
	}
	err := store.NewFile(c.home).Update(context.Background(), func(st *session.State, commit session.Commit) error {
		st.Sessions["e\u0301quipe"] = &session.Session{Key: "e\u0301quipe", Token: "t", Claims: session.Claims{PublicKey: "02" + strings.Repeat("cd", 32)}}
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.run(tok, false, "add", "--session-key", "\u00e9quipe"); r.code == 0 || !strings.Contains(r.errOut, "looks the same as the stored") {
		t.Errorf("a composed key beside a decomposed one: exit %d %q", r.code, r.errOut)
	}
}

// switch to a session that cannot be used warns, as the TUI does, and
// switches all the same.
func TestSwitchWarnsOfAnUnusableSession(t *testing.T) {
	c := newCLI(t)
	c.add("old", token(t, c.keyPair(), -time.Minute))
	_, gone, _ := session.NewPrivateKey()
	c.add("nokey", token(t, gone, time.Hour))
	c.add("fine", token(t, c.keyPair(), time.Hour))
	for key, says := range map[string]string{
		"old":   "warning: session old is active, but it expired ",
		"nokey": "warning: session nokey is active, but its key pair is missing from its key store",
	} {
		r := c.run("", false, "switch", key)
		if r.code != 0 || r.out != "Active session: "+key+"\n" || !strings.Contains(r.errOut, says) {
			t.Errorf("switch %s: exit %d %q %q", key, r.code, r.out, r.errOut)
		}
	}
	if r := c.run("", false, "switch", "fine"); r.code != 0 || r.errOut != "" {
		t.Errorf("switch to a usable session: exit %d %q", r.code, r.errOut)
	}
}

// switch --unset makes no session active without logging one out, as
// kubectx -u does; switch - makes it active again.
func TestSwitchUnset(t *testing.T) {
	c := newCLI(t)
	c.add("a", token(t, c.keyPair(), time.Hour))
	if out := c.ok("switch", "--unset"); out != "No session is active now.\n" || c.state().Active != "" || c.state().Sessions["a"] == nil {
		t.Errorf("--unset: %q, active %q", out, c.state().Active)
	}
	if r := c.run("", false, "current"); r.code != ExitNotFound {
		t.Errorf("current after --unset: exit %d", r.code)
	}
	if out := c.ok("switch", "-"); out != "Active session: a\n" {
		t.Errorf("switch - after --unset: %q", out)
	}
	if r := c.run("", false, "switch", "a", "--unset"); r.code != ExitUsage {
		t.Errorf("KEY and --unset: exit %d", r.code)
	}
}

// TKAUTH_SESSION selects a session for one shell, as AWS_PROFILE does:
// every command that would use the active session uses it instead.
func TestASessionPerShell(t *testing.T) {
	withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "b")
	c.ok("login", "--org", "o", "--session-key", "a") // a is active
	b := c.state().Sessions["b"]
	t.Setenv(sessionEnv, "b")
	if out := c.ok("current"); out != "b\n" {
		t.Errorf("current: %q", out)
	}
	if out := c.ok("current", "--format", "{{.Key}} from {{.Source}}"); out != "b from TKAUTH_SESSION\n" {
		t.Errorf("current --format: %q", out)
	}
	if out := c.ok("status"); !strings.HasPrefix(out, "b: usable") {
		t.Errorf("status: %q", out)
	}
	if out := c.ok("show"); !strings.Contains(out, "Session       b\n") {
		t.Errorf("show: %q", out)
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(c.ok("env", "--format", "json")), &vars); err != nil || vars["TKAUTH_SESSION"] != "b" || vars["API_PUBLIC_KEY"] != b.PublicKey {
		t.Errorf("env: %v %v", vars, err)
	}
	body := `{"organizationId":"o"}`
	if pub, err := turnkeytest.VerifyStamp(strings.TrimSpace(c.run(body, false, "stamp").out), []byte(body)); err != nil || pub != b.PublicKey {
		t.Errorf("stamp signed by %q, %v; want b's key", pub, err)
	}
	if out := c.ok("api", "query/whoami"); !strings.Contains(out, `"organizationId": "o"`) {
		t.Errorf("api: %q", out)
	}
	if c.state().Active != "a" {
		t.Error("the active session changed")
	}
	// logout with no key logs out this shell's session, not the active one.
	c.ok("logout", "--yes")
	if st := c.state(); st.Sessions["b"] != nil || st.Sessions["a"] == nil {
		t.Errorf("logout: %v", st.Keys())
	}
	t.Setenv(sessionEnv, "gone")
	if r := c.run("", false, "current"); r.code != ExitNotFound || !strings.Contains(r.errOut, "TKAUTH_SESSION names it") {
		t.Errorf("a shell session that is not stored: exit %d %q", r.code, r.errOut)
	}
}

// Colour follows one rule: NO_COLOR never, CLICOLOR_FORCE always (even
// into a pipe), else a terminal that is not dumb.
func TestColourFollowsOneRule(t *testing.T) {
	withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	coloured := func(tty bool) bool {
		return strings.Contains(c.run("", tty, "api", "query/whoami").out, "\x1b[36m")
	}
	t.Setenv("TERM", "xterm")
	if coloured(false) || !coloured(true) {
		t.Error("by default, colour only on a terminal")
	}
	t.Setenv("CLICOLOR_FORCE", "1")
	if !coloured(false) {
		t.Error("CLICOLOR_FORCE into a pipe: no colour")
	}
	t.Setenv("NO_COLOR", "1")
	if coloured(true) || coloured(false) {
		t.Error("NO_COLOR: colour")
	}
}
