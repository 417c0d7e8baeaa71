package store

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A Deferred key store chooses once, on first use, and then is the store
// it chose: every method goes there. A caller that gives up waiting does
// not leave the choice unmade.
func TestDeferredChoosesOnceOnFirstUse(t *testing.T) {
	dir := t.TempDir()
	var opened atomic.Int32
	release := make(chan struct{})
	d := &Deferred{
		open: func(ctx context.Context) (KeyStores, error) {
			opened.Add(1)
			<-release // a keyring slow to answer
			return KeyStores{Keys: NewFileKeys(dir), Note: "files, because"}, nil
		},
		timeout: time.Minute,
		done:    make(chan struct{}),
	}
	if opened.Load() != 0 {
		t.Fatal("chosen before first use")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := d.Resolve(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("an impatient caller: %v", err)
	}
	close(release)
	ks, err := d.Resolve(context.Background())
	if err != nil || ks.Note != "files, because" || d.Name() != KeyringFile {
		t.Fatalf("resolved: %+v, %v, name %q", ks, err, d.Name())
	}
	bg := context.Background()
	pub := "02" + strings.Repeat("ab", 32)
	if err := d.Put(bg, pub, "secret"); err != nil {
		t.Fatal(err)
	}
	if has, _ := NewFileKeys(dir).Has(bg, pub); !has {
		t.Error("Put did not reach the store chosen")
	}
	if got, err := d.Get(bg, pub); got != "secret" || err != nil {
		t.Errorf("Get: %q, %v", got, err)
	}
	many, err := d.HasMany(bg, []string{pub, "03" + pub[2:]})
	if err != nil || !many[pub] || many["03"+pub[2:]] {
		t.Errorf("HasMany on a store without batches: %v, %v", many, err)
	}
	if err := d.Delete(bg, pub); err != nil {
		t.Fatal(err)
	}
	if has, err := d.Has(bg, pub); has || err != nil {
		t.Errorf("after Delete: has %v, %v", has, err)
	}
	if err := d.Tidy(bg); err != nil {
		t.Errorf("Tidy: %v", err)
	}
	if n := opened.Load(); n != 1 {
		t.Errorf("chose %d times", n)
	}
}
