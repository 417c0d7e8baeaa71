// Package e2e holds tkauth's end-to-end tests. They build the tkauth
// binary and run it as a user would: in tmux, on a pseudo-terminal,
// against a real Secret Service (scripts/with-keyring) that they freeze,
// lock and kill, and with hostile input; each checks what is left on disk
// and in the keyring. It has no code of its own.
package e2e
