package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The list of API keys is read as strictly as the session file: a file
// tkauth cannot read is said so and left as it is.
func TestAPIKeysListIsReadStrictly(t *testing.T) {
	dir := t.TempDir()
	ak := NewAPIKeys(NewFile(dir), "unused", time.Second, nil)
	if keys, err := ak.List(context.Background()); err != nil || len(keys) != 0 {
		t.Fatalf("no list yet: %v, %v", keys, err)
	}
	path := filepath.Join(dir, apiKeysFile)
	for _, bad := range []string{`{"version":3,"apiKeys":[]}`, `{"version":2,"apiKeys":[]}`, `not json`} {
		os.WriteFile(path, []byte(bad), 0o600)
		if _, err := ak.List(context.Background()); err == nil || !strings.Contains(err.Error(), "left as it is") {
			t.Errorf("%q: %v", bad, err)
		}
		if got, _ := os.ReadFile(path); string(got) != bad {
			t.Errorf("%q was changed", bad)
		}
	}
	os.Chmod(path, 0o644)
	if _, err := ak.List(context.Background()); err == nil {
		t.Error("a list others can read was read")
	}
}

func TestAPIKeyNames(t *testing.T) {
	for _, bad := range []string{"", "a/b", `a\b`, "..", "a b", "a\x1bb", strings.Repeat("x", 129)} {
		if CheckName(bad) == nil {
			t.Errorf("%q was taken as a name", bad)
		}
	}
	for _, good := range []string{"default", "ci-prod", "ada@acme", "été"} {
		if err := CheckName(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}
