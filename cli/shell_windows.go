package cli

import (
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// defaultShell is the shell started when $SHELL is not set (a Git Bash,
// MSYS or Cygwin shell sets it): the PowerShell tkauth was started from,
// else %COMSPEC% (cmd.exe).
func defaultShell(environ []string) string {
	if ps := powerShell(parentImage()); ps != "" {
		return ps
	}
	if c := lookupEnv(environ, "COMSPEC"); c != "" {
		return c
	}
	return "cmd.exe"
}

// powerShell is image's program name if image is a PowerShell (pwsh.exe,
// Windows PowerShell's powershell.exe), else "".
func powerShell(image string) string {
	switch name := strings.ToLower(filepath.Base(image)); name {
	case "pwsh.exe", "powershell.exe":
		return name
	}
	return ""
}

// parentImage is the file name of the program that started tkauth; "" if
// it cannot be found.
func parentImage() string {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return ""
	}
	defer windows.CloseHandle(snap)
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	images := map[uint32]string{}
	parent := uint32(0)
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		images[e.ProcessID] = windows.UTF16ToString(e.ExeFile[:])
		if e.ProcessID == uint32(os.Getpid()) {
			parent = e.ParentProcessID
		}
	}
	return images[parent]
}
