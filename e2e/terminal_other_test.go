//go:build !unix

package e2e

import "testing"

// onTerminal needs a Unix pseudo-terminal (github.com/creack/pty).
func onTerminal(t *testing.T, _ string, _ []string, _ string, _ ...string) binRun {
	t.Skip("runs tkauth on a pseudo-terminal, which needs Unix")
	return binRun{}
}
