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

func TestUpdateWaitsForTheLockOnlyAsLongAsAllowed(t *testing.T) {
	dir := t.TempDir()
	f := NewFile(dir)
	// Another process's lock: flock locks belong to an open file, so a
	// second open of the lock file stands for one.
	other, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := syscall.Flock(int(other.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = f.Update(ctx, func(*session.State, session.Commit) error {
		t.Error("fn ran while another holder had the lock")
		return nil
	})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for the lock") {
		t.Fatalf("err = %v", err)
	}
}

func TestWritesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tkauth")
	f := NewFile(dir)
	err := f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
		*st = *sampleState()
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	keys := NewFileKeys(dir)
	pub := "02" + strings.Repeat("aa", 32)
	if err := keys.Put(context.Background(), pub, "secret"); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{
		dir:                          0o700,
		f.Path():                     0o600,
		filepath.Join(dir, lockName): 0o600,
		keys.Dir():                   0o700,
		filepath.Join(dir, tmpDir):   0o700,
		filepath.Join(keys.Dir(), pub+".private"): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", path, got, want)
		}
	}
	noLeftovers(t, dir)
}
