package turnkey

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hpke"
	"crypto/rand"
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

// TLSFetcherKey is the uncompressed P-256 key with which Turnkey's enclave
// signs OTP target bundles and verification tokens (tkhq/sdk
// packages/crypto constants.ts, PRODUCTION_TLS_FETCHER_SIGN_PUBLIC_KEY).
const TLSFetcherKey = "046b4f88421f76b6ba418afc2ea1d8ced671337d7db6b80478a60d8531bf8f17fa9a512f0fef96fc0c9b4cd9dff70b34992e520ce04c79d931f6ff6296b547d201"

// HPKEInfo is the info string of Turnkey's enclave HPKE messages.
const HPKEInfo = "turnkey_hpke"

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
	enc, _ := ParseUncompressed(TLSFetcherKey)
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
	var d struct {
		TargetPublic   string `json:"targetPublic"`
		OrganizationID string `json:"organizationId"`
		UserID         string `json:"userId"`
	}
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
	var msg struct {
		Version             string `json:"version"`
		Data                string `json:"data"`
		DataSignature       string `json:"dataSignature"`
		EnclaveQuorumPublic string `json:"enclaveQuorumPublic"`
	}
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

// hpkeSuite is Turnkey's: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256,
// AES-256-GCM.
func hpkeSuite() (hpke.KDF, hpke.AEAD) { return hpke.HKDFSHA256(), hpke.AES256GCM() }

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
	kdf, aead := hpkeSuite()
	enc, sender, err := hpke.NewSender(pk, kdf, aead, []byte(HPKEInfo))
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(struct {
		Code      string `json:"otp_code"`
		PublicKey string `json:"public_key"`
	}{code, sessionPublicKey})
	if err != nil {
		return "", err
	}
	ct, err := sender.Seal(append(append([]byte{}, enc...), t.Public...), plain)
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(map[string]string{"encappedPublic": hex.EncodeToString(enc), "ciphertext": hex.EncodeToString(ct)})
	return string(out), err
}

// DecryptCode is the enclave's side of EncryptCode, for test servers: it
// opens an encryptedOtpBundle with the target's private key and returns
// the code and the session public key.
func DecryptCode(bundle string, target *ecdh.PrivateKey) (code, sessionPublicKey string, err error) {
	var msg struct {
		EncappedPublic string `json:"encappedPublic"`
		Ciphertext     string `json:"ciphertext"`
	}
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
	var p struct {
		Code      string `json:"otp_code"`
		PublicKey string `json:"public_key"`
	}
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
	kdf, aead := hpkeSuite()
	r, err := hpke.NewRecipient(enc, sk, kdf, aead, []byte(HPKEInfo))
	if err != nil {
		return nil, err
	}
	return r.Open(append(append([]byte{}, enc...), target.PublicKey().Bytes()...), ct)
}

// VerificationToken is the claims of a verification token: Turnkey's
// proof that someone read the code sent to Contact, bound to PublicKey.
type VerificationToken struct {
	Raw            string
	ID             string
	Type           string // OTP_TYPE_EMAIL, OTP_TYPE_SMS
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

// SignVerificationToken makes a verification token with claims t signed
// by enclave, as Turnkey's enclave does, for test servers.
func SignVerificationToken(t VerificationToken, enclave *ecdsa.PrivateKey) (string, error) {
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

// SignTargetBundle makes an otpEncryptionTargetBundle for target, signed
// by enclave, as Turnkey's enclave does, for test servers.
func SignTargetBundle(t Target, enclave *ecdsa.PrivateKey) (string, error) {
	data, err := json.Marshal(map[string]string{"targetPublic": hex.EncodeToString(t.Public), "organizationId": t.OrganizationID, "userId": t.UserID})
	if err != nil {
		return "", err
	}
	digest := sha256.Sum256(data)
	sig, err := ecdsa.SignASN1(rand.Reader, enclave, digest[:])
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(map[string]string{"version": "v1.0.0", "data": hex.EncodeToString(data), "dataSignature": hex.EncodeToString(sig),
		"enclaveQuorumPublic": hex.EncodeToString(uncompressed(&enclave.PublicKey))})
	return string(out), err
}

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

// Attested stamp schemes (tkhq/sdk packages/core __stampers__/attested).
const (
	SchemeAttestedVerificationToken = "STAMP_ATTESTED_SCHEME_P256_VERIFICATION_TOKEN"
	SchemeAttestedOIDC              = "STAMP_ATTESTED_SCHEME_P256_OIDC"
)

// AttestedHeader is the header an attested stamp travels in.
const AttestedHeader = "X-Stamp-Attested"

// AttestedStamp is the X-Stamp-Attested header for body: base64url (no
// padding) of {"publicKeyAttestation": attestation, "scheme", "publicKey":
// k's, "signature": hex DER ECDSA over sha256(body)}, k a session key.
func AttestedStamp(k session.Signer, attestation, scheme string, body []byte) (string, error) {
	if k.Scheme() != session.SchemeP256 {
		return "", errors.New("an attested stamp is signed by a P-256 session key")
	}
	sig, err := k.Sign(body)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(struct {
		Attestation string `json:"publicKeyAttestation"`
		Scheme      string `json:"scheme"`
		PublicKey   string `json:"publicKey"`
		Signature   string `json:"signature"`
	}{attestation, scheme, k.PublicKey(), hex.EncodeToString(sig)})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// AttestedStampParts is a decoded attested stamp whose signature matches
// the body.
type AttestedStampParts struct {
	Attestation, Scheme, PublicKey string
}

// VerifyAttestedStamp decodes an X-Stamp-Attested header and checks its
// signature over body by its public key (not the attestation: that is the
// server's to judge).
func VerifyAttestedStamp(header string, body []byte) (AttestedStampParts, error) {
	raw, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return AttestedStampParts{}, errors.New("attested stamp is not base64url")
	}
	var st struct {
		Attestation string `json:"publicKeyAttestation"`
		Scheme      string `json:"scheme"`
		PublicKey   string `json:"publicKey"`
		Signature   string `json:"signature"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return AttestedStampParts{}, errors.New("attested stamp is not JSON")
	}
	pub, err := session.ParsePublicKey(st.PublicKey)
	if err != nil {
		return AttestedStampParts{}, fmt.Errorf("attested stamp public key: %w", err)
	}
	sig, err := hex.DecodeString(st.Signature)
	digest := sha256.Sum256(body)
	if err != nil || !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return AttestedStampParts{}, errors.New("attested stamp signature does not match the body")
	}
	return AttestedStampParts{Attestation: st.Attestation, Scheme: st.Scheme, PublicKey: st.PublicKey}, nil
}

// LoginUsage is the message a login's client signature covers, exactly as
// Turnkey's SDKs marshal it (go-sdk TokenUsage).
func LoginUsage(tokenID, sessionPublicKey string) string {
	b, _ := json.Marshal(struct {
		Login struct {
			PublicKey string `json:"publicKey"`
		} `json:"login"`
		TokenID string `json:"tokenId"`
		Type    string `json:"type"`
	}{Login: struct {
		PublicKey string `json:"publicKey"`
	}{sessionPublicKey}, TokenID: tokenID, Type: "USAGE_TYPE_LOGIN"})
	return string(b)
}

// SignLogin makes the client signature for logging in with verification
// token id tokenID: k (the session key) signs LoginUsage, raw r||s over
// its sha256, in hex.
func SignLogin(k session.Signer, tokenID string) (wire.ClientSignature, error) {
	msg := LoginUsage(tokenID, k.PublicKey())
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

// VerifyClientSignature checks a client signature: by its public key,
// raw r||s over sha256 of its message. Test servers use it.
func VerifyClientSignature(cs wire.ClientSignature) error {
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
