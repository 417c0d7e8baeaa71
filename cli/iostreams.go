package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
)

// IOStreams are the command's standard streams, passed in so that tests
// can fake them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsTerminal: stdout is a terminal (the TUI and tables may be shown).
	IsTerminal bool
	// Width is the terminal's width in cells; 0 if unknown.
	Width int
	// ReadSecret reads a line from the terminal without showing it (a
	// pasted token); nil where stdin is not one.
	ReadSecret func() (string, error)
	// StdinTerminal: stdin is a terminal (a person can answer a prompt, and
	// a token is not being piped in).
	StdinTerminal bool
	// ErrTerminal: stderr is a terminal (a spinner may show there).
	ErrTerminal bool
}

// Color says whether output is coloured, by one rule everywhere, as the
// TUI's colour profile decides too: never with NO_COLOR; always with
// CLICOLOR_FORCE (other than 0); else on a terminal that is not dumb.
func (s *IOStreams) Color() bool {
	switch {
	case os.Getenv("NO_COLOR") != "":
		return false
	case os.Getenv("CLICOLOR_FORCE") != "" && os.Getenv("CLICOLOR_FORCE") != "0":
		return true
	}
	return s.IsTerminal && os.Getenv("TERM") != "dumb"
}

// CanPrompt reports whether a person is there to answer a question.
func (s *IOStreams) CanPrompt() bool { return s.IsTerminal && s.StdinTerminal }

// warn prints a warning on stderr, escaped (escape.Message): something the
// user must know that did not stop the command.
func (s *IOStreams) warn(format string, a ...any) {
	fmt.Fprintf(s.ErrOut, "tkauth: warning: %s\n", escape.Message(fmt.Sprintf(format, a...)))
}

// leftover warns, if err, that a session was stored but the key pair it
// replaced is not wholly done with, and how that ends.
func (s *IOStreams) leftover(err error) {
	if err != nil {
		s.warn("the session is stored, but the key pair it replaced is not done with: %v; `tkauth keys prune` finishes it", err)
	}
}

// ask says q's lines on stderr and asks its title: errDeclined unless the
// answer is yes.
func (s *IOStreams) ask(q text.Question) error {
	fmt.Fprintln(s.ErrOut, strings.Join(q.Lines, "\n"))
	ok, err := s.confirm(q.Title)
	if err == nil && !ok {
		err = errDeclined
	}
	return err
}

// confirm asks question on stderr and reads a yes or no from stdin; anything
// but y or yes is no.
func (s *IOStreams) confirm(question string) (bool, error) {
	fmt.Fprintf(s.ErrOut, "%s [y/N] ", question)
	line, err := bufio.NewReader(s.In).ReadString('\n')
	if err != nil && line == "" {
		return false, fmt.Errorf("no answer: %w", err)
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}
