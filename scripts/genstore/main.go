// Command genstore writes a store of -n sessions into -dir, private keys in
// files there, for scripts/bench.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/store"
)

func main() {
	n := flag.Int("n", 100, "how many sessions")
	dir := flag.String("dir", "", "the store directory (created)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "genstore: -dir is required")
		os.Exit(2)
	}
	if err := fixture.Store(context.Background(), *dir, store.NewFileKeys(*dir), *n, time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "genstore:", err)
		os.Exit(1)
	}
}
