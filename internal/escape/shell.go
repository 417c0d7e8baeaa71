package escape

import "strings"

// Shell quotes s for sh, bash, zsh and fish alike when it needs it: a
// word a command line shows for pasting. It does not make s safe for a
// terminal; Clean does.
func Shell(s string) string {
	unsafe := func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("_@%+=:,./-", r))
	}
	if s != "" && strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
