// Package escape makes untrusted text (from tokens, servers, files,
// certificates and proxies) safe to show on a terminal, and measures it in
// cells. It is a leaf: every package may import it, and it imports none of
// tkauth's.
package escape

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// MaxField is the most of one untrusted string Clean shows; the rest is
// cut.
const MaxField = 256

// Lines is Clean without the cut, and keeping line breaks: for text
// that is meant to run to many lines (a server's JSON answer).
func Lines(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		body, nl := strings.CutSuffix(line, "\n")
		escape(&b, body, -1)
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Clean makes a string from a token, the store or a server safe to print
// on a terminal: control characters (escape sequences among them) and
// bidirectional overrides are shown escaped, never passed through, and a
// very long string is cut at MaxField characters.
func Clean(s string) string {
	var b strings.Builder
	escape(&b, s, MaxField)
	return b.String()
}

// Whole is Clean without the cut: for one value a script reads whole
// (a token in a template).
func Whole(s string) string {
	var b strings.Builder
	escape(&b, s, -1)
	return b.String()
}

// escape writes s to b as Clean does, cut after most runes if most >= 0.
func escape(b *strings.Builder, s string, most int) {
	n := 0
	for _, r := range s {
		if n == most {
			b.WriteString("…")
			break
		}
		n++
		switch {
		case r == unicode.ReplacementChar:
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(b, "\\x%02x", r)
		case Invisible(r) && r > 0xffff:
			fmt.Fprintf(b, "\\U%08x", r)
		case Invisible(r):
			fmt.Fprintf(b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
}

// MaxMessage is the most of a message (an error, a warning) Message
// shows; the rest is cut.
const MaxMessage = 2048

// Message makes an error or warning safe to print on a terminal, whatever
// produced it (a certificate's names, a proxy's answer, a file's name): as
// Clean, but keeping line breaks and cut at MaxMessage characters. Every
// message tkauth prints on its way out goes through it.
func Message(s string) string {
	var b strings.Builder
	left := MaxMessage
	for _, line := range strings.SplitAfter(s, "\n") {
		body, nl := strings.CutSuffix(line, "\n")
		n := utf8.RuneCountInString(body)
		escape(&b, body, left)
		if n >= left {
			if n == left && nl {
				b.WriteString("…")
			}
			break
		}
		left -= n
		if nl {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Join is the strings, each Cleaned, joined with ", ".
func Join(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Clean(s)
	}
	return strings.Join(out, ", ")
}

// Invisible reports whether r shows as nothing or as white space other
// than a plain space: control and format characters, default-ignorable
// code points, variation selectors and separators. Escaping shows each
// such rune as a code; session.Invisible is the same predicate for keys
// and names (the domain imports nothing of tkauth's), and a test holds the
// two alike.
func Invisible(r rune) bool {
	switch {
	case r == ' ':
		return false
	case unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector, unicode.Z):
		return true
	}
	return false
}

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
