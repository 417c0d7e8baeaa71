// Package cli is tkauth's command line: the root command (the TUI on a
// terminal, the session list otherwise) and its subcommands, one file a
// command, in the manner of the GitHub CLI's pkg/cmd: a NewCmdX that
// parses flags into an XOptions holding only what the command uses, and
// an xRun that does the work with the streams it is given.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
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
		ErrTerminal:   term.IsTerminal(os.Stderr.Fd()),
	}
	if w, _, err := term.GetSize(os.Stdout.Fd()); err == nil && ios.IsTerminal {
		ios.Width = w
	}
	if ios.StdinTerminal {
		ios.ReadSecret = func() (string, error) {
			b, err := term.ReadPassword(os.Stdin.Fd())
			fmt.Fprintln(os.Stderr) // the line the hidden input did not end
			return string(b), err
		}
	}
	return Run(os.Args[1:], ios)
}

// Run executes tkauth with args and returns the exit code. Errors are
// printed to ios.ErrOut, prefixed "tkauth: ", with the way out in flags
// (explain), escaped (escape.Message). A command whose output could
// not be written (a full disk, a closed pipe) fails, whatever it did.
func Run(args []string, ios *IOStreams) int {
	out := &checkedWriter{w: ios.Out}
	checked := *ios
	checked.Out = out
	root := NewRootCmd(&checked)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(out)
	root.SetErr(ios.ErrOut)
	// A keyring that shows a prompt (an unlock, a confirmation) is said on
	// a terminal before it waits, with where to answer it.
	ctx := context.Background()
	if ios.ErrTerminal {
		ctx = store.WithPromptNotice(ctx, func(msg string) { fmt.Fprintf(ios.ErrOut, "tkauth: %s\n", escape.Message(msg)) })
	}
	err := root.ExecuteContext(ctx)
	if err == nil && out.err != nil {
		err = fmt.Errorf("writing the output: %w", out.err)
	}
	if err == nil {
		return ExitOK
	}
	if q := (quiet{}); !errors.As(err, &q) {
		fmt.Fprintf(ios.ErrOut, "tkauth: %s\n", escape.Message(explain(err)))
	}
	return exitCode(err)
}

// checkedWriter remembers the first error writing to w, and writes
// nothing after it.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	c.err = err
	return n, err
}

func exitCode(err error) int {
	var ue usageError
	var ce exitCodeError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, session.ErrNotFound), errors.Is(err, session.ErrNoActiveSession), errors.Is(err, session.ErrNoPrevious):
		return ExitNotFound
	}
	return ExitFailure
}
