package turnkey

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/tkauth/tkauth/session"
)

// Turnkey's published key vector (TURNKEY.md).
const (
	vectorPrivate = "487f361ddfd73440e707f4daa6775b376859e8a3c9f29b3bb694a12927c0213c"
	vectorPublic  = "02f739f8c77b32f4d5f13265861febd76e7a9c61a1140d296b8c16302508870316"
	// The same private key on secp256k1, as Turnkey's Go SDK derives it
	// (crypto.FromTurnkeyPrivateKey, checked against tkhq/go-sdk).
	vectorK1Public = "026e8778db1225221ed4cf0a910249998415e5fa92dea649c5a33a96a7a9214074"
	// RFC 8032's first Ed25519 test vector: seed, public key, and the
	// signature of the empty message.
	edSeed      = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	edPublic    = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	edSignature = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

func TestStampWithTurnkeyKeyVector(t *testing.T) {
	k, err := KeyFromHex(vectorPrivate)
	if err != nil {
		t.Fatal(err)
	}
	if k.PublicKey() != vectorPublic {
		t.Fatalf("public key %s, want the vector's %s", k.PublicKey(), vectorPublic)
	}
	body := []byte(`{"type":"ACTIVITY_TYPE_STAMP_LOGIN","timestampMs":"1700000000000","organizationId":"o"}`)
	h, err := Stamp(k, body)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(h, "=+/") {
		t.Errorf("stamp %q is not base64url without padding", h)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(h)
	var st map[string]string
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	if st["publicKey"] != vectorPublic || st["scheme"] != "SIGNATURE_SCHEME_TK_API_P256" || len(st) != 3 {
		t.Errorf("stamp = %v", st)
	}
	// turnkeytest checks that the signature covers the exact bytes.
}

// Every curve Turnkey's CLI makes API keys on signs stamps that verify,
// with the scheme Turnkey's stamper uses for it, over exactly the body.
func TestStampsOnEveryCurve(t *testing.T) {
	p256, err := KeyFromHex(vectorPrivate)
	if err != nil {
		t.Fatal(err)
	}
	k1, err := secp256k1KeyFromHex(vectorPrivate)
	if err != nil {
		t.Fatal(err)
	}
	ed, err := ed25519KeyFromHex(edSeed + edPublic)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"organizationId":"o"}`)
	for _, tt := range []struct {
		key            session.Signer
		public, scheme string
	}{
		{p256, vectorPublic, "SIGNATURE_SCHEME_TK_API_P256"},
		{k1, vectorK1Public, "SIGNATURE_SCHEME_TK_API_SECP256K1"},
		{ed, edPublic, "SIGNATURE_SCHEME_TK_API_ED25519"},
	} {
		if tt.key.PublicKey() != tt.public || tt.key.Scheme() != tt.scheme {
			t.Errorf("%s: public key %s, want %s", tt.scheme, tt.key.PublicKey(), tt.public)
		}
		h, err := Stamp(tt.key, body)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.RawURLEncoding.DecodeString(h)
		var st map[string]string
		json.Unmarshal(raw, &st)
		if st["scheme"] != tt.scheme || st["publicKey"] != tt.public {
			t.Errorf("stamp = %v", st)
		}
	}
	// Ed25519 signs deterministically: RFC 8032's vector, to the byte.
	if sig, _ := ed.Sign(nil); hex.EncodeToString(sig) != edSignature {
		t.Errorf("Ed25519 signature of the empty message: %x", sig)
	}
	if seedOnly, err := ed25519KeyFromHex(edSeed); err != nil || seedOnly.PublicKey() != edPublic {
		t.Errorf("an Ed25519 seed alone: %v", err)
	}
	if _, err := ed25519KeyFromHex(edSeed + strings.Repeat("00", 32)); err == nil {
		t.Error("an Ed25519 key whose public half is not its seed's was taken")
	}
}

func TestLoadCLIKey(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	keys := dir + "/turnkey/keys/"
	os.MkdirAll(keys, 0o700)
	os.WriteFile(keys+"default.private", []byte(vectorPrivate+"\n"), 0o600)
	os.WriteFile(keys+"default.public", []byte(vectorPublic+"\n"), 0o644)
	os.WriteFile(keys+"suffixed.private", []byte(vectorPrivate+":p256"), 0o600)
	os.WriteFile(keys+"k1.private", []byte(vectorPrivate+":secp256k1"), 0o600)
	os.WriteFile(keys+"k1.public", []byte(vectorK1Public), 0o644)
	os.WriteFile(keys+"ed.private", []byte(edSeed+edPublic+":ed25519\n"), 0o600)
	os.WriteFile(keys+"ed.public", []byte(edPublic), 0o644)
	os.WriteFile(keys+"bls.private", []byte(vectorPrivate+":bls12381"), 0o600)
	os.WriteFile(keys+"bad.private", []byte(vectorPrivate), 0o600)
	os.WriteFile(keys+"bad.public", []byte("02"+strings.Repeat("00", 32)), 0o644)
	for name, want := range map[string]string{"": vectorPublic, "default": vectorPublic, "suffixed": vectorPublic, "k1": vectorK1Public, "ed": edPublic} {
		k, err := LoadCLIKey(name)
		if err != nil || k.PublicKey() != want {
			t.Errorf("%q: %v", name, err)
		}
	}
	for name, says := range map[string]string{
		"bls":     `the key is on curve "bls12381"; Turnkey's API keys are p256, secp256k1 or ed25519`,
		"bad":     "does not match",
		"missing": "tkcli generate api-key",
		"../x":    "is not a name",
	} {
		if _, err := LoadCLIKey(name); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: err = %v, want it to say %q", name, err, says)
		}
	}
}
