package store

// servedBy names the Secret Service's program; macOS has none.
func servedBy() string { return "" }
