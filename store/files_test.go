package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/tkauth/tkauth/session"
)

// within runs f, failing the test if it has not returned within d: what
// is tested here would otherwise block forever.
func within[T any](t *testing.T, d time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("still blocked after %s", d)
		panic("unreachable")
	}
}

// The size cap counts what is read, not what the file says it holds.
func TestReadsAreCappedByBytesRead(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 100)
	if b, err := readCapped(bytes.NewReader(data), 64); !errors.Is(err, ErrTooLarge) || b != nil {
		t.Errorf("100 bytes capped at 64: %d bytes, %v; want ErrTooLarge", len(b), err)
	}
	if b, err := readCapped(bytes.NewReader(data), 100); err != nil || len(b) != 100 {
		t.Errorf("a file of exactly the cap: %d bytes, %v", len(b), err)
	}
}

// Private keys and session files are written in the store's own .tmp
// directory, never in $TMPDIR, even on the same file system; what a crash
// leaves there is removed by the next change, and the dot files an older
// tkauth left beside keys by keys prune.
func TestTemporaryFilesStayInTheStore(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir() // the same file system as the store
	t.Setenv("TMPDIR", tmp)
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(tmp); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "tkauth")
	m := session.NewManager(NewFile(dir), NewFileKeys(dir))
	if _, err := m.CreateKeyPair(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-w.Events:
		t.Errorf("tkauth wrote in $TMPDIR: %s", ev)
	case <-time.After(100 * time.Millisecond):
	}

	// What crashes left: in .tmp, beside the session file (older tkauth),
	// and beside the keys (older tkauth).
	keys := NewFileKeys(dir)
	leftovers := []string{
		filepath.Join(dir, tmpDir, ".sessions.json4242"),
		filepath.Join(dir, tmpDir, ".02"+strings.Repeat("ef", 32)+".private77"),
		filepath.Join(dir, ".sessions.json1234"),
		filepath.Join(keys.Dir(), ".02"+strings.Repeat("ef", 32)+".private5678"),
	}
	for _, p := range leftovers {
		if err := os.WriteFile(p, []byte("a secret"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := NewFile(dir).Update(ctx, func(*session.State, session.Commit) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, p := range leftovers[:3] {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived the next change", p)
		}
	}
	if _, err := m.ClearUnusedKeyPairs(ctx, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(leftovers[3]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s survived keys prune", leftovers[3])
	}
	noLeftovers(t, dir)
}
