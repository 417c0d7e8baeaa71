//go:build unix

package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// execChildEnv holds, as JSON, the arguments of tkauth run in a process
// of its own (TestTkauthProcess), for what only a process can show: a
// kill -9, a signal sent to tkauth alone.
const execChildEnv = "TKAUTH_TEST_PROCESS_ARGS"

// TestTkauthProcess is tkauth in a process of its own, for the tests
// below; run by itself, it does nothing.
func TestTkauthProcess(t *testing.T) {
	args := os.Getenv(execChildEnv)
	if args == "" {
		t.Skip("run by other tests")
	}
	var argv []string
	json.Unmarshal([]byte(args), &argv)
	os.Exit(Run(argv, &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}))
}

// tkauthProcess starts tkauth with args in a session of its own (no
// controlling terminal), and returns it and its stdout.
func tkauthProcess(t *testing.T, args ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	j, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestTkauthProcess$")
	cmd.Env = append(os.Environ(), execChildEnv+"="+string(j))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out)
}

// line reads a line of r; a watchdog, not a timing, fails the test if
// none comes (the process would otherwise wait for ever).
func line(t *testing.T, r *bufio.Reader, cmd *exec.Cmd) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		l, _ := r.ReadString('\n')
		got <- strings.TrimSpace(l)
	}()
	select {
	case l := <-got:
		return l
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("no line from the command in a minute")
		return ""
	}
}

// After a kill -9 of tkauth during exec --login, the session made for
// the command is noted in the store: the next command reports it, still
// live on Turnkey, and logout --revoke of it ends it there.
func TestExecLoginNoteSurvivesKill9(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	cmd, out := tkauthProcess(t, "--home", c.home, "--keyring", "file", "exec", "--login", "o", "--", "sh", "-c", `echo "$$ $API_PUBLIC_KEY"; exec sleep 600`)
	f := strings.Fields(line(t, out, cmd))
	if len(f) != 2 {
		t.Fatalf("the command said %q", f)
	}
	sleeper, _ := strconv.Atoi(f[0])
	pub := f[1]
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	syscall.Kill(sleeper, syscall.SIGKILL)
	if !srv.HasKey(pub) {
		t.Fatal("the session was ended though tkauth was killed")
	}

	note := session.OneShotKey(cmd.Process.Pid, pub)
	r := c.run("", false, "list")
	if !strings.Contains(r.errOut, "the session "+note+" was made for a command by `tkauth exec --login`") || !strings.Contains(r.errOut, "tkauth logout --revoke "+note+" --api-key NAME") {
		t.Errorf("list after the kill: %q", r.errOut)
	}
	r = c.run("", false, "logout", "--revoke", note, "--api-key", "default")
	if r.code != 0 || srv.HasKey(pub) || c.state().Sessions[note] != nil {
		t.Errorf("logout --revoke of the note: exit %d, %q; live on Turnkey: %v", r.code, r.errOut, srv.HasKey(pub))
	}
	if r := c.run("", false, "list"); strings.Contains(r.errOut, "exec --login") {
		t.Errorf("reported after it was ended: %q", r.errOut)
	}
}

// An interrupt sent to tkauth alone (not from its terminal) reaches the
// command, which ends; tkauth then ends the session and exits with the
// command's code.
func TestExecLoginPassesOnAnInterrupt(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	cmd, out := tkauthProcess(t, "--home", c.home, "--keyring", "file", "exec", "--login", "o", "--", "sh", "-c",
		`trap 'echo interrupted; exit 7' INT; echo "$API_PUBLIC_KEY"; while :; do sleep 1; done`)
	pub := line(t, out, cmd)
	cmd.Process.Signal(syscall.SIGINT)
	if got := line(t, out, cmd); got != "interrupted" {
		t.Errorf("the command said %q", got)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Errorf("tkauth ended with %v, want the command's 7", err)
	}
	if srv.HasKey(pub) {
		t.Error("the session made for the command is still live on Turnkey")
	}
}

// The notes exec --login keeps of its sessions show for what they are:
// their key pair lives in the process that made them ("in-process"), never
// "missing"; a note whose process is gone is said once a command, from
// the state the command reads anyway, and one whose process runs is not.
func TestExecLoginNotesShowForWhatTheyAre(t *testing.T) {
	c := newCLI(t)
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	_, gonePub, _ := session.NewPrivateKey()
	_, livePub, _ := session.NewPrivateKey()
	gone, live := session.OneShotKey(ended.Process.Pid, gonePub), session.OneShotKey(1, livePub) // pid 1 runs
	if err := store.NewFile(c.home).Update(context.Background(), func(st *session.State, commit session.Commit) error {
		for key, pub := range map[string]string{gone: gonePub, live: livePub} {
			s, err := session.Parse(token(t, pub, time.Hour))
			if err != nil {
				return err
			}
			s.Key = key
			st.Sessions[key] = &s
		}
		return commit()
	}); err != nil {
		t.Fatal(err)
	}
	r := c.run("", true, "list")
	if strings.Count(r.errOut, "was made for a command by `tkauth exec --login`") != 1 || !strings.Contains(r.errOut, "the session "+gone+" ") {
		t.Errorf("list's notes of the sessions left: %q", r.errOut)
	}
	for _, key := range []string{gone, live} {
		row := ""
		for l := range strings.Lines(r.out) {
			if strings.Contains(l, key) {
				row = l
			}
		}
		if !strings.Contains(row, "in-process") || strings.Contains(row, "missing") {
			t.Errorf("%s's row: %q", key, row)
		}
	}
	for _, j := range c.listJSON() {
		if j.KeyPair != string(session.InProcess) {
			t.Errorf("list --json: %s's key pair is %q", j.SessionKey, j.KeyPair)
		}
	}
	if out := c.ok("show", gone); !strings.Contains(out, "only in the memory of tkauth exec --login (process "+strconv.Itoa(ended.Process.Pid)+")") {
		t.Errorf("show:\n%s", out)
	}
}
