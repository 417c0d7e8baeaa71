package text

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Width is the cells s takes on a terminal, s holding no escape sequence
// (as Clean leaves it).
func Width(s string) int { return ansi.StringWidth(s) }

// Spaces returns n spaces, none if n < 1.
func Spaces(n int) string { return strings.Repeat(" ", max(n, 0)) }

// Fit fits s into exactly w cells: cut with "…", or padded with spaces.
func Fit(s string, w int) string {
	n := Width(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = Width(s)
	}
	return s + Spaces(w-n)
}
