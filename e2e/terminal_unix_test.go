//go:build unix

package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"testing"
	"time"

	"github.com/creack/pty"
)

// onTerminal runs bin on a new 120x40 pseudo-terminal, as from a person's
// shell, typing input. out holds everything it wrote to the terminal,
// stdout and stderr together, byte for byte.
func onTerminal(t *testing.T, bin string, env []string, input string, args ...string) binRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	start := time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 120, Rows: 40})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	if _, err := io.WriteString(ptmx, input); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	read := make(chan struct{})
	go func() {
		io.Copy(&out, ptmx) // ends with EIO once the program has exited
		close(read)
	}()
	err = cmd.Wait()
	r := binRun{took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("tkauth %q on a terminal did not finish in time", args)
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	<-read
	r.out = out.String()
	return r
}
