package store

import "errors"

// securityPath is the Keychain's command-line tool.
const securityPath = "/usr/bin/security"

// On macOS the system keyring is the Keychain, through security.
func (k *SystemKeys) backend() backend { return keychain{path: securityPath, service: k.service} }

// notFound recognises security's "the item is not in the keychain".
func notFound(err error) bool {
	var ke *keychainError
	return errors.As(err, &ke) && ke.status == secItemNotFound
}
