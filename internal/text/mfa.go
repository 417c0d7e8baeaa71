package text

import (
	"strings"

	"github.com/tkauth/tkauth/internal/escape"
)

// Factors says the MFA factors an activity waits for, in words, one a
// step, in the order they are given: "an API key, then an SMS code", as
// the command line says them.
func Factors(factors []string) string {
	out := make([]string, len(factors))
	for i, f := range factors {
		out[i] = escape.Clean(f)
	}
	return strings.Join(out, ", then ")
}
