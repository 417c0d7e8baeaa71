package text

import "github.com/tkauth/tkauth/internal/escape"

// ShellKeeps says, after active became the active session, that this
// shell keeps using shell, the session its TKAUTH_SESSION selects; "" if
// there is none, or it is active.
func ShellKeeps(active, shell string) string {
	if shell == "" || shell == active {
		return ""
	}
	return "This shell keeps using " + escape.Clean(shell) + ": its TKAUTH_SESSION selects it; " + escape.Clean(active) + " is active where TKAUTH_SESSION is not set."
}
