package cli

import "testing"

func TestWindowsShellIsPowerShellOrCOMSPEC(t *testing.T) {
	for image, want := range map[string]string{
		"pwsh.exe":                               "pwsh.exe",
		"PowerShell.EXE":                         "powershell.exe",
		`C:\Program Files\PowerShell\7\pwsh.exe`: "pwsh.exe",
		"cmd.exe":                                "",
		"explorer.exe":                           "",
		"":                                       "",
	} {
		if got := powerShell(image); got != want {
			t.Errorf("powerShell(%q) = %q, want %q", image, got, want)
		}
	}
	// The test runs under no PowerShell: %COMSPEC%.
	if image := parentImage(); powerShell(image) == "" {
		if got := defaultShell([]string{`COMSPEC=C:\Windows\system32\cmd.exe`}); got != `C:\Windows\system32\cmd.exe` {
			t.Errorf("defaultShell = %q, want %%COMSPEC%%", got)
		}
		if got := defaultShell(nil); got != "cmd.exe" {
			t.Errorf("defaultShell without COMSPEC = %q", got)
		}
	}
}
