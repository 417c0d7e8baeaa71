package cli

import (
	"fmt"
	"os"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/turnkey"
)

// OverrideSignerEnv names the one way to trust another key than
// Turnkey's published ones: a stand-in's, for tests, on loopback only.
const OverrideSignerEnv = "TKAUTH_DANGEROUSLY_OVERRIDE_SIGNER"

// overrideNotice is said on stderr by every command while the override
// is set.
const overrideNotice = OverrideSignerEnv + " is set: a test signer stands for Turnkey's enclave and notarizer keys, against loopback URLs only; sessions it signed show as test-signed, never as Turnkey's"

// testSigner is the override's key, nil when unset or not a key.
func testSigner() (*turnkey.Anchors, error) {
	h := os.Getenv(OverrideSignerEnv)
	if h == "" {
		return nil, nil
	}
	k, err := turnkey.ParseUncompressed(h)
	if err != nil {
		return nil, usageError{fmt.Errorf("%s: %w", OverrideSignerEnv, err)}
	}
	return &turnkey.Anchors{Enclave: k, Notarizer: k, Test: true}, nil
}

// anchors are the keys a login that reaches urls trusts: Turnkey's
// published ones, or the override's when every URL is this machine's.
func anchors(urls ...string) (turnkey.Anchors, error) {
	a, err := testSigner()
	if err != nil || a == nil {
		return turnkey.ProductionAnchors(), err
	}
	for _, u := range urls {
		if !turnkey.IsLoopback(u) {
			return turnkey.Anchors{}, usageError{fmt.Errorf("%s is set, and is honoured only when every URL is this machine's; %s is not: unset it to log in to Turnkey", OverrideSignerEnv, escape.Clean(u))}
		}
	}
	return *a, nil
}
