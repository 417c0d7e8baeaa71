//go:build linux

// Package pty runs a program on a pseudo-terminal, so that it behaves as it
// would for a person at a terminal: for scripts/firstframe and the
// end-to-end tests. Linux only.
package pty

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// Open opens a pseudo-terminal pair and sizes it.
func Open(cols, rows uint16) (ptmx, tty *os.File, err error) {
	ptmx, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(ptmx.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		ptmx.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		ptmx.Close()
		return nil, nil, err
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		ptmx.Close()
		return nil, nil, err
	}
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		ptmx.Close()
		tty.Close()
		return nil, nil, err
	}
	return ptmx, tty, nil
}

// Start starts cmd with a new cols x rows pseudo-terminal as its stdin,
// stdout, stderr and controlling terminal, and returns the terminal's
// other end: what cmd writes is read from it, and what is written to it
// is cmd's input.
func Start(cmd *exec.Cmd, cols, rows uint16) (*os.File, error) {
	ptmx, tty, err := Open(cols, rows)
	if err != nil {
		return nil, err
	}
	defer tty.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		ptmx.Close()
		return nil, err
	}
	return ptmx, nil
}
