//go:build darwin || windows

package store

// servedBy names the Secret Service's program; macOS and Windows have none.
func servedBy() string { return "" }
