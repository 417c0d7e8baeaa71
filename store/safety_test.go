package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// seeded returns a store in a new directory holding sampleState.
func seeded(t *testing.T) *File {
	t.Helper()
	f := NewFile(filepath.Join(t.TempDir(), "tkauth"))
	err := f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
		*st = *sampleState()
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// refused checks that f cannot be loaded or changed, with an error that
// wraps ErrUnsafe and says each of says, and that the file is unchanged.
func refused(t *testing.T, f *File, says ...string) {
	t.Helper()
	before, _ := os.ReadFile(f.Path())
	_, err := f.Load(context.Background())
	if !errors.Is(err, ErrUnsafe) {
		t.Fatalf("Load: %v, want ErrUnsafe", err)
	}
	for _, s := range says {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	err = f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
		st.Active = ""
		return commit()
	})
	if !errors.Is(err, ErrUnsafe) {
		t.Errorf("Update: %v, want ErrUnsafe", err)
	}
	if after, _ := os.ReadFile(f.Path()); string(after) != string(before) {
		t.Error("an unsafe store was written")
	}
}

// tinyDisk mounts a tmpfs of size bytes for the test (root only), holding
// a seeded store.
func tinyDisk(t *testing.T, size string) *File {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("mounting a tiny file system needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		msg := "cannot mount a tmpfs: " + strings.TrimSpace(string(out))
		if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	f := NewFile(filepath.Join(dir, "tkauth"))
	err := f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
		*st = *sampleState()
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// growBy adds a session with an n-byte token: a write that needs room.
func growBy(f *File, n int) error {
	return f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
		st.Sessions["big"] = &session.Session{Key: "big", Token: strings.Repeat("x", n), Claims: session.Claims{PublicKey: "p"}}
		return commit()
	})
}

func intact(t *testing.T, f *File, before []byte) {
	t.Helper()
	if after, _ := os.ReadFile(f.Path()); string(after) != string(before) {
		t.Error("the previous store was changed")
	}
	if st, err := f.Load(context.Background()); err != nil || len(st.Sessions) != 2 {
		t.Errorf("the previous store does not load: %v", err)
	}
	noLeftovers(t, f.Dir())
}

// noLeftovers checks that the store directory dir holds only the session
// file, its lock, the key directory, and an empty directory of files
// being written.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != fileName && e.Name() != lockName && e.Name() != keysDir && e.Name() != tmpDir {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, tmpDir)); len(tmp) > 0 {
		t.Errorf("left behind in %s: %s", tmpDir, tmp[0].Name())
	}
}

func TestFullDiskLeavesTheStoreIntact(t *testing.T) {
	f := tinyDisk(t, "256k")
	before, _ := os.ReadFile(f.Path())
	err := growBy(f, 512<<10)
	if err == nil || !strings.Contains(err.Error(), "the previous one is intact") || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want no space, and the previous store intact", err)
	}
	intact(t, f, before)
}

func TestReadOnlyDiskLeavesTheStoreIntact(t *testing.T) {
	f := tinyDisk(t, "1m")
	before, _ := os.ReadFile(f.Path())
	mnt := filepath.Dir(f.Dir())
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
	err := growBy(f, 10)
	if err == nil || !errors.Is(err, syscall.EROFS) {
		t.Fatalf("err = %v, want read-only file system", err)
	}
	intact(t, f, before)
}

// remountingKeys is a file key store elsewhere whose Delete first remounts
// the store's file system read-only: the disk changes between a logout's
// steps, for real.
type remountingKeys struct {
	*FileKeys
	t   *testing.T
	mnt string
}

func (k remountingKeys) Delete(ctx context.Context, pub string) error {
	if out, err := exec.Command("mount", "-o", "remount,ro", k.mnt).CombinedOutput(); err != nil {
		k.t.Fatalf("remount read-only: %v %s", err, out)
	}
	return k.FileKeys.Delete(ctx, pub)
}

// The store's file system turns read-only between a logout's steps: the
// session is logged out and its key deleted, and the result says that,
// and that the last step was not recorded, not that nothing happened.
func TestReadOnlyBetweenTheStepsOfALogout(t *testing.T) {
	ctx := context.Background()
	f := tinyDisk(t, "1m")
	keys := remountingKeys{FileKeys: NewFileKeys(t.TempDir()), t: t, mnt: filepath.Dir(f.Dir())}
	m := session.NewManager(f, keys)
	pub, err := m.CreateKeyPair(ctx)
	if err != nil {
		t.Fatal(err)
	}
	notarizer, _, _ := session.NewPrivateKey()
	tok, _ := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadWrite, UserID: "u", OrganizationID: "o"}, notarizer)
	if _, err := m.StoreSession(ctx, tok, "mine"); err != nil {
		t.Fatal(err)
	}
	res, err := m.Logout(ctx, "mine")
	if err != nil || !slices.Equal(res.Sessions, []string{"mine"}) || !slices.Equal(res.DeletedKeyPairs, []string{pub}) || !errors.Is(res.Unrecorded, syscall.EROFS) {
		t.Fatalf("logout: %+v, %v; want mine logged out, its key deleted, the last step unrecorded", res, err)
	}
	st, err := f.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if has, _ := keys.Has(ctx, pub); has {
		t.Error("the private key is still there")
	}
	if _, ok := st.Sessions["mine"]; ok || !st.KeyPairs[pub].Deleting {
		t.Errorf("on disk: session %v, key pair %+v; want the session gone, the key pair listed as being deleted", ok, st.KeyPairs[pub])
	}
}
