package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// replaceFile writes data to a new private file in tmp, flushes it, and
// renames it over path. The rename has POSIX semantics where Windows has
// them (Windows 10 1809 and later, on NTFS): it replaces path even while
// readers have it open, as tkauth's readers do, sharing deletes
// (openNoFollow). Elsewhere, and against a reader that does not share
// deletes (an indexer, a virus scanner), the classic rename fails while
// path is open: it is tried again for up to renameWait.
func replaceFile(tmp, path string, data []byte) error {
	file, err := writeTemp(tmp, filepath.Base(path), data)
	if err != nil {
		return err
	}
	if err := renameOver(file, path); err != nil {
		os.Remove(file.Name())
		return err
	}
	return nil
}

// renameWait bounds how long replaceFile retries a rename a reader blocks.
const renameWait = 2 * time.Second

// renameOver renames the open file over to, durably, and closes it.
func renameOver(file *os.File, to string) error {
	h := windows.Handle(file.Fd())
	err := renamePOSIX(h, to)
	if err == nil {
		err = windows.FlushFileBuffers(h)
	}
	file.Close() // the classic rename opens the file itself
	if err == nil || !errors.Is(err, windows.ERROR_INVALID_PARAMETER) && !errors.Is(err, windows.ERROR_NOT_SUPPORTED) && !errors.Is(err, windows.ERROR_INVALID_FUNCTION) {
		if err != nil {
			err = &os.LinkError{Op: "rename", Old: file.Name(), New: to, Err: err}
		}
		return err
	}
	// No POSIX rename here: the classic one, retried while to is open.
	f, err := windows.UTF16PtrFromString(file.Name())
	if err != nil {
		return err
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(renameWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		err = windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
		if err == nil {
			return nil
		}
		if !errors.Is(err, windows.ERROR_ACCESS_DENIED) && !errors.Is(err, windows.ERROR_SHARING_VIOLATION) || time.Now().After(deadline) {
			break
		}
		time.Sleep(wait)
	}
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
		return fmt.Errorf("replacing %s: another program kept it open for %s (%w)", to, renameWait, err)
	}
	return &os.LinkError{Op: "rename", Old: file.Name(), New: to, Err: err}
}

// fileRenameInfo is FILE_RENAME_INFO with its Flags (winbase.h).
type fileRenameInfo struct {
	Flags          uint32
	RootDirectory  windows.Handle
	FileNameLength uint32
	FileName       [1]uint16
}

// The flags of FileRenameInfoEx (winbase.h).
const (
	renameReplaceIfExists = 0x1
	renamePOSIXSemantics  = 0x2
)

// renamePOSIX renames the file open as h to to, replacing it even while
// it is open elsewhere (shared for deletes).
func renamePOSIX(h windows.Handle, to string) error {
	name, err := windows.UTF16FromString(to)
	if err != nil {
		return err
	}
	var info fileRenameInfo
	size := unsafe.Offsetof(info.FileName) + uintptr(len(name))*2
	buf := make([]uint64, (size+7)/8) // aligned as the struct is
	ri := (*fileRenameInfo)(unsafe.Pointer(&buf[0]))
	ri.Flags = renameReplaceIfExists | renamePOSIXSemantics
	ri.FileNameLength = uint32(len(name)-1) * 2
	copy(unsafe.Slice(&ri.FileName[0], len(name)), name)
	return windows.SetFileInformationByHandle(h, windows.FileRenameInfoEx, (*byte)(unsafe.Pointer(ri)), uint32(size))
}

// writeTemp writes data to a new private file in dir, named after base,
// flushed to disk, and returns it open, so that it can be renamed.
func writeTemp(dir, base string, data []byte) (*os.File, error) {
	sa, err := privateSA(false)
	if err != nil {
		return nil, err
	}
	var rnd [8]byte
	for {
		rand.Read(rnd[:])
		name := filepath.Join(dir, "."+base+hex.EncodeToString(rnd[:]))
		p, err := windows.UTF16PtrFromString(name)
		if err != nil {
			return nil, err
		}
		h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE|windows.DELETE, 0, sa, windows.CREATE_NEW, windows.FILE_ATTRIBUTE_NORMAL, 0)
		if errors.Is(err, windows.ERROR_FILE_EXISTS) {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "create", Path: name, Err: err}
		}
		file := os.NewFile(uintptr(h), name)
		_, err = file.Write(data)
		if err == nil {
			err = file.Sync()
		}
		if err != nil {
			file.Close()
			os.Remove(name)
			return nil, err
		}
		return file, nil
	}
}
