package turnkeytest

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// The code travels only to a target the enclave key signed, and back out
// only with the target's private key; tokens are checked as the SDK does.
func TestCodeLoginCrypto(t *testing.T) {
	enclave, _, _ := session.NewPrivateKey()
	other, _, _ := session.NewPrivateKey()
	target, _ := ecdh.P256().GenerateKey(rand.Reader)
	bundle, err := signTargetBundle(turnkey.Target{Public: target.PublicKey().Bytes(), OrganizationID: "o"}, enclave)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := turnkey.VerifyTargetBundle(bundle, &other.PublicKey); !errors.Is(err, turnkey.ErrUntrusted) {
		t.Errorf("a bundle signed by another key: %v", err)
	}
	var m map[string]string
	json.Unmarshal([]byte(bundle), &m)
	m["data"] = strings.Replace(m["data"], "6f", "70", 1)
	forged, _ := json.Marshal(m)
	if _, err := turnkey.VerifyTargetBundle(string(forged), &enclave.PublicKey); !errors.Is(err, turnkey.ErrUntrusted) {
		t.Errorf("a bundle whose data changed: %v", err)
	}
	tg, err := turnkey.VerifyTargetBundle(bundle, &enclave.PublicKey)
	if err != nil || tg.OrganizationID != "o" {
		t.Fatalf("%+v, %v", tg, err)
	}
	enc, err := turnkey.EncryptCode(tg, "000000", "02abc")
	if err != nil {
		t.Fatal(err)
	}
	if code, pub, err := decryptCode(enc, target); err != nil || code != "000000" || pub != "02abc" {
		t.Errorf("decrypted %q %q %v", code, pub, err)
	}
	wrong, _ := ecdh.P256().GenerateKey(rand.Reader)
	if _, _, err := decryptCode(enc, wrong); err == nil {
		t.Error("decrypted with another key")
	}

	now := time.Now()
	vt := turnkey.VerificationToken{ID: "id", Type: turnkey.OTPEmail, Contact: "a@b", OrganizationID: "o", PublicKey: "02abc", Expiry: now.Add(time.Minute)}
	tok, _ := signVerificationToken(vt, enclave)
	got, err := turnkey.VerifyVerificationToken(tok, &enclave.PublicKey, now)
	if err != nil || got.PublicKey != "02abc" || !got.Expiry.Equal(vt.Expiry.Truncate(time.Millisecond)) {
		t.Errorf("%+v, %v", got, err)
	}
	if _, err := turnkey.VerifyVerificationToken(tok, &enclave.PublicKey, now.Add(time.Minute)); !errors.Is(err, turnkey.ErrTokenExpired) {
		t.Errorf("expired by its ms exp: %v", err)
	}
	if _, err := turnkey.VerifyVerificationToken(tok, &other.PublicKey, now); !errors.Is(err, turnkey.ErrUntrusted) {
		t.Errorf("another signer: %v", err)
	}

	priv, pub, _ := session.NewPrivateKey()
	key := session.P256Key{Public: pub, Private: priv}
	cs, err := turnkey.SignLogin(key, "tok-1")
	want := `{"login":{"publicKey":"` + pub + `"},"tokenId":"tok-1","type":"USAGE_TYPE_LOGIN"}`
	if err != nil || cs.Message != want || len(cs.Signature) != 128 || verifyClientSignature(cs) != nil {
		t.Errorf("client signature %+v, %v", cs, err)
	}
	body := []byte(`{"type":"ACTIVITY_TYPE_STAMP_LOGIN"}`)
	h := attested(t, key, tok, body)
	if p, err := verifyAttestedStamp(h, body); err != nil || p.PublicKey != pub || p.PublicKeyAttestation != tok {
		t.Errorf("%+v, %v", p, err)
	}
	if _, err := verifyAttestedStamp(h, append(body, ' ')); err == nil {
		t.Error("an attested stamp over another body")
	}
}

// attested is an X-Stamp-Attested header for body by k, as Turnkey's SDK
// makes it (the client's own is tested against this server in
// turnkey's code login tests).
func attested(t *testing.T, k session.Signer, token string, body []byte) string {
	sig, err := k.Sign(body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(wire.AttestedStamp{PublicKeyAttestation: token, Scheme: wire.SchemeAttestedVerificationToken, PublicKey: k.PublicKey(), Signature: hex.EncodeToString(sig)})
	return base64.RawURLEncoding.EncodeToString(b)
}

// Turnkey's published key vector and RFC 8032's first Ed25519 one (as in
// turnkey's stamp tests).
const (
	vectorPrivate  = "487f361ddfd73440e707f4daa6775b376859e8a3c9f29b3bb694a12927c0213c"
	vectorPublic   = "02f739f8c77b32f4d5f13265861febd76e7a9c61a1140d296b8c16302508870316"
	vectorK1Public = "026e8778db1225221ed4cf0a910249998415e5fa92dea649c5a33a96a7a9214074"
	edSeed         = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	edPublic       = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
)

// A stamp on every curve Turnkey's CLI makes API keys on verifies, over
// exactly the body it was made for.
func TestVerifyStamp(t *testing.T) {
	for _, tt := range []struct{ private, public string }{
		{vectorPrivate, vectorPublic},
		{vectorPrivate + ":secp256k1", vectorK1Public},
		{edSeed + edPublic + ":ed25519", edPublic},
	} {
		k, _, err := turnkey.ParseKey(tt.private)
		if err != nil {
			t.Fatal(err)
		}
		body := []byte(`{"type":"ACTIVITY_TYPE_STAMP_LOGIN","timestampMs":"1700000000000","organizationId":"o"}`)
		h, err := turnkey.Stamp(k, body)
		if err != nil {
			t.Fatal(err)
		}
		if pub, err := VerifyStamp(h, body); err != nil || pub != tt.public {
			t.Errorf("%s: VerifyStamp = %q, %v", k.Scheme(), pub, err)
		}
		// The signature covers the exact bytes: one more space breaks it.
		if _, err := VerifyStamp(h, append(body, ' ')); err == nil {
			t.Errorf("%s: a stamp verified over different bytes", k.Scheme())
		}
	}
}

// Turnkey's export bundle's HPKE message (turnkey's vectors check the
// enclave's signature over it) opens with Turnkey's suite, info and aad
// to the plaintext Turnkey sealed, and a changed ciphertext does not.
func TestTurnkeysHPKEMessage(t *testing.T) {
	const (
		encapped       = "044410ec87e5fe2ffda15a18fa377a21a3c41c3476f86133b4280ad76102f40d5db2dc53b47007cca93affc0a551dd514397d09791cfd9230fca3048b171f3d678"
		ciphertext     = "efb058bf3ff4be4e222302bf2f607860b4274b2b01ac9456d3ba68da5a25626000a8982b14e0baf0a0de29f54454a379a3be6dc3d8c94987a1568c7d95f9fc4b91bef221ae5eb84233a2832114d179bdfdcf1d0f7adeb157f411a49840"
		exportKey      = "ffc6090f14bcf260e5dfe63f45412e60a477bb905956d7cc90195b71c2a544b3"
		exportMnemonic = "leaf lady until indicate praise final route toast cake minimum insect unknown"
	)
	enc, _ := hex.DecodeString(encapped)
	ct, _ := hex.DecodeString(ciphertext)
	raw, _ := hex.DecodeString(exportKey)
	key, err := ecdh.P256().NewPrivateKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := hpkeOpen(enc, ct, key)
	if err != nil || string(plain) != exportMnemonic {
		t.Errorf("opened %q, %v", plain, err)
	}
	ct[0] ^= 1
	if _, err := hpkeOpen(enc, ct, key); err == nil {
		t.Error("a changed ciphertext opened")
	}
}
