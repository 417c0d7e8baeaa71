package session_test

import (
	"os"
	"testing"

	"github.com/tkauth/tkauth/session"
)

// BenchmarkParse is one token's decoding and signature check against
// Turnkey's production key (the real token from testdata).
func BenchmarkParse(b *testing.B) {
	tok, err := os.ReadFile("testdata/turnkey-production.jwt")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if s, err := session.Parse(string(tok)); err != nil || !s.Verified {
			b.Fatal(err)
		}
	}
}
