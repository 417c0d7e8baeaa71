package cli

import (
	"testing"

	"github.com/tkauth/tkauth/internal/testenv"
)

// TestMain runs the tests in an environment of their own (testenv): what
// a user's shell sets never changes a result.
func TestMain(m *testing.M) { testenv.Main(m) }
