// Package turnkey is a small client of Turnkey's API: the calls tkauth
// needs to log in, refresh, revoke and check a session, each request
// stamped by a key as Turnkey requires: a session's own P-256 key pair, or
// a user's API key on any curve Turnkey's CLI makes (P-256, secp256k1,
// Ed25519).
package turnkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	k1ecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/tkauth/tkauth/session"
)

// The stamp schemes Turnkey accepts, by the curve of the key that signs
// (tkhq/go-sdk crypto/apikey.go).
const (
	SchemeP256      = session.SchemeP256
	SchemeSecp256k1 = "SIGNATURE_SCHEME_TK_API_SECP256K1"
	SchemeEd25519   = "SIGNATURE_SCHEME_TK_API_ED25519"
)

// stamp is the X-Stamp header's JSON.
type stamp struct {
	PublicKey string `json:"publicKey"`
	Signature string `json:"signature"`
	Scheme    string `json:"scheme"`
}

// Stamp returns the X-Stamp header for body: base64url (no padding) of
// {"publicKey", "signature": hex of k's signature over body, "scheme"}.
func Stamp(k session.Signer, body []byte) (string, error) {
	sig, err := k.Sign(body)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(stamp{PublicKey: k.PublicKey(), Signature: hex.EncodeToString(sig), Scheme: k.Scheme()})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// VerifyStamp checks an X-Stamp header against body, whatever its scheme,
// and returns the public key that signed it.
func VerifyStamp(header string, body []byte) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return "", fmt.Errorf("stamp is not base64url: %w", err)
	}
	var st stamp
	if err := json.Unmarshal(raw, &st); err != nil {
		return "", fmt.Errorf("stamp is not JSON: %w", err)
	}
	sig, err := hex.DecodeString(st.Signature)
	if err != nil {
		return "", errors.New("stamp signature is not hex")
	}
	pub, err := hex.DecodeString(st.PublicKey)
	if err != nil {
		return "", errors.New("stamp public key is not hex")
	}
	digest := sha256.Sum256(body)
	var ok bool
	switch st.Scheme {
	case SchemeP256:
		k, err := session.ParsePublicKey(st.PublicKey)
		if err != nil {
			return "", fmt.Errorf("stamp public key: %w", err)
		}
		ok = ecdsa.VerifyASN1(k, digest[:], sig)
	case SchemeSecp256k1:
		k, err := secp256k1.ParsePubKey(pub)
		if err != nil || len(pub) != 33 {
			return "", fmt.Errorf("stamp public key is not a compressed secp256k1 key")
		}
		s, err := k1ecdsa.ParseDERSignature(sig)
		ok = err == nil && s.Verify(digest[:], k)
	case SchemeEd25519:
		if len(pub) != ed25519.PublicKeySize {
			return "", fmt.Errorf("stamp public key is not an Ed25519 key")
		}
		ok = ed25519.Verify(pub, body, sig)
	default:
		return "", fmt.Errorf("unknown stamp scheme %q", st.Scheme)
	}
	if !ok {
		return "", errors.New("stamp signature does not match the body")
	}
	return st.PublicKey, nil
}

// KeyFromHex makes a P-256 key from its private key in hex (64 digits).
func KeyFromHex(private string) (session.P256Key, error) {
	k, err := session.DecodePrivateKey(private)
	if err != nil {
		return session.P256Key{}, err
	}
	return session.P256Key{Public: session.CompressPublicKey(&k.PublicKey), Private: k}, nil
}

// secp256k1Key is an API key on secp256k1, as Turnkey's CLI makes them.
type secp256k1Key struct {
	private *secp256k1.PrivateKey
	public  string
}

func (k secp256k1Key) PublicKey() string { return k.public }
func (k secp256k1Key) Scheme() string    { return SchemeSecp256k1 }
func (k secp256k1Key) Sign(body []byte) ([]byte, error) {
	digest := sha256.Sum256(body)
	return k1ecdsa.Sign(k.private, digest[:]).Serialize(), nil
}

// Secp256k1KeyFromHex makes a secp256k1 key from its private key in hex
// (64 digits).
func Secp256k1KeyFromHex(private string) (session.Signer, error) {
	b, err := hex.DecodeString(private)
	if err != nil || len(b) != 32 {
		return nil, errors.New("want 64 hex digits")
	}
	k := secp256k1.PrivKeyFromBytes(b)
	if k.Key.IsZero() {
		return nil, errors.New("not a secp256k1 private key")
	}
	return secp256k1Key{private: k, public: hex.EncodeToString(k.PubKey().SerializeCompressed())}, nil
}

// ed25519Key is an API key on Ed25519, as Turnkey's CLI makes them.
type ed25519Key struct {
	private ed25519.PrivateKey
}

func (k ed25519Key) PublicKey() string {
	return hex.EncodeToString(k.private.Public().(ed25519.PublicKey))
}
func (k ed25519Key) Scheme() string                   { return SchemeEd25519 }
func (k ed25519Key) Sign(body []byte) ([]byte, error) { return ed25519.Sign(k.private, body), nil }

// Ed25519KeyFromHex makes an Ed25519 key from its private key in hex: the
// 64-byte form Turnkey's CLI writes (seed and public key), or the 32-byte
// seed alone.
func Ed25519KeyFromHex(private string) (session.Signer, error) {
	b, err := hex.DecodeString(private)
	if err != nil {
		return nil, errors.New("not hex")
	}
	switch len(b) {
	case ed25519.SeedSize:
		return ed25519Key{private: ed25519.NewKeyFromSeed(b)}, nil
	case ed25519.PrivateKeySize:
		k := ed25519.NewKeyFromSeed(b[:ed25519.SeedSize])
		if !k.Equal(ed25519.PrivateKey(b)) {
			return nil, errors.New("its public half does not match its seed")
		}
		return ed25519Key{private: k}, nil
	}
	return nil, fmt.Errorf("want 128 hex digits (or 64, the seed), got %d", len(private))
}
