//go:build !unix && !windows

package store

import (
	"errors"
	"os"
)

const (
	noFollow = 0
	nonBlock = 0
)

func owner(os.FileInfo) (int, bool) { return 0, false }

func cannotSyncDir(error) bool { return false }

func flock(*os.File, int) error { return errors.ErrUnsupported }

const (
	lockExclusive = 0
	lockRelease   = 0
)
