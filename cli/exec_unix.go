//go:build unix

package cli

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// execProgram replaces tkauth with the program: its exit code and signals
// are then the program's own, with no tkauth in between.
func execProgram(path string, argv, env []string) error {
	return syscall.Exec(path, argv, env)
}

// processGone reports whether no process pid exists.
func processGone(pid int) bool {
	return syscall.Kill(pid, 0) == syscall.ESRCH
}

// inForeground reports whether tkauth's process group is the foreground
// one of its controlling terminal: then an interrupt may be the
// terminal's Ctrl-C, which the command, in that group too, got as well.
func inForeground() bool {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return false // no controlling terminal
	}
	defer tty.Close()
	pgrp, err := unix.IoctlGetInt(int(tty.Fd()), unix.TIOCGPGRP)
	return err == nil && pgrp == syscall.Getpgrp()
}
