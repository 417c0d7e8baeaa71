//go:build !linux

package e2e

import "testing"

// onTerminal needs Linux's pseudo-terminals (internal/pty).
func onTerminal(t *testing.T, _ string, _ []string, _ string, _ ...string) binRun {
	t.Skip("runs tkauth on a pseudo-terminal, which needs Linux here")
	return binRun{}
}
