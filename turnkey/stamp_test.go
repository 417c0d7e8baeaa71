package turnkey

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// Turnkey's published key vector (TURNKEY.md).
const (
	vectorPrivate = "487f361ddfd73440e707f4daa6775b376859e8a3c9f29b3bb694a12927c0213c"
	vectorPublic  = "02f739f8c77b32f4d5f13265861febd76e7a9c61a1140d296b8c16302508870316"
)

func TestStampWithTurnkeyKeyVector(t *testing.T) {
	k, err := KeyFromHex(vectorPrivate)
	if err != nil {
		t.Fatal(err)
	}
	if k.PublicKey != vectorPublic {
		t.Fatalf("public key %s, want the vector's %s", k.PublicKey, vectorPublic)
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
	if pub, err := VerifyStamp(h, body); err != nil || pub != vectorPublic {
		t.Fatalf("VerifyStamp = %q, %v", pub, err)
	}
	// The signature covers the exact bytes: one more space breaks it.
	if _, err := VerifyStamp(h, append(body, ' ')); err == nil {
		t.Error("a stamp verified over different bytes")
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
	os.WriteFile(keys+"bad.private", []byte(vectorPrivate), 0o600)
	os.WriteFile(keys+"bad.public", []byte("02"+strings.Repeat("00", 32)), 0o644)
	for _, name := range []string{"", "default", "suffixed"} {
		k, err := LoadCLIKey(name)
		if err != nil || k.PublicKey != vectorPublic {
			t.Errorf("%q: %v", name, err)
		}
	}
	for name, says := range map[string]string{
		"k1":      "Turnkey's API stamps need a P-256",
		"bad":     "does not match",
		"missing": "tkcli generate api-key",
		"../x":    "is not a name",
	} {
		if _, err := LoadCLIKey(name); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: err = %v, want it to say %q", name, err, says)
		}
	}
}
