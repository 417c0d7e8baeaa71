package cli

import (
	"os"
	"testing"

	"github.com/tkauth/tkauth/internal/testenv"
)

// TestMain runs the tests in an environment of their own (testenv): what
// a user's shell sets never changes a result. Started as a social login's
// BROWSER (testBrowserEnv), the test binary is a plain HTTP browser.
func TestMain(m *testing.M) {
	if os.Getenv(testBrowserEnv) != "" && len(os.Args) == 2 && !stringsHasPrefix(os.Args[1], "-test.") {
		os.Exit(plainBrowser(os.Args[1]))
	}
	testenv.Main(m)
}

func stringsHasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
