// Package session is tkauth's domain: Turnkey session tokens, the P-256 key
// pairs they are bound to, and the Manager that stores, switches and logs
// out sessions the way Turnkey's SDK does, without its races.
//
// Persistence is behind two small interfaces, Store and KeyStore; package
// store implements them.
package session

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// DefaultKey is the session key Turnkey's SDK stores a session under when
// none is given.
const DefaultKey = "@turnkey/session/v3"

// Session is a stored Turnkey session: a token, the claims decoded from it,
// and what tkauth knows about it.
type Session struct {
	Key      string // the name it is stored under
	Token    string // the JWT; a secret, shown only on request
	Claims          // decoded from Token
	Verified bool   // signed by Turnkey's production notarizer
	// TestSigned: signed by the test signer a Manager was given
	// (WithTestSigner), never Turnkey's.
	TestSigned bool
	StoredAt   time.Time
	// APIBaseURL is the Turnkey API tkauth logged the session in with, if
	// it did: refresh, revoke and checks go there.
	APIBaseURL string
	// OrganizationName and Username are Turnkey's names for the
	// organization and user, as whoami said them at login; "" if unknown
	// (the session was added). They are shown where people read; the IDs
	// stay what is checked.
	OrganizationName, Username string
}

// OrganizationLabel is the organization's name when known, else its ID.
func (s Session) OrganizationLabel() string {
	if s.OrganizationName != "" {
		return s.OrganizationName
	}
	return s.OrganizationID
}

// UserLabel is the user's name when known, else their ID.
func (s Session) UserLabel() string {
	if s.Username != "" {
		return s.Username
	}
	return s.UserID
}

// Expired reports whether the session has expired at now.
func (s Session) Expired(now time.Time) bool {
	return !now.Before(s.Expiry)
}

// KeyPair is the index entry of a key pair tkauth created. Only key pairs in
// this index are ever deleted from a key store.
type KeyPair struct {
	PublicKey string // compressed P-256, hex: the key pair's ID
	KeyStore  string // name of the key store that holds the private key
	CreatedAt time.Time
	// Deleting is set while the private key is being deleted: a crash
	// between the two writes of a logout leaves it set, and the next
	// ClearUnusedKeyPairs finishes the job.
	Deleting bool
	// Unclaimed is set from creation until a session is stored on the key
	// pair: while a login that will use it is under way, it is unused but
	// not unwanted, and for ClaimWindow ClearUnusedKeyPairs leaves it be.
	Unclaimed bool
}

// ClaimWindow is how long a new key pair that no session has used yet is
// kept by ClearUnusedKeyPairs: time for the login it was made for.
const ClaimWindow = 10 * time.Minute

// NewPrivateKey returns a new P-256 private key and its public key in
// Turnkey's compressed hex form.
func NewPrivateKey() (*ecdsa.PrivateKey, string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", err
	}
	return k, CompressPublicKey(&k.PublicKey), nil
}

// CompressPublicKey returns pub as compressed hex, Turnkey's key pair ID;
// "" if pub is not a valid P-256 key.
func CompressPublicKey(pub *ecdsa.PublicKey) string {
	b, err := pub.Bytes() // 04 || X || Y
	if err != nil || len(b) != 65 {
		return ""
	}
	out := make([]byte, 33)
	out[0] = 2 | b[64]&1 // 02 for an even Y, 03 for an odd one
	copy(out[1:], b[1:33])
	return hex.EncodeToString(out)
}

// EncodePrivateKey returns k as 64 hex digits, the form Turnkey's SDKs keep.
func EncodePrivateKey(k *ecdsa.PrivateKey) (string, error) {
	b, err := k.Bytes()
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// DecodePrivateKey parses 64 hex digits into a P-256 private key.
func DecodePrivateKey(h string) (*ecdsa.PrivateKey, error) {
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("private key is not hex")
	}
	return ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
}
