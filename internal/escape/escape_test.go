package escape_test

import (
	"strings"
	"testing"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
)

func TestClean(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"acme/admin", "acme/admin"},
		{"evil\x1b[2J\x1b[Hkey", `evil\x1b[2J\x1b[Hkey`},
		{"osc\x1b]52;c;cHduZWQ=\x07", `osc\x1b]52;c;cHduZWQ=\x07`},
		{"line\nbreak\ttab\rcr", `line\x0abreak\x09tab\x0dcr`},
		{"c1\u009bcontrol", `c1\x9bcontrol`},
		{"org\u202etxt.exe", `org\u202etxt.exe`},
		{"zero\u200bwidth\ufeff", `zero\u200bwidth\ufeff`},
		{"ac\u00adme\u2060\U000e0041\u2028", `ac\u00adme\u2060\U000e0041\u2028`},
		{"bad \xff utf-8", "bad \ufffd utf-8"},
		{"日本語", "日本語"},
	} {
		if got := escape.Clean(tt.in); got != tt.want {
			t.Errorf("escape.Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := escape.Clean(strings.Repeat("é", 1000))
	if got := []rune(long); len(got) != escape.MaxField+1 || got[escape.MaxField] != '…' {
		t.Errorf("a long string is cut to %d runes ending %q, want %d and …", len(got), got[len(got)-1], escape.MaxField+1)
	}
	if got := escape.Join([]string{"a", "b\x1b"}); got != `a, b\x1b` {
		t.Errorf("CleanJoin = %q", got)
	}
}

// Message escapes what Clean escapes, keeps line breaks, and cuts at
// MaxMessage characters, a line break counting as none.
func TestMessage(t *testing.T) {
	if got := escape.Message("a\x1b[2J\nb\u202ec\x07"); got != "a\\x1b[2J\nb\\u202ec\\x07" {
		t.Errorf("Message = %q", got)
	}
	long := escape.Message(strings.Repeat("x", escape.MaxMessage-1) + "\n" + "yz")
	if want := strings.Repeat("x", escape.MaxMessage-1) + "\ny…"; long != want {
		t.Errorf("a long message ends %q", long[len(long)-8:])
	}
	exact := escape.Message(strings.Repeat("x", escape.MaxMessage) + "\nmore")
	if want := strings.Repeat("x", escape.MaxMessage) + "…"; exact != want {
		t.Errorf("a message of exactly the most, then more, ends %q", exact[len(exact)-8:])
	}
}

// Escaping shows exactly the runes the domain refuses in keys and names as
// invisible: the two predicates are one rule, kept in two places because
// session imports nothing of tkauth's.
func TestInvisibleIsTheDomains(t *testing.T) {
	for r := rune(0); r <= 0x10ffff; r++ {
		if escape.Invisible(r) != session.Invisible(r) {
			t.Fatalf("escape.Invisible(%U) = %v, session.Invisible = %v", r, escape.Invisible(r), session.Invisible(r))
		}
	}
}
