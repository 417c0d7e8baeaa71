//go:build unix

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// A named pipe in place of the session file, the lock file or a key file
// is refused at once, not waited on (nor read without end when fed).
func TestNamedPipesAreRefused(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{fileName, lockName} {
		t.Run(name, func(t *testing.T) {
			f := seeded(t)
			if err := os.Remove(filepath.Join(f.Dir(), name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(filepath.Join(f.Dir(), name), 0o600); err != nil {
				t.Fatal(err)
			}
			err := within(t, 5*time.Second, func() error {
				if name == fileName {
					if _, err := f.Load(ctx); err != nil {
						return err
					}
				}
				return f.Update(ctx, func(*session.State, session.Commit) error { return nil })
			})
			if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "is a named pipe") {
				t.Errorf("err = %v, want ErrUnsafe: a named pipe", err)
			}
		})
	}
	t.Run("key file", func(t *testing.T) {
		dir := t.TempDir()
		keys := NewFileKeys(dir)
		pub := "02" + strings.Repeat("ab", 32)
		if err := keys.Put(ctx, pub, "secret"); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(keys.Dir(), pub+".private")
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		err := within(t, 5*time.Second, func() error {
			_, err := keys.Get(ctx, pub)
			return err
		})
		if !errors.Is(err, ErrUnsafe) {
			t.Errorf("Get of a named pipe: %v, want ErrUnsafe", err)
		}
	})
}

// Key files and their directory are held to the rules the store
// directory and session file are: a private key that others can read, a
// key directory others can write, or a link, is refused, not used.
func TestKeyFilesAreHeldToStrictModes(t *testing.T) {
	ctx := context.Background()
	pub := "02" + strings.Repeat("cd", 32)
	setup := func(t *testing.T) (*FileKeys, string) {
		keys := NewFileKeys(t.TempDir())
		if err := keys.Put(ctx, pub, "secret"); err != nil {
			t.Fatal(err)
		}
		return keys, filepath.Join(keys.Dir(), pub+".private")
	}
	for _, tt := range []struct {
		name  string
		spoil func(t *testing.T, keys *FileKeys, p string)
		says  string
	}{
		{"a key others can read", func(t *testing.T, _ *FileKeys, p string) { os.Chmod(p, 0o644) }, "others can read or write the private key"},
		{"a key in a group-writable file", func(t *testing.T, _ *FileKeys, p string) { os.Chmod(p, 0o620) }, "mode 0620"},
		{"a key directory others can write", func(t *testing.T, keys *FileKeys, _ string) { os.Chmod(keys.Dir(), 0o777) }, "others can write"},
		{"a key that is a link", func(t *testing.T, _ *FileKeys, p string) {
			other := filepath.Join(t.TempDir(), "elsewhere")
			os.WriteFile(other, []byte("secret"), 0o600)
			os.Remove(p)
			os.Symlink(other, p)
		}, "symbolic link"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			keys, p := setup(t)
			tt.spoil(t, keys, p)
			if _, err := keys.Get(ctx, pub); !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Get: %v, want ErrUnsafe saying %q", err, tt.says)
			}
			if _, err := keys.Has(ctx, pub); !errors.Is(err, ErrUnsafe) {
				t.Errorf("Has: %v, want ErrUnsafe", err)
			}
		})
	}
}

// A file system that cannot sync a directory (some FUSE and network file
// systems answer EINVAL) is not a failed write: logout deletes the key,
// prune counts right, add stores.
func TestFileSystemsThatCannotSyncADirectory(t *testing.T) {
	ctx := context.Background()
	syncDirFile = func(*os.File) error { return &os.PathError{Op: "sync", Path: "dir", Err: syscall.EINVAL} }
	t.Cleanup(func() { syncDirFile = (*os.File).Sync })
	dir := t.TempDir()
	keys := NewFileKeys(dir)
	m := session.NewManager(NewFile(dir), keys)
	a, err := m.CreateKeyPair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spare, err := m.CreateKeyPair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	notarizer, _, _ := session.NewPrivateKey()
	tok, _ := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: a, Type: session.ReadWrite, UserID: "u", OrganizationID: "o"}, notarizer)
	if _, err := m.StoreSession(ctx, tok, "a"); err != nil {
		t.Fatalf("add: %v", err)
	}
	res, err := m.Logout(ctx, "a")
	if err != nil || len(res.DeletedKeyPairs) != 1 {
		t.Fatalf("logout: %+v, %v", res, err)
	}
	if has, _ := keys.Has(ctx, a); has {
		t.Error("logout left the private key")
	}
	pr, err := m.ClearUnusedKeyPairs(ctx, true)
	if err != nil || len(pr.Deleted) != 1 || pr.Deleted[0] != spare || len(pr.Failed) != 0 {
		t.Errorf("prune: %+v, %v", pr, err)
	}

	// Any other failure to sync is still a failure.
	syncDirFile = func(*os.File) error { return &os.PathError{Op: "sync", Path: "dir", Err: syscall.EIO} }
	if _, err := m.CreateKeyPair(ctx); !errors.Is(err, syscall.EIO) {
		t.Errorf("an I/O error on sync: %v", err)
	}
}

// No private key is reached through a symbolic link: a link in a key
// file's place is refused, never removed as if it were the key (which
// would stay where it points), and a key directory that is a link is
// refused for every call; a logout then keeps its session.
func TestNoPrivateKeyThroughALink(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keys := NewFileKeys(dir)
	m := session.NewManager(NewFile(dir), keys)
	pub, err := m.CreateKeyPair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	notarizer, _, _ := session.NewPrivateKey()
	tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadWrite, UserID: "u", OrganizationID: "o"}, notarizer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.StoreSession(ctx, tok, "a"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(keys.Dir(), pub+".private")
	elsewhere := filepath.Join(t.TempDir(), "the-key")
	if err := os.Rename(file, elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, file); err != nil {
		t.Fatal(err)
	}
	res, err := m.Logout(ctx, "a")
	if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "symbolic link") || len(res.DeletedKeyPairs) != 0 {
		t.Errorf("logout through a link: %+v, %v", res, err)
	}
	if _, err := os.Stat(elsewhere); err != nil {
		t.Errorf("the private key behind the link: %v", err)
	}
	if st, _ := m.State(ctx); st.Sessions["a"] == nil {
		t.Error("the session was logged out, though its key is still there")
	}

	// The key directory a link to one: every call is refused.
	linked := t.TempDir()
	real := t.TempDir()
	if err := os.Symlink(real, filepath.Join(linked, keysDir)); err != nil {
		t.Fatal(err)
	}
	lk := NewFileKeys(linked)
	pub2 := "02" + strings.Repeat("ab", 32)
	if err := lk.Put(ctx, pub2, "secret"); !errors.Is(err, ErrUnsafe) {
		t.Errorf("Put into a linked key directory: %v", err)
	}
	if _, err := lk.Get(ctx, pub2); !errors.Is(err, ErrUnsafe) {
		t.Errorf("Get: %v", err)
	}
	if _, err := lk.Has(ctx, pub2); !errors.Is(err, ErrUnsafe) {
		t.Errorf("Has: %v", err)
	}
	if err := lk.Delete(ctx, pub2); !errors.Is(err, ErrUnsafe) {
		t.Errorf("Delete: %v", err)
	}
	if err := lk.Tidy(ctx); !errors.Is(err, ErrUnsafe) {
		t.Errorf("Tidy: %v", err)
	}
	if entries, _ := os.ReadDir(real); len(entries) != 0 {
		t.Errorf("something was written through the link: %v", entries)
	}
}
