package turnkey

import (
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
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// Stamp returns the X-Stamp header for body: base64url (no padding) of
// {"publicKey", "signature": hex of k's signature over body, "scheme"}.
func Stamp(k session.Signer, body []byte) (string, error) {
	sig, err := k.Sign(body)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(wire.Stamp{PublicKey: k.PublicKey(), Signature: hex.EncodeToString(sig), Scheme: k.Scheme()})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
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
func (k secp256k1Key) Scheme() string    { return wire.SchemeSecp256k1 }
func (k secp256k1Key) Sign(body []byte) ([]byte, error) {
	digest := sha256.Sum256(body)
	return k1ecdsa.Sign(k.private, digest[:]).Serialize(), nil
}

// secp256k1KeyFromHex makes a secp256k1 key from its private key in hex
// (64 digits).
func secp256k1KeyFromHex(private string) (session.Signer, error) {
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
func (k ed25519Key) Scheme() string                   { return wire.SchemeEd25519 }
func (k ed25519Key) Sign(body []byte) ([]byte, error) { return ed25519.Sign(k.private, body), nil }

// ed25519KeyFromHex makes an Ed25519 key from its private key in hex: the
// 64-byte form Turnkey's CLI writes (seed and public key), or the 32-byte
// seed alone.
func ed25519KeyFromHex(private string) (session.Signer, error) {
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
