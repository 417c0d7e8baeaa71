//go:build !windows

package cli

// defaultShell is the shell started when $SHELL is not set.
func defaultShell([]string) string { return "/bin/sh" }
