//go:build unix

package cli

import "syscall"

// execProgram replaces tkauth with the program: its exit code and signals
// are then the program's own, with no tkauth in between.
func execProgram(path string, argv, env []string) error {
	return syscall.Exec(path, argv, env)
}
