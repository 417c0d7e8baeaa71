package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveDir(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "store")
	t.Setenv(HomeEnv, "")
	if got, err := ResolveDir(abs + "/"); err != nil || got != abs {
		t.Errorf("ResolveDir(%q) = %q, %v", abs+"/", got, err)
	}
	if got, err := ResolveDir(""); err != nil || !strings.HasSuffix(got, string(filepath.Separator)+"tkauth") || !filepath.IsAbs(got) {
		t.Errorf("the default: %q, %v", got, err)
	}
	// $XDG_CONFIG_HOME wherever it is set, macOS included, as Turnkey's
	// CLI looks for its keys there.
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	if got, err := ResolveDir(""); err != nil || got != filepath.Join(xdg, "tkauth") {
		t.Errorf("under XDG_CONFIG_HOME: %q, %v", got, err)
	}
	t.Setenv(HomeEnv, abs)
	if got, err := ResolveDir(""); err != nil || got != abs {
		t.Errorf("from %s: %q, %v", HomeEnv, got, err)
	}
	for _, tt := range []struct{ flag, env, says string }{
		{"", "~/x", `TKAUTH_HOME is "~/x": a ~ is not expanded here; write $HOME/x`},
		{"~", "", `the store directory given is "~"`}, // the CLI names --home
		{"relative/dir", "", `the store directory given is "relative/dir", a relative path`},
		{"", "x", `TKAUTH_HOME is "x", a relative path`},
		{"", "./.", "a relative path"},
	} {
		t.Setenv(HomeEnv, tt.env)
		if _, err := ResolveDir(tt.flag); !errors.Is(err, ErrBadDir) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("flag %q, env %q: %v; want ErrBadDir saying %q", tt.flag, tt.env, err, tt.says)
		}
	}
}
