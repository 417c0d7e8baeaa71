package cli

import (
	"regexp"
	"testing"
)

func TestVersion(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("version"); !regexp.MustCompile(`^tkauth \S+ \(commit \S+, go1\.\d+`).MatchString(out) {
		t.Errorf("version: %q", out)
	}
}
