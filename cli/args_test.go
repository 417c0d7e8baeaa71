package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// Every argument mistake is a usage error (exit 2) that says, in words,
// what to pass; a mistyped command gets the nearest ones.
func TestArgumentErrorsSayWhatToPass(t *testing.T) {
	tests := []struct {
		args []string
		says string
	}{
		{[]string{"lsit"}, `unknown command "lsit" for ` + "`tkauth`" + `; did you mean list?`},
		{[]string{"stauts"}, "did you mean status?"},
		{[]string{"lgout"}, "did you mean logout?"},
		{[]string{"keys", "creat"}, `unknown command "creat" for ` + "`tkauth keys`" + `; did you mean create?`},
		{[]string{"keys", "prnue"}, "did you mean prune?"},
		{[]string{"frobnicate"}, "`tkauth --help` lists the commands"},
		{[]string{"list", "x"}, "`tkauth list` takes no arguments, but was given \"x\""},
		{[]string{"version", "a", "b"}, "`tkauth version` takes no arguments, but was given \"a\" \"b\""},
		{[]string{"logout", "a", "b"}, "`tkauth logout` takes at most one session key (the session to log out; without one, the active one), but was given 2: \"a\" \"b\""},
		{[]string{"show", "a", "b"}, "takes at most one session key (the session to show"},
		{[]string{"refresh", "a", "b"}, "takes at most one session key (the session to refresh"},
		{[]string{"status", "a", "b"}, "takes at most one session key (the session to check"},
		{[]string{"env", "a", "b"}, "takes at most one session key (the session whose variables to print"},
		{[]string{"stamp", "a", "b"}, "takes at most one session key (the session whose key pair signs"},
		{[]string{"switch", "a", "b"}, "`tkauth switch` takes one session key (or - for the previous one), but was given 2"},
		{[]string{"switch"}, "switch needs the session to make active: `tkauth switch KEY`"},
		{[]string{"rename", "a"}, "rename takes the session's key and its new one: `tkauth rename OLD NEW`"},
		{[]string{"exec", "a", "b", "--", "true"}, "`tkauth exec` takes at most one session key before --, but was given 2: \"a\" \"b\""},
		{[]string{"exec", "a"}, "exec needs the command to run after --"},
		{[]string{"api"}, "api takes a path"},
		{[]string{"completion", "tcsh"}, `tkauth has no completion for "tcsh"; it has bash, fish, powershell, zsh`},
		// Control characters in what was typed show as escapes.
		{[]string{"list", "a\x1b[2Jb"}, `"a\x1b[2Jb"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := tkauth(t, append([]string{"--home", t.TempDir(), "--keyring", "file"}, tt.args...)...)
			if code != ExitUsage || !strings.Contains(errOut, tt.says) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d saying %q", code, out, errOut, ExitUsage, tt.says)
			}
			if strings.Contains(errOut, "arg(s)") || strings.ContainsRune(errOut, '\x1b') {
				t.Errorf("cobra's wording or a raw escape reached the user: %q", errOut)
			}
		})
	}
}

func TestVersionFlag(t *testing.T) {
	code, out, _ := tkauth(t, "--version")
	_, want, _ := tkauth(t, "version")
	if code != 0 || out != want || !strings.HasPrefix(out, "tkauth ") {
		t.Errorf("--version: exit %d, %q; version says %q", code, out, want)
	}
}

func TestCompletionForKnownShells(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		if code, out, errOut := tkauth(t, "completion", sh); code != 0 || len(out) < 100 {
			t.Errorf("completion %s: exit %d, %d bytes, %s", sh, code, len(out), errOut)
		}
	}
}

// Every command that takes a session key completes the stored ones.
func TestEveryKeyArgumentCompletes(t *testing.T) {
	c := newCLI(t)
	c.add("acme/admin", token(t, c.keyPair(), time.Hour))
	c.add("acme/viewer", token(t, c.keyPair(), time.Hour))
	for _, command := range []string{"logout", "refresh", "show", "status", "switch", "rename", "env", "exec", "stamp", "api"} {
		r := c.run("", false, "__complete", command, "")
		if !strings.Contains(r.out, "acme/admin\n") || !strings.Contains(r.out, "acme/viewer\n") {
			t.Errorf("tkauth %s <TAB> completes:\n%s%s", command, r.out, r.errOut)
		}
	}
}

func TestExpiresTakesDurationsWithinTurnkeysRange(t *testing.T) {
	good := map[string]time.Duration{
		"900": 900 * time.Second, "10m": 10 * time.Minute, "1h30m": 90 * time.Minute,
		"7d": 7 * 24 * time.Hour, "365d": session.MaxLifetime, "1s": time.Second, "31536000": session.MaxLifetime,
	}
	for in, want := range good {
		if got, err := parseLifetime(in); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-5", "10x", "1.5s", "500ms", "366d", "31536001", "8761h", "", "1e9", "99999999999999999999", "0d", "-1d"} {
		if d, err := parseLifetime(in); err == nil {
			t.Errorf("%q accepted as %v", in, d)
		}
	}
	// On the command line, the error says the range and is a usage error.
	for _, command := range []string{"login", "refresh"} {
		args := []string{"--home", t.TempDir(), command, "--expires", "0"}
		if command == "login" {
			args = append(args, "--org", "o")
		}
		code, _, errOut := tkauth(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, "a session lasts from 1s to 365d") || strings.Contains(errOut, "strconv") {
			t.Errorf("%s --expires 0: exit %d, %q", command, code, errOut)
		}
	}
}

func TestDemoRemovesItsStoreUnlessKept(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	r := newCLI(t).run("", false, "demo")
	left, _ := filepath.Glob(filepath.Join(tmp, "tkauth-demo-*"))
	if r.code != 0 || len(left) != 0 || !strings.Contains(r.out, "The demo store is removed") || !strings.Contains(r.out, " demo --keep") {
		t.Fatalf("demo: exit %d, left %v:\n%s%s", r.code, left, r.out, r.errOut)
	}
	r = newCLI(t).run("", false, "demo", "--keep")
	left, _ = filepath.Glob(filepath.Join(tmp, "tkauth-demo-*"))
	if r.code != 0 || len(left) != 1 || !strings.Contains(r.out, "TKAUTH_HOME="+left[0]+" TKAUTH_KEYRING=file ") || !strings.Contains(r.out, "rm -r "+left[0]) {
		t.Fatalf("demo --keep: exit %d, left %v:\n%s", r.code, left, r.out)
	}
	if _, err := os.Stat(filepath.Join(left[0], "sessions.json")); err != nil {
		t.Errorf("the kept store has no sessions: %v", err)
	}
}

func TestDemoNamesACommandThatWorksFromHere(t *testing.T) {
	tests := []struct{ self, dir, want string }{
		{"go run .", "/tmp/tkauth-demo-1", "TKAUTH_HOME=/tmp/tkauth-demo-1 TKAUTH_KEYRING=file go run . list"},
		{"./tkauth", "/tmp/my demo", "TKAUTH_HOME='/tmp/my demo' TKAUTH_KEYRING=file ./tkauth list"},
	}
	for _, tt := range tests {
		if got := demoEnd(tt.self, tt.dir, true); !strings.Contains(got, tt.want) {
			t.Errorf("demoEnd(%q, %q) = %q; want it to contain %q", tt.self, tt.dir, got, tt.want)
		}
	}
	goRun := []string{
		"/tmp/go-build3872/b001/exe/tkauth",
		"/root/.cache/go-build/f2/f205009e70a006e0d75c0970dabdad133526358b15b15337f7b7ec69a1341084-d/tkauth",
	}
	for _, exe := range goRun {
		if !isGoRun(exe) {
			t.Errorf("%s is not seen as go run's", exe)
		}
	}
	for _, exe := range []string{"/usr/local/bin/tkauth", "/root/go/bin/tkauth", "/home/a/exe/tkauth", "/tmp/ab/cd-d/tkauth"} {
		if isGoRun(exe) {
			t.Errorf("%s is seen as go run's", exe)
		}
	}
	if got := shellQuote("it's"); got != `'it'\''s'` {
		t.Errorf("shellQuote = %s", got)
	}
}
