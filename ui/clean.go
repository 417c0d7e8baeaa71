package ui

import (
	"fmt"
	"strings"
	"unicode"
)

// maxField is the most of one claim the TUI shows; the rest is cut.
const maxField = 256

func clean(s string) string { return Clean(s) }

// Clean makes a string from a token or the store safe to print on a
// terminal: control characters (escape sequences among them) and
// bidirectional overrides are shown escaped, never passed through, and a
// very long string is cut. Plain output uses it too.
func Clean(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == maxField {
			b.WriteString("…")
			break
		}
		n++
		switch {
		case r == unicode.ReplacementChar:
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, "\\x%02x", r)
		case unicode.Is(unicode.Bidi_Control, r), r == '\u200b', r == '\ufeff':
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
