package escape

import (
	"strings"
	"testing"
)

// Clean's shortcut for plain text gives what escaping it rune by rune
// gives, and takes no text that needs escaping or cutting.
func TestCleanShortcutIsEscape(t *testing.T) {
	long := strings.Repeat("a", MaxField)
	for _, s := range []string{"", "acme/admin", "org 1234abcd…ef01", "a…", "…", long, long + "b", long[1:] + "…",
		"\x1b[31m", "tab\there", "del\x7f", "bidi\u202e", "zero\u200bwidth", "\xe2\x80", "ab\xe2\x80\xe2\x80\xa6", "ünï", "\ufffd"} {
		var b strings.Builder
		escape(&b, s, MaxField)
		if got := Clean(s); got != b.String() {
			t.Errorf("Clean(%q) = %q, escaping gives %q", s, got, b.String())
		}
	}
}
