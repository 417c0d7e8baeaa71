// Command genstore writes a store of -n sessions into -dir, for
// scripts/bench.sh: private keys in files there, or with -keyring system in
// the system keyring under service -service.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

func main() {
	n := flag.Int("n", 100, "how many sessions")
	dir := flag.String("dir", "", "the store directory (created)")
	keyring := flag.String("keyring", "file", "file or system")
	service := flag.String("service", "tkauth-bench", "the system keyring's service, with -keyring system")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "genstore: -dir is required")
		os.Exit(2)
	}
	var keys session.KeyStore = store.NewFileKeys(*dir)
	if *keyring == "system" {
		keys = store.NewSystemKeys(*service, 5*time.Second)
	}
	if err := fixture.Store(context.Background(), *dir, keys, *n, time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "genstore:", err)
		os.Exit(1)
	}
}
