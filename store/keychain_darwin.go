package store

import (
	"errors"
	"os"
)

// securityPath is the Keychain's command-line tool.
const securityPath = "/usr/bin/security"

// On macOS the system keyring is the Keychain, through security: the
// default keychain, or in tests the throw-away one TKAUTH_TEST_KEYCHAIN
// names (testKeychain).
func (k *SystemKeys) backend() backend {
	if k.test != nil {
		return k.test
	}
	return keychain{path: securityPath, service: k.service, file: testKeychain(), found: &k.keychainFile}
}

// testKeychain is TKAUTH_TEST_KEYCHAIN, a keychain file for tests, when
// it is under the temporary directory, so that it can only ever name a
// throw-away keychain (scripts/with-keychain makes one); "" otherwise.
func testKeychain() string {
	return underTemp(os.Getenv("TKAUTH_TEST_KEYCHAIN"), os.TempDir())
}

// notFound recognises security's "the item is not in the keychain".
func notFound(err error) bool {
	var ke *keychainError
	return errors.As(err, &ke) && ke.status == secItemNotFound
}
