//go:build unix

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func TestWritesArePrivateWhateverTheUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	f := seeded(t)
	for _, p := range []string{f.Dir(), f.Path(), filepath.Join(f.Dir(), lockName)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s: mode %04o under umask 0", p, perm)
		}
	}
}

func TestStrictModes(t *testing.T) {
	t.Run("directory others can write", func(t *testing.T) {
		f := seeded(t)
		os.Chmod(f.Dir(), 0o777)
		refused(t, f, "others can write "+f.Dir(), "mode 0777", "chmod go-w "+f.Dir())
	})
	t.Run("file the group can write", func(t *testing.T) {
		f := seeded(t)
		os.Chmod(f.Path(), 0o620)
		refused(t, f, "chmod go-w "+f.Path())
	})
	t.Run("symlinked session file", func(t *testing.T) {
		f := seeded(t)
		real := filepath.Join(t.TempDir(), "elsewhere.json")
		data, _ := os.ReadFile(f.Path())
		os.WriteFile(real, data, 0o600)
		os.Remove(f.Path())
		if err := os.Symlink(real, f.Path()); err != nil {
			t.Fatal(err)
		}
		refused(t, f, "is a symbolic link")
		if after, _ := os.ReadFile(real); string(after) != string(data) {
			t.Error("the link's target was written")
		}
	})
	t.Run("owned by another user", func(t *testing.T) {
		if os.Getuid() != 0 {
			t.Skip("only root can give a file to another user")
		}
		f := seeded(t)
		if err := os.Chown(f.Path(), 65534, 65534); err != nil {
			t.Fatal(err)
		}
		refused(t, f, "owned by user 65534, not by you", "chown 0 "+f.Path())
	})
	t.Run("symlinked directory is fine", func(t *testing.T) {
		f := seeded(t)
		link := filepath.Join(t.TempDir(), "link")
		if err := os.Symlink(f.Dir(), link); err != nil {
			t.Fatal(err)
		}
		if st, err := NewFile(link).Load(context.Background()); err != nil || len(st.Sessions) != 2 {
			t.Fatalf("through a symlinked directory: %v", err)
		}
	})
}

// A huge store file is refused before it is read: memory stays bounded.
func TestHugeFileIsRefusedWithoutReadingIt(t *testing.T) {
	f := seeded(t)
	if err := os.Truncate(f.Path(), 100<<20); err != nil { // sparse: 100 MiB
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := f.Load(context.Background())
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "100 MiB, over 64 MiB") {
		t.Fatalf("err = %v", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 1<<20 {
		t.Errorf("refusing a 100 MiB file allocated %d bytes", alloc)
	}
	t.Logf("refusing a 100 MiB store file allocated %d bytes", alloc)
}
