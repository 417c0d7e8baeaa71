package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// On Windows the mode bits say nothing of who may use a file (Go reports
// 0666 or 0777): who may is in its owner and access list, checked here as
// OpenSSH for Windows checks its keys. tkauth creates its directories and
// files with an access list of its own (privateSA), not the inherited one.

// trusted is who may own and use the store besides nobody else: the user
// tkauth runs as, the system, and the administrators (who can take any
// file anyway, as root can elsewhere).
var trusted = sync.OnceValues(func() ([]*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("finding who tkauth runs as: %w", err)
	}
	me, err := u.User.Sid.Copy()
	if err != nil {
		return nil, err
	}
	sids := []*windows.SID{me}
	for _, t := range []windows.WELL_KNOWN_SID_TYPE{windows.WinLocalSystemSid, windows.WinBuiltinAdministratorsSid} {
		sid, err := windows.CreateWellKnownSid(t)
		if err != nil {
			return nil, err
		}
		sids = append(sids, sid)
	}
	return sids, nil
})

func isTrusted(sid *windows.SID, sids []*windows.SID) bool {
	for _, t := range sids {
		if sid.Equals(t) {
			return true
		}
	}
	return false
}

// accountName names sid for a person: DOMAIN\name, or the SID itself.
func accountName(sid *windows.SID) string {
	account, domain, _, err := sid.LookupAccount("")
	switch {
	case err != nil:
		return sid.String()
	case domain == "":
		return account
	}
	return domain + `\` + account
}

// The rights that let another change a file or directory (write, append,
// add or delete entries, delete, change its access list or owner), and
// those that let another read one.
const (
	fileDeleteChild = 0x40 // winnt.h's FILE_DELETE_CHILD
	writeRights     = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | fileDeleteChild |
		windows.DELETE | windows.WRITE_DAC | windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL
	readRights = windows.FILE_READ_DATA | windows.GENERIC_READ | windows.GENERIC_ALL
)

// checkOthers refuses path if someone but the user, the system and the
// administrators owns it, or may change it, or, when private, read it.
func checkOthers(path string, _ os.FileInfo, private bool) error {
	sids, err := trusted()
	if err != nil {
		return err
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("reading who may use %s: %w", path, err)
	}
	return judgeACL(path, sd, sids, private)
}

// judgeACL is checkOthers' verdict on path's security descriptor sd.
func judgeACL(path string, sd *windows.SECURITY_DESCRIPTOR, sids []*windows.SID, private bool) error {
	me := sids[0]
	fix := fmt.Sprintf(`icacls "%s" /inheritance:r /grant:r "*%s:F"`, path, me)
	owner, _, err := sd.Owner()
	if err != nil || owner == nil {
		return fmt.Errorf("%w: %s has no owner tkauth can read (%v)", ErrUnsafe, path, err)
	}
	if !isTrusted(owner, sids) {
		what := "choose another store with " + HomeEnv
		if private {
			what = "or delete it"
		}
		return fmt.Errorf("%w: %s is owned by %s, not by you (%s): run `icacls \"%s\" /setowner \"*%s\"`, %s", ErrUnsafe, path, accountName(owner), accountName(me), path, me, what)
	}
	dacl, _, err := sd.DACL()
	if errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) || (err == nil && dacl == nil) {
		return fmt.Errorf("%w: %s has no access list, so anyone can read and change it: run `%s`", ErrUnsafe, path, fix)
	}
	if err != nil {
		return fmt.Errorf("reading who may use %s: %w", path, err)
	}
	bad := uint32(writeRights)
	if private {
		bad |= readRights
	}
	var others, removes []string
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return fmt.Errorf("reading who may use %s: %w", path, err)
		}
		// Denials only take rights away; an inherit-only entry is for
		// what is created inside, not for path itself.
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if isTrusted(sid, sids) || uint32(ace.Mask)&bad == 0 {
			continue
		}
		others = append(others, accountName(sid))
		removes = append(removes, `"*`+sid.String()+`"`)
	}
	if len(others) == 0 {
		return nil
	}
	fix += " /remove " + strings.Join(removes, " ")
	if private {
		return fmt.Errorf("%w: others can read or change the private key %s (%s): run `%s`", ErrUnsafe, path, strings.Join(others, ", "), fix)
	}
	return fmt.Errorf("%w: others can change %s (%s): run `%s`", ErrUnsafe, path, strings.Join(others, ", "), fix)
}

// privateSA is what tkauth creates its files (dir false) and directories
// with: an access list of its own, inheriting nothing, that lets the user
// and the system in and no one else.
func privateSA(dir bool) (*windows.SecurityAttributes, error) {
	sids, err := trusted()
	if err != nil {
		return nil, err
	}
	inherit := ""
	if dir {
		inherit = "OICI"
	}
	sd, err := windows.SecurityDescriptorFromString(fmt.Sprintf("D:P(A;%[1]s;FA;;;%[2]s)(A;%[1]s;FA;;;SY)", inherit, sids[0]))
	if err != nil {
		return nil, err
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	return sa, nil
}

// mkdir makes dir, private.
func mkdir(dir string) error {
	sa, err := privateSA(true)
	if err != nil {
		return err
	}
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return err
	}
	if err := windows.CreateDirectory(p, sa); err != nil {
		if errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
			err = os.ErrExist
		}
		return &os.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	return nil
}

// mkdirAll makes dir, private, and its parents, as Windows makes them.
func mkdirAll(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if fi.IsDir() {
			return nil
		}
		return &os.PathError{Op: "mkdir", Path: dir, Err: windows.ERROR_DIRECTORY}
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return err
	}
	if err := mkdir(dir); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

// openNoFollow opens path for reading without following a symbolic link
// (Stat then says it is one) and sharing it with writers, renames and
// deletes: another tkauth replaces the session file while this one reads
// it.
func openNoFollow(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
			err = os.ErrNotExist
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// Windows opens no file through a link when asked not to, and has no
// named pipes in directories; the flags are for the other systems.
const (
	noFollow = 0
	nonBlock = 0
)

// syncsDirs: Windows has no directory to sync; its renames are written
// through.
const syncsDirs = false

// cannotSyncDir is never asked on Windows.
func cannotSyncDir(error) bool { return false }

// flock takes (lockExclusive) or releases (lockRelease) the lock file's
// lock, a LockFileEx byte-range lock on its first byte; errWouldBlock
// means another holds it.
func flock(f *os.File, how int) error {
	h := windows.Handle(f.Fd())
	ol := new(windows.Overlapped)
	if how == lockRelease {
		return windows.UnlockFileEx(h, 0, 1, 0, ol)
	}
	err := windows.LockFileEx(h, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return errWouldBlock
	}
	return err
}

const (
	lockExclusive = 1
	lockRelease   = 0
)
