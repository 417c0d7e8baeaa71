// Package ui is tkauth's terminal interface, a Bubble Tea program over a
// session.Manager (Sessions).
//
// The root, Model, holds the focus as the name of a component and looks
// it up (component): every key goes to that component's Update, the body
// of the screen is its View, the help bar its help.KeyMap, and it is
// sized by SetSize. The components are the session table with the
// details pane under it (table.go, details.go), the filter (filter.go),
// the confirmation dialog (dialog.go), the token and help viewers
// (viewer.go), the login form (login.go) and a user's sessions on Turnkey
// (remote.go); the dialog and viewers scroll what does not fit
// (overlay.go). Each is given the root's styles and facts (component.go)
// and reaches the root only by asking: focus another, say, start an
// action, open a dialog.
//
// Update and View do no I/O: reading the store, the keyring and Turnkey
// are commands (commands.go) whose answers come back as messages
// (msgs.go). Every string from a token, the store or a server is escaped
// (internal/escape) before it is drawn.
package ui
