//go:build unix

package cli

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Google's flow answers in the fragment, which only a browser reads: a
// real one, headless Chromium, runs the loopback page's script that posts
// it back. CI installs chromium and sets TKAUTH_REQUIRE_CHROMIUM=1, where
// this test must not skip.
func TestOAuthLoginGoogleInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("TKAUTH_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("TKAUTH_REQUIRE_CHROMIUM=1 and no chromium on PATH")
		}
		t.Skip("no chromium on PATH (Debian: apt-get install chromium); CI runs this test")
	}
	w := withOAuth(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "browser")
	// setsid: the browser and every process it starts are a group of
	// their own, which stopBrowser ends whole before the profile goes.
	os.WriteFile(script, []byte(fmt.Sprintf("#!/bin/sh\necho $$ > %q\nexec setsid %q %s --user-data-dir=%q \"$1\" >/dev/null 2>&1\n",
		filepath.Join(dir, "pid"), chromium, chromiumFlags, filepath.Join(dir, "profile"))), 0o700)
	t.Setenv("BROWSER", script)
	t.Cleanup(func() { stopBrowser(t, filepath.Join(dir, "pid")) })
	c := newCLI(t)
	r := c.run("", false, w.args("google", "--session-key", "google", "--browser-wait", "60s")...)
	if r.code != 0 || !strings.Contains(r.out, "as user ada (ada): session google (now active)") {
		t.Fatalf("exit %d, %q, %q", r.code, r.out, r.errOut)
	}
	s := c.state().Sessions["google"]
	if s == nil || s.OrganizationID != "sub" || s.UserID != "ada" || !w.srv.HasKey(s.PublicKey) {
		t.Fatalf("stored %+v", s)
	}
}

// stopBrowser ends the browser whose pid the script wrote, with every
// process it started (its group: Chromium's helpers write into the
// profile after the browser itself has gone), and waits for them to go.
func stopBrowser(t *testing.T, pidFile string) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	for range 100 {
		if !groupAlive(pid) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("the browser's processes (group %d) outlived SIGKILL by 10 s", pid)
}

// groupAlive reports whether a process of group pgid is still running (a
// zombie, killed and not yet reaped, writes nothing and is not).
func groupAlive(pgid int) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …: comm may hold spaces, so read
		// after its closing parenthesis.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) && f[0] != "Z" && f[0] != "X" {
			return true
		}
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		// No /proc (not Linux): the group's leader stands for it.
		return syscall.Kill(-pgid, 0) == nil
	}
	return false
}

// With --no-browser on a terminal, stdin has one reader: after the pasted
// address, the question about replacing another person's session gets
// the next line; Ctrl-C at that question stops the login, ends the
// session Turnkey issued and stores nothing.
func TestOAuthLoginNoBrowserThenQuestion(t *testing.T) {
	w := withOAuth(t)
	t.Setenv("BROWSER", "/nonexistent")
	for _, tt := range []struct {
		name   string
		answer func(paste io.Writer)
		ok     bool
	}{
		{"yes", func(paste io.Writer) { fmt.Fprintln(paste, "y") }, true},
		{"Ctrl-C", func(io.Writer) { syscall.Kill(os.Getpid(), syscall.SIGINT) }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			c.add("k", token(t, c.keyPair(), time.Hour))
			before := c.snapshot()
			in, paste := io.Pipe()
			defer paste.Close()
			errOut := &lineWriter{note: make(chan struct{}, 1)}
			done := make(chan int, 1)
			go func() {
				done <- Run(append([]string{"--home", c.home, "--keyring", "file"}, w.args("facebook", "--no-browser", "--session-key", "k")...),
					&IOStreams{In: in, Out: io.Discard, ErrOut: errOut, IsTerminal: true, StdinTerminal: true})
			}()
			m := errOut.waitFor(t, regexp.MustCompile(`\n  (http://\S+)\n`))
			hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := hc.Get(m[1])
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			fmt.Fprintln(paste, resp.Header.Get("Location"))
			errOut.waitFor(t, regexp.MustCompile(`Replace it all the same\? \[y/N\] `))
			tt.answer(paste)
			var code int
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("the login still waits: %q", errOut.String())
			}
			s := c.state().Sessions["k"]
			if tt.ok {
				if code != 0 || s == nil || s.UserID != "ada" {
					t.Fatalf("exit %d, %q; stored %+v", code, errOut.String(), s)
				}
				return
			}
			if code == 0 || c.snapshot() != before || !strings.Contains(errOut.String(), "the session Turnkey issued was ended there") {
				t.Errorf("exit %d, %q", code, errOut.String())
			}
		})
	}
}
