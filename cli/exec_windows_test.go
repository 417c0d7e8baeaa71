package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// exec on Windows runs the command as a child and ends with its code.
func TestWindowsExecEndsWithTheCommandsCode(t *testing.T) {
	cmd := filepath.Join(os.Getenv("SystemRoot"), "System32", "cmd.exe")
	for _, code := range []int{0, 3, 255} {
		got, err := runChildCode(cmd, []string{"cmd", "/c", "exit " + strconv.Itoa(code)}, os.Environ())
		if err != nil || got != code {
			t.Errorf("exit %d: got %d, %v", code, got, err)
		}
	}
	if _, err := runChildCode(filepath.Join(os.TempDir(), "tkauth-no-such-dir", "missing.exe"), []string{"missing"}, nil); err == nil {
		t.Error("a missing program started")
	}
}
