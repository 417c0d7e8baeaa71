package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Many clients use the keyring at once, each call on a connection of its
// own: every call succeeds and sees what it should. On gnome-keyring (42)
// a call to the default alias's path could reach a collection named by
// freed memory, or be refused as locked, and a new connection's first
// call could be served before gnome-keyring knew the client
// (defaultCollection).
func TestSystemKeysManyClientsAtOnce(t *testing.T) {
	ctx := context.Background()
	k := realKeyring(t)
	const clients, rounds = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, clients*rounds)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				pub := fmt.Sprintf("02%02x%02x", c, r) + strings.Repeat("ab", 30)
				if err := k.Put(ctx, pub, "s"); err != nil {
					errs <- fmt.Errorf("client %d put: %w", c, err)
					continue
				}
				if got, err := k.Get(ctx, pub); got != "s" || err != nil {
					errs <- fmt.Errorf("client %d get: %q, %v", c, got, err)
				}
				if has, err := k.Has(ctx, pub); !has || err != nil {
					errs <- fmt.Errorf("client %d has: %v, %v", c, has, err)
				}
				if err := k.Delete(ctx, pub); err != nil {
					errs <- fmt.Errorf("client %d delete: %w", c, err)
				}
				if has, err := k.Has(ctx, pub); has || err != nil {
					errs <- fmt.Errorf("client %d has after delete: %v, %v", c, has, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
