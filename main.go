// Command tkauth manages the Turnkey login sessions held on this machine.
// Everything but starting it lives in the packages: see "How the code is
// laid out" in the README.
package main

import (
	"os"

	"github.com/tkauth/tkauth/cli"
)

func main() { os.Exit(cli.Main()) }
