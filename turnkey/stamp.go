// Package turnkey is a small client of Turnkey's API: the calls tkauth
// needs to log in, refresh a session and revoke one, each request stamped
// with a P-256 key as Turnkey requires.
package turnkey

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tkauth/tkauth/session"
)

// SignatureScheme is the only stamp scheme tkauth uses.
const SignatureScheme = "SIGNATURE_SCHEME_TK_API_P256"

// Key is a P-256 key pair that stamps requests: a user's long-lived API
// key, or a session's own key pair.
type Key = session.Signer

// stamp is the X-Stamp header's JSON.
type stamp struct {
	PublicKey string `json:"publicKey"`
	Signature string `json:"signature"`
	Scheme    string `json:"scheme"`
}

// Stamp returns the X-Stamp header for body: base64url (no padding) of
// {"publicKey", "signature": hex of the DER ECDSA signature over
// sha256(body), "scheme"}.
func Stamp(k Key, body []byte) (string, error) {
	if k.Private == nil {
		return "", errors.New("no private key to stamp with")
	}
	digest := sha256.Sum256(body)
	sig, err := ecdsa.SignASN1(rand.Reader, k.Private, digest[:])
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(stamp{PublicKey: k.PublicKey, Signature: hex.EncodeToString(sig), Scheme: SignatureScheme})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// VerifyStamp checks an X-Stamp header against body and returns the
// public key that signed it.
func VerifyStamp(header string, body []byte) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return "", fmt.Errorf("stamp is not base64url: %w", err)
	}
	var st stamp
	if err := json.Unmarshal(raw, &st); err != nil {
		return "", fmt.Errorf("stamp is not JSON: %w", err)
	}
	if st.Scheme != SignatureScheme {
		return "", fmt.Errorf("unknown stamp scheme %q", st.Scheme)
	}
	pub, err := session.ParsePublicKey(st.PublicKey)
	if err != nil {
		return "", fmt.Errorf("stamp public key: %w", err)
	}
	sig, err := hex.DecodeString(st.Signature)
	if err != nil {
		return "", errors.New("stamp signature is not hex")
	}
	digest := sha256.Sum256(body)
	if !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return "", errors.New("stamp signature does not match the body")
	}
	return st.PublicKey, nil
}

// KeyFromHex makes a Key from a private key in hex (64 digits).
func KeyFromHex(private string) (Key, error) {
	k, err := session.DecodePrivateKey(private)
	if err != nil {
		return Key{}, err
	}
	return Key{PublicKey: session.CompressPublicKey(&k.PublicKey), Private: k}, nil
}
