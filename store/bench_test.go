package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// sizes are what people hold, and 10,000 to show that growth stays
// linear.
var sizes = []int{10, 100, 10000}

// fixtureDir makes a store of n sessions, its private keys in the key
// store keys returns.
func fixtureDir(b *testing.B, n int, keys func(dir string) session.KeyStore) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "tkauth")
	if err := fixture.Store(context.Background(), dir, keys(dir), n, time.Now()); err != nil {
		b.Fatal(err)
	}
	return dir
}

func fileKeys(dir string) session.KeyStore { return store.NewFileKeys(dir) }

// BenchmarkLoad reads the store, as every command does.
func BenchmarkLoad(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			f := store.NewFile(fixtureDir(b, n, fileKeys))
			fi, _ := os.Stat(f.Path())
			b.SetBytes(fi.Size())
			for b.Loop() {
				if _, err := f.Load(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSave is one change's cost to the store: lock, read, write
// (fsync, rename, fsync of the directory).
func BenchmarkSave(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			f := store.NewFile(fixtureDir(b, n, fileKeys))
			for b.Loop() {
				err := f.Update(context.Background(), func(_ *session.State, commit session.Commit) error { return commit() })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLogout logs out the one session on a key pair of its own, so
// its private key is deleted, then (untimed) puts both back.
func BenchmarkLogout(b *testing.B) {
	b.Run("keys=file", func(b *testing.B) { benchLogout(b, fileKeys) })
	b.Run("keys=system", func(b *testing.B) {
		buf := make([]byte, 6)
		rand.Read(buf)
		service := "tkauth-bench-" + hex.EncodeToString(buf)
		sys := store.NewSystemKeys(service, 5*time.Second)
		if err := sys.Probe(context.Background()); err != nil {
			b.Skip("no Secret Service: run under scripts/with-keyring")
		}
		b.Cleanup(func() { sys.Delete(context.Background(), "") })
		benchLogout(b, func(string) session.KeyStore { return sys })
	})
}

func benchLogout(b *testing.B, keys func(dir string) session.KeyStore) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			ctx := context.Background()
			dir := fixtureDir(b, n, keys)
			ks := keys(dir)
			file := store.NewFile(dir)
			m := session.NewManager(file, ks)
			st, err := m.State(ctx)
			if err != nil {
				b.Fatal(err)
			}
			target := st.Sessions[fixture.Target]
			priv, err := ks.Get(ctx, target.PublicKey)
			if err != nil {
				b.Fatal(err)
			}
			kp := st.KeyPairs[target.PublicKey]
			for b.Loop() {
				res, err := m.Logout(ctx, fixture.Target)
				if err != nil || len(res.DeletedKeyPairs) != 1 {
					b.Fatalf("logout: %+v, %v", res, err)
				}
				b.StopTimer()
				ks.Put(ctx, target.PublicKey, priv)
				file.Update(ctx, func(st *session.State, commit session.Commit) error {
					st.Sessions[fixture.Target], st.KeyPairs[target.PublicKey] = target, kp
					return commit()
				})
				b.StartTimer()
			}
		})
	}
}
