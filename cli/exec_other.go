//go:build !unix && !windows

package cli

import (
	"errors"
	"os"
	"os/exec"
)

// execProgram runs the program and exits with its code, where a process
// cannot be replaced.
func execProgram(path string, argv, env []string) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}

// processGone is false: whether another process is gone is not asked
// here, so no note is reported.
func processGone(int) bool { return false }

// inForeground is true: interrupts are left to the terminal here.
func inForeground() bool { return true }
