// Command libfloor is hello-world linked with the libraries tkauth is built
// on, and nothing of tkauth: what start-up costs before tkauth's own code
// runs. Go initialises every package a binary links, used or not, so this is
// the floor for any tkauth command (docs/benchmarks.md).
package main

import (
	"fmt"

	_ "charm.land/bubbles/v2/textinput"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/lipgloss/v2"
	_ "github.com/spf13/cobra"
	_ "github.com/zalando/go-keyring"
)

func main() { fmt.Println("hello") }
