//go:build !windows

package store

import "github.com/google/renameio/v2"

// replaceFile writes data to a new private file in tmp, syncs it, and
// renames it over path.
func replaceFile(tmp, path string, data []byte) error {
	return renameio.WriteFile(path, data, filePerm, renameio.WithStaticPermissions(filePerm), renameio.WithTempDir(tmp))
}
