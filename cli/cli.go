// Package cli is tkauth's command line: the root command (the TUI on a
// terminal, the session list otherwise) and its subcommands, one file a
// command, in the manner of the GitHub CLI's pkg/cmd: a NewCmdX that
// parses flags into an XOptions holding only what the command uses, and
// an xRun that does the work with the streams it is given.
package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/tkauth/tkauth/session"
)

// Exit codes, documented in the README.
const (
	ExitOK       = 0
	ExitFailure  = 1
	ExitUsage    = 2
	ExitNotFound = 3
)

// Main runs tkauth with the process's arguments and streams, and returns
// the exit code.
func Main() int {
	ios := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		IsTerminal:    term.IsTerminal(os.Stdout.Fd()),
		StdinTerminal: term.IsTerminal(os.Stdin.Fd()),
	}
	return Run(os.Args[1:], ios)
}

// Run executes tkauth with args and returns the exit code. Errors are
// printed to ios.ErrOut, prefixed "tkauth: ".
func Run(args []string, ios *IOStreams) int {
	root := NewRootCmd(ios)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(ios.ErrOut, "tkauth: %v\n", err)
	return exitCode(err)
}

func exitCode(err error) int {
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, session.ErrNotFound), errors.Is(err, session.ErrNoActiveSession):
		return ExitNotFound
	}
	return ExitFailure
}
