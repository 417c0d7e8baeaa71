package turnkey_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// The code travels only to a target the enclave key signed, and back out
// only with the target's private key; tokens are checked as the SDK does.
func TestCodeLoginCrypto(t *testing.T) {
	enclave, _, _ := session.NewPrivateKey()
	other, _, _ := session.NewPrivateKey()
	target, _ := ecdh.P256().GenerateKey(rand.Reader)
	bundle, err := turnkey.SignTargetBundle(turnkey.Target{Public: target.PublicKey().Bytes(), OrganizationID: "o"}, enclave)
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
	if code, pub, err := turnkey.DecryptCode(enc, target); err != nil || code != "000000" || pub != "02abc" {
		t.Errorf("decrypted %q %q %v", code, pub, err)
	}
	wrong, _ := ecdh.P256().GenerateKey(rand.Reader)
	if _, _, err := turnkey.DecryptCode(enc, wrong); err == nil {
		t.Error("decrypted with another key")
	}

	now := time.Now()
	vt := turnkey.VerificationToken{ID: "id", Type: turnkey.OTPEmail, Contact: "a@b", OrganizationID: "o", PublicKey: "02abc", Expiry: now.Add(time.Minute)}
	tok, _ := turnkey.SignVerificationToken(vt, enclave)
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
	if err != nil || cs.Message != want || len(cs.Signature) != 128 || turnkey.VerifyClientSignature(cs) != nil {
		t.Errorf("client signature %+v, %v", cs, err)
	}
	body := []byte(`{"type":"ACTIVITY_TYPE_STAMP_LOGIN"}`)
	h, _ := turnkey.AttestedStamp(key, tok, turnkey.SchemeAttestedVerificationToken, body)
	if p, err := turnkey.VerifyAttestedStamp(h, body); err != nil || p.PublicKey != pub || p.Attestation != tok {
		t.Errorf("%+v, %v", p, err)
	}
	if _, err := turnkey.VerifyAttestedStamp(h, append(body, ' ')); err == nil {
		t.Error("an attested stamp over another body")
	}
}
