package cli

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"golang.org/x/sys/windows"
)

// execProgram runs the program and exits with its code: Windows cannot
// replace a process. The console sends Ctrl-C and Ctrl-Break to every
// process attached to it, the program included, which is in tkauth's
// process group; tkauth catches them (as it does a closing console) so
// as not to end under a program that runs on, and waits for the program.
func execProgram(path string, argv, env []string) error {
	os.Exit(runWaiting(path, argv, env))
	return nil
}

// runWaiting runs the program at path with tkauth's streams, outliving
// the console's interrupts, and returns its exit code, or 127 if it could
// not start (after saying why).
func runWaiting(path string, argv, env []string) int {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	code, err := runChildCode(path, argv, env)
	if err != nil {
		os.Stderr.WriteString("tkauth: " + cannotRun(path, err).Error() + "\n")
		return 127
	}
	return code
}

// runChildCode runs the program at path and returns its exit code.
func runChildCode(path string, argv, env []string) (int, error) {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args, cmd.Env = argv, env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, err
}

// stillActive is GetExitCodeProcess's code for a process that runs.
const stillActive = 259

// processGone reports whether no process pid runs: there is none, or it
// has exited. One that cannot be asked about may be running.
func processGone(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if errors.Is(err, windows.ERROR_INVALID_PARAMETER) {
		return true // no such process
	}
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	var code uint32
	return windows.GetExitCodeProcess(h, &code) == nil && code != stillActive
}

// inForeground is true: the console sends its Ctrl-C to the command
// itself, which shares it.
func inForeground() bool { return true }
