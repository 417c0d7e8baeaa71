// Package ui is tkauth's terminal interface, a Bubble Tea program over a
// session.Manager (Sessions).
//
// The root, Model, routes each message to the component that has focus,
// owns the layout and builds the help bar from that component's key map.
// The components, each sized by SetSize and each a help.KeyMap, are the
// session table (table.go), the details pane (details.go), the filter
// (filter.go), the confirmation dialog (dialog.go), the token and help
// viewers (viewer.go), the login form (login.go) and a user's sessions on
// Turnkey (remote.go); the dialog and viewers scroll what does not fit
// (overlay.go). What the panes show comes down from the root as facts.
//
// Update and View do no I/O: reading the store, the keyring and Turnkey
// are commands (commands.go) whose answers come back as messages
// (msgs.go). Every string from a token, the store or a server is escaped
// (package text) before it is drawn.
package ui
