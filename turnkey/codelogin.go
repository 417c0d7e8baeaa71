package turnkey

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hpke"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// tlsFetcherKey is the uncompressed P-256 key with which Turnkey's enclave
// signs OTP target bundles and verification tokens (tkhq/sdk
// packages/crypto constants.ts, PRODUCTION_TLS_FETCHER_SIGN_PUBLIC_KEY).
const tlsFetcherKey = "046b4f88421f76b6ba418afc2ea1d8ced671337d7db6b80478a60d8531bf8f17fa9a512f0fef96fc0c9b4cd9dff70b34992e520ce04c79d931f6ff6296b547d201"

// Anchors are the keys a code login trusts: the enclave key that signs
// target bundles and verification tokens, and the notarizer that signs
// session tokens. Production's are compiled in; Test marks a stand-in's.
type Anchors struct {
	Enclave   *ecdsa.PublicKey
	Notarizer *ecdsa.PublicKey
	Test      bool
}

// ProductionAnchors are Turnkey's published keys.
func ProductionAnchors() Anchors {
	enc, _ := ParseUncompressed(tlsFetcherKey)
	not, _ := ParseUncompressed(session.ProductionNotarizerKey)
	return Anchors{Enclave: enc, Notarizer: not}
}

// ParseUncompressed reads an uncompressed P-256 public key in hex.
func ParseUncompressed(h string) (*ecdsa.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(h))
	if err != nil {
		return nil, errors.New("not hex")
	}
	k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), b)
	if err != nil {
		return nil, errors.New("not an uncompressed P-256 public key (04, then 64 bytes, in hex)")
	}
	return k, nil
}

func uncompressed(k *ecdsa.PublicKey) []byte {
	b, _ := k.Bytes()
	return b
}

// ErrUntrusted: a bundle or token is not signed by the key tkauth trusts.
var ErrUntrusted = errors.New("not signed by Turnkey's enclave key")

// Target is an OTP's encryption target, from a verified target bundle.
type Target struct {
	Public         []byte // uncompressed P-256
	OrganizationID string
	UserID         string
}

// VerifyTargetBundle checks an otpEncryptionTargetBundle as Turnkey's SDK
// does (encryptOtpCodeToBundle): its enclaveQuorumPublic must be the
// enclave key, and dataSignature a DER ECDSA signature by it over
// sha256 of the data's bytes; then it reads the target key from data.
func VerifyTargetBundle(bundle string, enclave *ecdsa.PublicKey) (Target, error) {
	data, err := verifyEnclaveSigned(bundle, enclave)
	if err != nil {
		return Target{}, err
	}
	var d wire.TargetData
	if err := json.Unmarshal(data, &d); err != nil {
		return Target{}, fmt.Errorf("the OTP target bundle's data is not JSON: %s", escape.Clean(err.Error()))
	}
	pub, err := ParseUncompressed(d.TargetPublic)
	if err != nil {
		return Target{}, fmt.Errorf("the OTP target bundle's target key: %w", err)
	}
	return Target{Public: uncompressed(pub), OrganizationID: d.OrganizationID, UserID: d.UserID}, nil
}

func cut(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// verifyEnclaveSigned checks one of the enclave's signed bundles
// ({version, data, dataSignature, enclaveQuorumPublic}) and returns its
// data's bytes.
func verifyEnclaveSigned(bundle string, enclave *ecdsa.PublicKey) ([]byte, error) {
	var msg wire.EnclaveSigned
	if err := json.Unmarshal([]byte(bundle), &msg); err != nil {
		return nil, fmt.Errorf("the OTP target bundle is not JSON: %s", escape.Clean(err.Error()))
	}
	signer, err := ParseUncompressed(msg.EnclaveQuorumPublic)
	if err != nil || !signer.Equal(enclave) {
		return nil, fmt.Errorf("%w: the OTP target bundle is signed by %s, not by %s", ErrUntrusted, escape.Clean(cut(msg.EnclaveQuorumPublic)), cut(hex.EncodeToString(uncompressed(enclave))))
	}
	data, err1 := hex.DecodeString(msg.Data)
	sig, err2 := hex.DecodeString(msg.DataSignature)
	if err1 != nil || err2 != nil {
		return nil, errors.New("the OTP target bundle's data or signature is not hex")
	}
	digest := sha256.Sum256(data)
	if !ecdsa.VerifyASN1(enclave, digest[:], sig) {
		return nil, fmt.Errorf("%w: the OTP target bundle's signature does not match its data", ErrUntrusted)
	}
	return data, nil
}

// EncryptCode encrypts an OTP code and the session public key (compressed
// hex) to t, as Turnkey's SDK does: HPKE base mode with info
// "turnkey_hpke" and aad = encapped key || target key, both uncompressed;
// the plaintext {"otp_code","public_key"}. It returns the
// encryptedOtpBundle, {"encappedPublic","ciphertext"} in hex.
func EncryptCode(t Target, code, sessionPublicKey string) (string, error) {
	ek, err := ecdh.P256().NewPublicKey(t.Public)
	if err != nil {
		return "", fmt.Errorf("the OTP target key: %w", err)
	}
	pk, err := hpke.NewDHKEMPublicKey(ek)
	if err != nil {
		return "", err
	}
	kdf, aead := wire.HPKESuite()
	enc, sender, err := hpke.NewSender(pk, kdf, aead, []byte(wire.HPKEInfo))
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(wire.OTPPlaintext{Code: code, PublicKey: sessionPublicKey})
	if err != nil {
		return "", err
	}
	ct, err := sender.Seal(append(append([]byte{}, enc...), t.Public...), plain)
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(wire.EncryptedOTPBundle{EncappedPublic: hex.EncodeToString(enc), Ciphertext: hex.EncodeToString(ct)})
	return string(out), err
}

// VerificationToken is the claims of a verification token: Turnkey's
// proof that someone read the code sent to Contact, bound to PublicKey.
type VerificationToken struct {
	Raw            string
	ID             string
	Type           string // OTP_TYPE_EMAIL, OTP_TYPE_SMS, OTP_TYPE_WHATSAPP
	Contact        string
	OrganizationID string
	PublicKey      string // compressed P-256, hex
	Expiry         time.Time
}

// ErrTokenExpired: a verification token past its expiry.
var ErrTokenExpired = errors.New("the verification token has expired")

// VerifyVerificationToken checks a verification token as Turnkey's SDK
// does (verifyOtpVerificationToken): an ES256 JWT (header alg ES256, typ
// JWT) whose raw r||s signature over sha256(header.payload) is the
// enclave key's; every claim a non-empty string; exp in milliseconds, not
// past at now.
func VerifyVerificationToken(token string, enclave *ecdsa.PublicKey, now time.Time) (VerificationToken, error) {
	token = strings.TrimSpace(token)
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(token) > session.MaxTokenSize {
		return VerificationToken{}, errors.New("the verification token is not a JWT")
	}
	dec := base64.RawURLEncoding.DecodeString
	header, err1 := dec(parts[0])
	payload, err2 := dec(parts[1])
	sig, err3 := dec(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return VerificationToken{}, errors.New("the verification token is not base64url")
	}
	var h struct{ Alg, Typ string }
	if json.Unmarshal(header, &h) != nil || h.Alg != "ES256" || h.Typ != "JWT" {
		return VerificationToken{}, fmt.Errorf("the verification token's header is %s, not ES256 JWT", strconv.Quote(escape.Clean(string(header))))
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(enclave, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return VerificationToken{}, fmt.Errorf("%w: the verification token's signature", ErrUntrusted)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		return VerificationToken{}, errors.New("the verification token's claims are not JSON")
	}
	str := func(name string) (string, error) {
		v, ok := c[name].(string)
		if !ok || v == "" {
			return "", fmt.Errorf("the verification token has no %s claim", name)
		}
		return v, nil
	}
	var t VerificationToken
	var errs []error
	for _, f := range []struct {
		name string
		to   *string
	}{{"id", &t.ID}, {"verification_type", &t.Type}, {"contact", &t.Contact}, {"organization_id", &t.OrganizationID}, {"public_key", &t.PublicKey}} {
		v, err := str(f.name)
		errs = append(errs, err)
		*f.to = v
	}
	exp, err := str("exp")
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return VerificationToken{}, err
	}
	ms, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return VerificationToken{}, fmt.Errorf("the verification token's exp %s is not milliseconds", strconv.Quote(escape.Clean(exp)))
	}
	t.Expiry, t.Raw = time.UnixMilli(ms), token
	if !now.Before(t.Expiry) {
		return t, fmt.Errorf("%w (at %s)", ErrTokenExpired, t.Expiry.UTC().Format(time.RFC3339))
	}
	return t, nil
}

// derToRaw turns a DER ECDSA P-256 signature into raw r||s.
func derToRaw(der []byte) ([]byte, error) {
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) > 0 || rs.R.BitLen() > 256 || rs.S.BitLen() > 256 {
		return nil, errors.New("not a DER P-256 signature")
	}
	sig := make([]byte, 64)
	rs.R.FillBytes(sig[:32])
	rs.S.FillBytes(sig[32:])
	return sig, nil
}

// attestedStamp is the X-Stamp-Attested header for body: base64url (no
// padding) of {"publicKeyAttestation": attestation, "scheme", "publicKey":
// k's, "signature": hex DER ECDSA over sha256(body)}, k a session key.
func attestedStamp(k session.Signer, attestation, scheme string, body []byte) (string, error) {
	if k.Scheme() != session.SchemeP256 {
		return "", errors.New("an attested stamp is signed by a P-256 session key")
	}
	sig, err := k.Sign(body)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(wire.AttestedStamp{PublicKeyAttestation: attestation, Scheme: scheme, PublicKey: k.PublicKey(), Signature: hex.EncodeToString(sig)})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SignLogin makes the client signature for logging in with verification
// token id tokenID: k (the session key) signs LoginUsage, raw r||s over
// its sha256, in hex.
func SignLogin(k session.Signer, tokenID string) (wire.ClientSignature, error) {
	msg := wire.LoginUsage(tokenID, k.PublicKey())
	der, err := k.Sign([]byte(msg))
	if err != nil {
		return wire.ClientSignature{}, err
	}
	raw, err := derToRaw(der)
	if err != nil {
		return wire.ClientSignature{}, err
	}
	return wire.ClientSignature{PublicKey: k.PublicKey(), Scheme: wire.ClientSignatureSchemeAPIP256, Message: msg, Signature: hex.EncodeToString(raw)}, nil
}
