package wire

import (
	"crypto/hpke"
	"encoding/json"
)

// The formats below are not in the specs; tkauth's client and its test
// server read them from Turnkey's SDKs (tkhq/sdk, tkhq/go-sdk).

// The headers a request's stamp travels in.
const (
	StampHeader         = "X-Stamp"
	AttestedStampHeader = "X-Stamp-Attested"
	ProxyConfigHeader   = "X-Auth-Proxy-Config-ID"
)

// The stamp schemes Turnkey accepts, by the curve of the key that signs
// (go-sdk crypto/apikey.go); P-256's is session.SchemeP256.
const (
	SchemeSecp256k1 = "SIGNATURE_SCHEME_TK_API_SECP256K1"
	SchemeEd25519   = "SIGNATURE_SCHEME_TK_API_ED25519"
)

// Attested stamp schemes (sdk packages/core __stampers__/attested).
const (
	SchemeAttestedVerificationToken = "STAMP_ATTESTED_SCHEME_P256_VERIFICATION_TOKEN"
	SchemeAttestedOIDC              = "STAMP_ATTESTED_SCHEME_P256_OIDC"
)

// Stamp is the X-Stamp header's JSON, before base64url.
type Stamp struct {
	PublicKey string `json:"publicKey"`
	Signature string `json:"signature"`
	Scheme    string `json:"scheme"`
}

// AttestedStamp is the X-Stamp-Attested header's JSON, before base64url.
type AttestedStamp struct {
	PublicKeyAttestation string `json:"publicKeyAttestation"`
	Scheme               string `json:"scheme"`
	PublicKey            string `json:"publicKey"`
	Signature            string `json:"signature"`
}

// EnclaveSigned is a bundle the enclave signs: data (hex) and its DER
// ECDSA signature (hex) over sha256 of data's bytes, by
// enclaveQuorumPublic (uncompressed, hex).
type EnclaveSigned struct {
	Version             string `json:"version"`
	Data                string `json:"data"`
	DataSignature       string `json:"dataSignature"`
	EnclaveQuorumPublic string `json:"enclaveQuorumPublic"`
}

// TargetData is the data of an otpEncryptionTargetBundle.
type TargetData struct {
	TargetPublic   string `json:"targetPublic"` // uncompressed P-256, hex
	OrganizationID string `json:"organizationId"`
	UserID         string `json:"userId"`
}

// EncryptedOTPBundle is an encryptedOtpBundle: an HPKE message in hex.
type EncryptedOTPBundle struct {
	EncappedPublic string `json:"encappedPublic"`
	Ciphertext     string `json:"ciphertext"`
}

// OTPPlaintext is what an encryptedOtpBundle seals.
type OTPPlaintext struct {
	Code      string `json:"otp_code"`
	PublicKey string `json:"public_key"` // the session key, compressed hex
}

// HPKEInfo is the info string of Turnkey's enclave HPKE messages.
const HPKEInfo = "turnkey_hpke"

// HPKESuite is Turnkey's: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256,
// AES-256-GCM.
func HPKESuite() (hpke.KDF, hpke.AEAD) { return hpke.HKDFSHA256(), hpke.AES256GCM() }

// LoginUsage is the message a login's client signature covers, exactly as
// Turnkey's SDKs marshal it (go-sdk TokenUsage).
func LoginUsage(tokenID, sessionPublicKey string) string {
	type login struct {
		PublicKey string `json:"publicKey"`
	}
	b, _ := json.Marshal(struct {
		Login   login  `json:"login"`
		TokenID string `json:"tokenId"`
		Type    string `json:"type"`
	}{login{sessionPublicKey}, tokenID, "USAGE_TYPE_LOGIN"})
	return string(b)
}

// The filter types of list_verified_suborgs, which the spec names only in
// words.
const (
	FilterEmail       = "EMAIL"
	FilterPhoneNumber = "PHONE_NUMBER"
)
