package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"

	"github.com/tkauth/tkauth/session"
)

// These run on Windows and under Wine (scripts/with-wine): the store's
// access lists, lock and replacement as Windows has them.

// winTempDir is a temporary directory removed file by file: Wine fails
// os.RemoveAll's delete of a file in a subdirectory (t.TempDir's cleanup).
func winTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tkauth-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var dirs []string
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			} else if err == nil {
				os.Remove(p)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			os.Remove(dirs[i])
		}
	})
	return dir
}

// underWine reports a run under Wine, which keeps a file's access list
// only as far as its mode bits say (the owner's entry and Everyone's) and
// has no rename that replaces a file open elsewhere.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

func winSeeded(t *testing.T) *File {
	t.Helper()
	f := NewFile(filepath.Join(winTempDir(t), "tkauth"))
	err := f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
		*st = *sampleState()
		return commit()
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// setDACL replaces path's access list with the one sddl gives ("D:P...";
// %s is the user's SID).
func setDACL(t *testing.T, path, sddl string) {
	t.Helper()
	sids, err := trusted()
	if err != nil {
		t.Fatal(err)
	}
	sd, err := windows.SecurityDescriptorFromString(strings.ReplaceAll(sddl, "ME", sids[0].String()))
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	err = windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	if err != nil {
		t.Fatal(err)
	}
}

const pubA = "02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func TestWindowsWhatTkauthCreatesPassesItsChecks(t *testing.T) {
	f := winSeeded(t)
	keys := NewFileKeys(f.Dir())
	if err := keys.Put(context.Background(), pubA, "secret"); err != nil {
		t.Fatal(err)
	}
	if got, err := keys.Get(context.Background(), pubA); err != nil || got != "secret" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if _, err := f.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f.Dir(), f.Path(), keys.Dir(), keys.file(pubA), filepath.Join(f.Dir(), tmpDir)} {
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkOthers(p, fi, true); err != nil {
			t.Errorf("%s is not private: %v", p, err)
		}
	}
}

func TestWindowsRefusesWhatOthersCanUse(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name, sddl string
		key        bool // the key file, else the session file
		says       string
	}{
		{"a session file everyone can change", "D:P(A;;FA;;;ME)(A;;FW;;;WD)", false, "others can change"},
		{"a session file users can change", "D:P(A;;FA;;;ME)(A;;FA;;;BU)", false, "others can change"}, // not under Wine
		{"a session file with no access list", "", false, "no access list"},
		{"a key everyone can read", "D:P(A;;FA;;;ME)(A;;FR;;;WD)", true, "others can read or change the private key"},
		{"a key users can change", "D:P(A;;FA;;;ME)(A;;FW;;;BU)", true, "others can read or change the private key"}, // not under Wine
	} {
		t.Run(c.name, func(t *testing.T) {
			if underWine() && strings.Contains(c.sddl, "BU") {
				t.Skip("Wine keeps no entry for Users")
			}
			if underWine() && c.sddl == "" {
				c.says = "Everyone" // Wine makes a null list mode 0777: Everyone's entry
			}
			f := winSeeded(t)
			keys := NewFileKeys(f.Dir())
			if err := keys.Put(ctx, pubA, "secret"); err != nil {
				t.Fatal(err)
			}
			path := f.Path()
			if c.key {
				path = keys.file(pubA)
			}
			if c.sddl == "" {
				// A null access list lets anyone in.
				if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION, nil, nil, nil, nil); err != nil {
					t.Fatal(err)
				}
			} else {
				setDACL(t, path, c.sddl)
			}
			var err error
			if c.key {
				_, err = keys.Get(ctx, pubA)
			} else {
				_, err = f.Load(ctx)
			}
			if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "icacls \""+path+"\" /inheritance:r") {
				t.Fatalf("err = %v, want ErrUnsafe saying %q and the icacls command", err, c.says)
			}
		})
	}
}

func TestWindowsOthersMayReadTheSessionFileButNotAKey(t *testing.T) {
	f := winSeeded(t)
	setDACL(t, f.Path(), "D:P(A;;FA;;;ME)(A;;FR;;;WD)")
	if _, err := f.Load(context.Background()); err != nil {
		t.Fatalf("a session file others can only read: %v", err)
	}
}

func TestWindowsUpdateWaitsForTheLockOnlyAsLongAsAllowed(t *testing.T) {
	f := winSeeded(t)
	// Another process's lock: LockFileEx locks belong to a handle, so a
	// second File's lock stands for one.
	unlock, err := NewFile(f.Dir()).lock(context.Background())
	if err != nil {
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
	unlock()
	if err := f.Update(context.Background(), func(*session.State, session.Commit) error { return nil }); err != nil {
		t.Fatalf("after the other let go: %v", err)
	}
}

// A reader holds the session file open while a writer replaces it: the
// reader goes on reading the file it opened, the next read the new one.
func TestWindowsReplacesTheFileWhileAReaderHasItOpen(t *testing.T) {
	if underWine() {
		t.Skip("Wine has no POSIX rename; the classic one's retry is the next test's")
	}
	f := winSeeded(t)
	reader, _, err := f.open()
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	err = f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
		st.Active = "a"
		return commit()
	})
	if err != nil {
		t.Fatalf("replacing the file a reader has open: %v", err)
	}
	data, err := readCapped(reader, MaxFileSize)
	if err != nil {
		t.Fatal(err)
	}
	if old, err := Decode(data); err != nil || old.Active != "b" {
		t.Errorf("the reader's file: active %q, %v; want the old one's b", old.Active, err)
	}
	st, err := f.Load(context.Background())
	if err != nil || st.Active != "a" {
		t.Fatalf("after: %v, %v", st, err)
	}
}

// Another program holding the file open without sharing deletes blocks the
// replacement; tkauth tries again for a while, then says so, and the file
// it could not replace is intact.
func TestWindowsAReaderThatDoesNotShareBlocksAReplacementInWords(t *testing.T) {
	f := winSeeded(t)
	other, err := os.Open(f.Path()) // Go opens without FILE_SHARE_DELETE
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = f.Update(context.Background(), func(st *session.State, commit session.Commit) error {
		st.Active = "a"
		return commit()
	})
	if err == nil || !strings.Contains(err.Error(), "another program kept it open") || !strings.Contains(err.Error(), "the previous one is intact") {
		t.Fatalf("err = %v", err)
	}
	other.Close()
	st, err := f.Load(context.Background())
	if err != nil || st.Active != "b" {
		t.Fatalf("after: active %v, %v", st.Active, err)
	}
	entries, _ := os.ReadDir(filepath.Join(f.Dir(), tmpDir))
	if len(entries) != 0 {
		t.Errorf("left in .tmp: %v", entries)
	}
}
