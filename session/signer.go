package session

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Signer is a key that signs requests to Turnkey: a user's long-lived API
// key (P-256, secp256k1 or Ed25519, as Turnkey's CLI makes them), or a
// session's own key pair (P-256).
type Signer interface {
	// PublicKey is the key as Turnkey registers it, in hex: compressed for
	// P-256 and secp256k1, raw for Ed25519.
	PublicKey() string
	// Scheme is the stamp's signature scheme, SIGNATURE_SCHEME_TK_API_...
	Scheme() string
	// Sign signs a request body as Scheme says: DER ECDSA over its SHA-256
	// for P-256 and secp256k1, Ed25519 over the body itself.
	Sign(body []byte) ([]byte, error)
}

// SchemeP256 is the stamp scheme of a P-256 key.
const SchemeP256 = "SIGNATURE_SCHEME_TK_API_P256"

// P256Key is a P-256 key pair that signs: a session's own, or an API key.
type P256Key struct {
	Public  string // compressed, hex
	Private *ecdsa.PrivateKey
}

var _ Signer = P256Key{}

// PublicKey implements Signer.
func (k P256Key) PublicKey() string { return k.Public }

// Scheme implements Signer.
func (k P256Key) Scheme() string { return SchemeP256 }

// Sign implements Signer: DER ECDSA over the body's SHA-256.
func (k P256Key) Sign(body []byte) ([]byte, error) {
	if k.Private == nil {
		return nil, errors.New("no private key to sign with")
	}
	digest := sha256.Sum256(body)
	return ecdsa.SignASN1(rand.Reader, k.Private, digest[:])
}

// Signer returns the key pair of publicKey from its key store, to sign
// requests to Turnkey.
func (m *Manager) Signer(ctx context.Context, publicKey string) (Signer, error) {
	st, err := m.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	ks, err := m.storeOf(st, publicKey)
	if err != nil {
		return nil, err
	}
	secret, err := ks.Get(ctx, publicKey)
	if errors.Is(err, ErrKeyNotFound) {
		return nil, fmt.Errorf("the private key of %s is not in the %s key store, so it cannot sign", Short(publicKey), ks.Name())
	}
	if err != nil {
		return nil, err
	}
	k, err := DecodePrivateKey(secret)
	if err != nil || CompressPublicKey(&k.PublicKey) != publicKey {
		return nil, fmt.Errorf("the %s key store's private key for %s is not its own", ks.Name(), Short(publicKey))
	}
	return P256Key{Public: publicKey, Private: k}, nil
}
