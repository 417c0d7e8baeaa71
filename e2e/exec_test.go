package e2e

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// tkauth exec, for real: the command sees the session's variables and can
// sign with its key; its exit code is tkauth's; a signal sent to what the
// user started reaches the command, as it would without tkauth.
func TestExec(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, home := buildTkauth(t), t.TempDir()
	env := append(os.Environ(), "TKAUTH_HOME="+home, "TKAUTH_KEYRING=file", "TKAUTH_SESSION=")
	pub := strings.TrimSpace(runBin(t, bin, env, "", "keys", "create").out)
	if r := runBin(t, bin, env, token(t, pub, time.Hour), "add", "--session-key", "work"); r.code != 0 {
		t.Fatalf("setup: %s", r.errOut)
	}

	r := runBin(t, bin, env, "", "exec", "--", "sh", "-c", `printf '%s %s %s' "$API_PRIVATE_KEY" "$ORGANIZATION_ID" "$TKAUTH_SESSION"`)
	got := strings.Fields(r.out)
	if r.code != 0 || len(got) != 3 || got[1] != "org-1" || got[2] != "work" {
		t.Fatalf("exit %d, the command saw %q: %s", r.code, r.out, r.errOut)
	}
	k, err := turnkey.KeyFromHex(got[0])
	if err != nil || k.PublicKey() != pub {
		t.Fatalf("the command's key is not the session's: %v", err)
	}
	body := []byte(`{"organizationId":"org-1"}`)
	stamp, _ := turnkey.Stamp(k, body)
	if signer, err := turnkeytest.VerifyStamp(stamp, body); err != nil || signer != pub {
		t.Errorf("a stamp by the command's key: %q, %v", signer, err)
	}

	if r := runBin(t, bin, env, "", "exec", "--", "sh", "-c", "exit 7"); r.code != 7 {
		t.Errorf("exit code %d, want the command's 7", r.code)
	}
	// Nested: the same session is fine; another would hide which one runs.
	if r := runBin(t, bin, append(env, "TKAUTH_SESSION=work"), "", "exec", "--", "true"); r.code != 0 {
		t.Errorf("nested, the same session: exit %d %q", r.code, r.errOut)
	}
	if r := runBin(t, bin, append(env, "TKAUTH_SESSION=work"), "", "exec", "other", "--", "true"); r.code != 2 || !strings.Contains(r.errOut, "this shell uses session work") {
		t.Errorf("nested, another session: exit %d %q", r.code, r.errOut)
	}

	cmd := exec.Command(bin, "exec", "--", "sh", "-c", `trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done`)
	cmd.Env = env
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		t.Fatalf("the command said %q", line)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 42 {
			t.Errorf("after SIGTERM: %v, want the command's trap's 42", err)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("SIGTERM did not reach the command")
	}
}

// exec says what is wrong with a program it cannot run, with a shell's
// exit codes: 127 when there is none by that name or its interpreter is
// missing, 126 when it is there but not executable.
func TestExecSaysWhyAProgramCannotRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, home, dir := buildTkauth(t), t.TempDir(), t.TempDir()
	env := append(os.Environ(), "TKAUTH_HOME="+home, "TKAUTH_KEYRING=file", "TKAUTH_SESSION=", "PATH="+dir+":/usr/bin:/bin")
	pub := strings.TrimSpace(runBin(t, bin, env, "", "keys", "create").out)
	if r := runBin(t, bin, env, token(t, pub, time.Hour), "add", "--session-key", "work"); r.code != 0 {
		t.Fatalf("setup: %s", r.errOut)
	}
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noRunBit := write("no-run-bit", "#!/bin/sh\necho hi\n", 0o644)
	noInterp := write("no-interpreter", "#!/nonexistent/interp -x\necho hi\n", 0o755)
	for _, tt := range []struct {
		command string
		code    int
		says    string
	}{
		{"not-a-command-anywhere", 127, "not-a-command-anywhere: command not found"},
		{noRunBit, 126, noRunBit + " is not executable: `chmod +x " + noRunBit + "`"},
		{"no-run-bit", 126, noRunBit + " is not executable"},
		{noInterp, 127, noInterp + " names the interpreter /nonexistent/interp, which is not there"},
		{"no-interpreter", 127, "names the interpreter /nonexistent/interp"},
	} {
		r := runBin(t, bin, env, "", "exec", "--", tt.command)
		if r.code != tt.code || !strings.Contains(r.errOut, tt.says) {
			t.Errorf("exec %s: exit %d, %q; want %d saying %q", tt.command, r.code, r.errOut, tt.code, tt.says)
		}
	}
}
