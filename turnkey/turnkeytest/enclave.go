package turnkeytest

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	k1ecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// What only Turnkey does: the enclave's side of code login (opening the
// code, signing target bundles and verification tokens) and the API's
// checks of stamps and client signatures.

// decryptCode is the enclave's side of turnkey.EncryptCode: it opens an
// encryptedOtpBundle with the target's private key and returns the code
// and the session public key.
func decryptCode(bundle string, target *ecdh.PrivateKey) (code, sessionPublicKey string, err error) {
	var msg wire.EncryptedOTPBundle
	if err := json.Unmarshal([]byte(bundle), &msg); err != nil {
		return "", "", errors.New("encryptedOtpBundle is not JSON")
	}
	enc, err1 := hex.DecodeString(msg.EncappedPublic)
	ct, err2 := hex.DecodeString(msg.Ciphertext)
	if err1 != nil || err2 != nil || len(enc) != 65 || enc[0] != 4 {
		return "", "", errors.New("encryptedOtpBundle: encappedPublic must be an uncompressed P-256 key and ciphertext hex")
	}
	plain, err := hpkeOpen(enc, ct, target)
	if err != nil {
		return "", "", errors.New("encryptedOtpBundle does not decrypt with the target key")
	}
	var p wire.OTPPlaintext
	if err := json.Unmarshal(plain, &p); err != nil {
		return "", "", errors.New("the decrypted OTP bundle is not JSON")
	}
	return p.Code, p.PublicKey, nil
}

// hpkeOpen opens a message sealed to target as Turnkey's enclave seals
// and opens them: aad = enc || target's uncompressed public key.
func hpkeOpen(enc, ct []byte, target *ecdh.PrivateKey) ([]byte, error) {
	sk, err := hpke.NewDHKEMPrivateKey(target)
	if err != nil {
		return nil, err
	}
	kdf, aead := wire.HPKESuite()
	r, err := hpke.NewRecipient(enc, sk, kdf, aead, []byte(wire.HPKEInfo))
	if err != nil {
		return nil, err
	}
	return r.Open(append(append([]byte{}, enc...), target.PublicKey().Bytes()...), ct)
}

// signVerificationToken makes a verification token with claims t signed
// by enclave, as Turnkey's enclave does.
func signVerificationToken(t turnkey.VerificationToken, enclave *ecdsa.PrivateKey) (string, error) {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"ES256","typ":"JWT"}`))
	body, err := json.Marshal(map[string]string{"id": t.ID, "verification_type": t.Type, "contact": t.Contact,
		"organization_id": t.OrganizationID, "public_key": t.PublicKey, "exp": strconv.FormatInt(t.Expiry.UnixMilli(), 10)})
	if err != nil {
		return "", err
	}
	input := header + "." + base64.RawURLEncoding.EncodeToString(body)
	sig, err := rawSign(enclave, []byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// signTargetBundle makes an otpEncryptionTargetBundle for target, signed
// by enclave, as Turnkey's enclave does.
func signTargetBundle(t turnkey.Target, enclave *ecdsa.PrivateKey) (string, error) {
	data, err := json.Marshal(wire.TargetData{TargetPublic: hex.EncodeToString(t.Public), OrganizationID: t.OrganizationID, UserID: t.UserID})
	if err != nil {
		return "", err
	}
	digest := sha256.Sum256(data)
	sig, err := ecdsa.SignASN1(rand.Reader, enclave, digest[:])
	if err != nil {
		return "", err
	}
	quorum, err := enclave.PublicKey.Bytes()
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(wire.EnclaveSigned{Version: "v1.0.0", Data: hex.EncodeToString(data), DataSignature: hex.EncodeToString(sig),
		EnclaveQuorumPublic: hex.EncodeToString(quorum)})
	return string(out), err
}

// rawSign signs sha256(msg) with k, raw r||s, as JWTs carry it.
func rawSign(k *ecdsa.PrivateKey, msg []byte) ([]byte, error) {
	digest := sha256.Sum256(msg)
	r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
	if err != nil {
		return nil, err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return sig, nil
}

// VerifyStamp checks an X-Stamp header against body, whatever its scheme,
// and returns the public key that signed it.
func VerifyStamp(header string, body []byte) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return "", fmt.Errorf("stamp is not base64url: %w", err)
	}
	var st wire.Stamp
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
	case session.SchemeP256:
		k, err := session.ParsePublicKey(st.PublicKey)
		if err != nil {
			return "", fmt.Errorf("stamp public key: %w", err)
		}
		ok = ecdsa.VerifyASN1(k, digest[:], sig)
	case wire.SchemeSecp256k1:
		k, err := secp256k1.ParsePubKey(pub)
		if err != nil || len(pub) != 33 {
			return "", fmt.Errorf("stamp public key is not a compressed secp256k1 key")
		}
		s, err := k1ecdsa.ParseDERSignature(sig)
		ok = err == nil && s.Verify(digest[:], k)
	case wire.SchemeEd25519:
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

// verifyAttestedStamp decodes an X-Stamp-Attested header and checks its
// signature over body by its public key (not the attestation: that is
// for the caller to judge).
func verifyAttestedStamp(header string, body []byte) (wire.AttestedStamp, error) {
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return wire.AttestedStamp{}, errors.New("attested stamp is not base64url")
	}
	var st wire.AttestedStamp
	if err := json.Unmarshal(raw, &st); err != nil {
		return wire.AttestedStamp{}, errors.New("attested stamp is not JSON")
	}
	pub, err := session.ParsePublicKey(st.PublicKey)
	if err != nil {
		return wire.AttestedStamp{}, fmt.Errorf("attested stamp public key: %w", err)
	}
	sig, err := hex.DecodeString(st.Signature)
	digest := sha256.Sum256(body)
	if err != nil || !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return wire.AttestedStamp{}, errors.New("attested stamp signature does not match the body")
	}
	return st, nil
}

// verifyClientSignature checks a client signature: by its public key,
// raw r||s over sha256 of its message.
func verifyClientSignature(cs wire.ClientSignature) error {
	pub, err := session.ParsePublicKey(cs.PublicKey)
	if err != nil {
		return fmt.Errorf("client signature public key: %w", err)
	}
	sig, err := hex.DecodeString(cs.Signature)
	digest := sha256.Sum256([]byte(cs.Message))
	if err != nil || len(sig) != 64 || !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("client signature does not match its message")
	}
	return nil
}
