package turnkey

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// Vectors made by Turnkey, from tkhq/sdk packages/crypto/src/__tests__/
// crypto-test.ts: they check tkauth's code-login crypto against bytes
// that Turnkey's enclave produced, not against tkauth's own test server.
const (
	// A real verification token, signed with the production TLS-fetcher key.
	turnkeyVerificationToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9." +
		"eyJleHAiOiIxNzgyOTE5NjUxMjYxIiwiaWQiOiJlYjM5YjE5OS0zMzUyLTQyODktYjMxZi01NzE5NGM3OTYwOWMiLCJvcmdhbml6YXRpb25faWQiOiI3ZmYxODlmYi1kZjdkLTQ1MmUtODU0MC01NzYzMmUzODBiNzciLCJ2ZXJpZmljYXRpb25fdHlwZSI6Ik9UUF9UWVBFX0VNQUlMIiwiY29udGFjdCI6InVzZXJAZXhhbXBsZS5jb20iLCJwdWJsaWNfa2V5IjoiMDM2MzM1Yjc4ZjkyNzM2ZTMyZTk5ZGM2YWVkOTc5YWZmMGI1YzI0MTkyZTc2YjE2MjhhYTU0ZWRhZjU4YzhjMTVkIn0." +
		"YMtLA5vVUTiYhW5CIitrGXb-fk4MWx-MNVC4etopkKVro6tn0CP-Uz7biSZOunASsEc3jkjJWnFIn2AMpuZomg"

	// A real session token, signed by the production notarizer.
	turnkeySessionToken = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9." +
		"eyJleHAiOjE3NDg4NzY4MzcsInB1YmxpY19rZXkiOiIwMzk5ZmUyYWNlNjIwOGFmMGFkZjg0OGY0NGJjNDgyMTBiNTk0YjdlNjllY2Q5MWVjOTY4ZmQ3NWIzYmI0NDgzMzYiLCJzZXNzaW9uX3R5cGUiOiJTRVNTSU9OX1RZUEVfUkVBRF9XUklURSIsInVzZXJfaWQiOiI2OTEyYjgxOS1mNGRmLTQwZjQtYTE5Mi0yMGVlNDMwOTA5NzQiLCJvcmdhbml6YXRpb25faWQiOiJjNzVlY2IwNy1jODRhLTRkZDUtOTMyYy01MzlkZmFmYzY4NjQifQ." +
		"y6LPW1jlTwc9jFcvCwKJoKfleL_vHnGUr5tRVdMFUCnHvDspSPZ3DWK85tf1znCCBFQ6MYaFOl-1FLb0KcFxqQ"

	// An export bundle: enclave-signed data holding an HPKE message sealed
	// to a key (turnkeytest's vectors open it).
	exportBundle = `{
      "version": "v1.0.0",
      "data": "7b22656e6361707065645075626c6963223a2230343434313065633837653566653266666461313561313866613337376132316133633431633334373666383631333362343238306164373631303266343064356462326463353362343730303763636139336166666330613535316464353134333937643039373931636664393233306663613330343862313731663364363738222c2263697068657274657874223a22656662303538626633666634626534653232323330326266326636303738363062343237346232623031616339343536643362613638646135613235363236303030613839383262313465306261663061306465323966353434353461333739613362653664633364386339343938376131353638633764393566396663346239316265663232316165356562383432333361323833323131346431373962646664636631643066376164656231353766343131613439383430222c226f7267616e697a6174696f6e4964223a2266396133316336342d643630342d343265342d396265662d613737333039366166616437227d",
      "dataSignature": "304502203a7dc258590a637e76f6be6ed1a2080eed5614175060b9073f5e36592bdaf610022100ab9955b603df6cf45408067f652da48551652451b91967bf37dd094d13a7bdd4",
      "enclaveQuorumPublic": "04cf288fe433cc4e1aa0ce1632feac4ea26bf2f5a09dcfe5a42c398e06898710330f0572882f4dbdf0f5304b8fc8703acd69adca9a4bbf7f5d00d20a5e364b2569"
    }`
)

// The compiled-in TLS-fetcher key verifies a token Turnkey's enclave
// signed, with exp read as milliseconds, and nothing else.
func TestTurnkeysVerificationToken(t *testing.T) {
	anchors := ProductionAnchors()
	exp := time.UnixMilli(1782919651261)
	tok, err := VerifyVerificationToken(turnkeyVerificationToken, anchors.Enclave, exp.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Contact != "user@example.com" || tok.Type != "OTP_TYPE_EMAIL" || tok.OrganizationID != "7ff189fb-df7d-452e-8540-57632e380b77" ||
		tok.PublicKey != "036335b78f92736e32e99dc6aed979aff0b5c24192e76b1628aa54edaf58c8c15d" || !tok.Expiry.Equal(exp) {
		t.Errorf("claims: %+v", tok)
	}
	if _, err := VerifyVerificationToken(turnkeyVerificationToken, anchors.Enclave, exp); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("at its exp: %v", err)
	}
	i := strings.LastIndex(turnkeyVerificationToken, ".") + 1
	first := "A"
	if turnkeyVerificationToken[i] == 'A' {
		first = "B"
	}
	tampered := turnkeyVerificationToken[:i] + first + turnkeyVerificationToken[i+1:]
	if _, err := VerifyVerificationToken(tampered, anchors.Enclave, exp.Add(-time.Minute)); !errors.Is(err, ErrUntrusted) {
		t.Errorf("a changed signature: %v", err)
	}
	if _, err := VerifyVerificationToken(turnkeyVerificationToken, anchors.Notarizer, exp.Add(-time.Minute)); !errors.Is(err, ErrUntrusted) {
		t.Errorf("checked against the notarizer: %v", err)
	}
}

// The compiled-in notarizer key verifies a session Turnkey issued.
func TestTurnkeysSessionToken(t *testing.T) {
	s, err := session.Parse(turnkeySessionToken)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Verified || s.UserID != "6912b819-f4df-40f4-a192-20ee43090974" || s.OrganizationID != "c75ecb07-c84a-4dd5-932c-539dfafc6864" {
		t.Errorf("%+v", s)
	}
}

// An enclave-signed bundle passes the signature check only with its
// signer's key. (turnkeytest checks that its HPKE message opens.)
func TestTurnkeysEnclaveBundle(t *testing.T) {
	signer, err := ParseUncompressed("04cf288fe433cc4e1aa0ce1632feac4ea26bf2f5a09dcfe5a42c398e06898710330f0572882f4dbdf0f5304b8fc8703acd69adca9a4bbf7f5d00d20a5e364b2569")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verifyEnclaveSigned(exportBundle, ProductionAnchors().Enclave); !errors.Is(err, ErrUntrusted) {
		t.Errorf("checked against the TLS-fetcher key: %v", err)
	}
	data, err := verifyEnclaveSigned(exportBundle, signer)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct{ EncappedPublic, Ciphertext string }
	if err := json.Unmarshal(data, &msg); err != nil || msg.EncappedPublic != exportEncapped || msg.Ciphertext != exportCiphertext {
		t.Errorf("data %s, %v", data, err)
	}
}

// The HPKE message inside exportBundle's data (turnkeytest opens it).
const (
	exportEncapped   = "044410ec87e5fe2ffda15a18fa377a21a3c41c3476f86133b4280ad76102f40d5db2dc53b47007cca93affc0a551dd514397d09791cfd9230fca3048b171f3d678"
	exportCiphertext = "efb058bf3ff4be4e222302bf2f607860b4274b2b01ac9456d3ba68da5a25626000a8982b14e0baf0a0de29f54454a379a3be6dc3d8c94987a1568c7d95f9fc4b91bef221ae5eb84233a2832114d179bdfdcf1d0f7adeb157f411a49840"
)
