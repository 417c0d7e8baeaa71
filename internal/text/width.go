package text

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Width is the cells s takes on a terminal, s holding no escape sequence
// (as Clean leaves it). Most of what tkauth prints is printable ASCII and
// the ellipsis that shortens IDs, a cell a rune; only the rest needs
// grapheme clusters counted, which cost list a quarter of its time at
// 10,000 sessions.
func Width(s string) int {
	n := 0
	for _, r := range s {
		if (r < 0x20 || r >= 0x7f) && r != '…' {
			return ansi.StringWidth(s)
		}
		n++
	}
	return n
}

// Spaces returns n spaces (none if n < 1), without allocating for the
// usual widths.
func Spaces(n int) string {
	const blank = "                                                                "
	if n <= len(blank) {
		return blank[:max(n, 0)]
	}
	return strings.Repeat(" ", n)
}

// Fit fits s, as Width measures it, into exactly w cells: cut with "…",
// or padded with spaces.
func Fit(s string, w int) string {
	n := Width(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	return s + Spaces(w-n)
}
