package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// These run on a Mac against a real, throw-away keychain that
// scripts/with-keychain makes (TKAUTH_TEST_KEYCHAIN):
//
//	TKAUTH_REQUIRE_KEYRING=1 scripts/with-keychain go test -count=1 ./store/

// realKeychain is a system key store under a service of its own, on the
// test keychain. Without one the test skips, or fails when
// TKAUTH_REQUIRE_KEYRING=1.
func realKeychain(t *testing.T) *SystemKeys {
	t.Helper()
	if testKeychain() == "" {
		msg := "no test keychain (TKAUTH_TEST_KEYCHAIN, under the temporary directory); run the tests under scripts/with-keychain"
		if os.Getenv("TKAUTH_REQUIRE_KEYRING") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	b := make([]byte, 6)
	rand.Read(b)
	return NewSystemKeys("tkauth-test-"+hex.EncodeToString(b), 10*time.Second)
}

func TestRealKeychainRoundTrip(t *testing.T) {
	ctx := context.Background()
	k := realKeychain(t)
	pub := "02" + strings.Repeat("1a", 32)
	if _, err := k.Get(ctx, pub); !errors.Is(err, session.ErrKeyNotFound) {
		t.Fatalf("Get of a missing item: %v", err)
	}
	for _, secret := range []string{"s3cret", "replaced"} {
		if err := k.Put(ctx, pub, secret); err != nil {
			t.Fatal(err)
		}
		if got, err := k.Get(ctx, pub); got != secret || err != nil {
			t.Fatalf("Get = %q, %v; want %q", got, err, secret)
		}
	}
	has, err := k.HasMany(ctx, []string{pub, "03" + pub[2:]})
	if err != nil || !has[pub] || has["03"+pub[2:]] {
		t.Fatalf("HasMany = %v, %v", has, err)
	}
	if err := k.Delete(ctx, pub); err != nil {
		t.Fatal(err)
	}
	if has, err := k.Has(ctx, pub); has || err != nil {
		t.Fatalf("after Delete: %v, %v", has, err)
	}
	if err := k.Delete(ctx, pub); err != nil {
		t.Errorf("deleting what is gone: %v", err)
	}
}

// auto takes the keychain after one probe, recorded in the store; the
// probe leaves no item behind.
func TestRealKeychainAuto(t *testing.T) {
	ctx := context.Background()
	k := realKeychain(t)
	dir := t.TempDir()
	for range 2 {
		ks, err := openKeyStores(ctx, KeyringAuto, dir, k)
		if err != nil || ks.Keys.Name() != KeyringSystem {
			t.Fatalf("auto: %+v, %v", ks, err)
		}
	}
	if has, err := k.Has(ctx, "tkauth-probe"); has || err != nil {
		t.Errorf("the probe item is left: %v, %v", has, err)
	}
}

// A locked keychain is said as locked on every path, presence's
// dump-keychain included.
func TestRealKeychainLocked(t *testing.T) {
	ctx := context.Background()
	k := realKeychain(t)
	kc := testKeychain()
	if out, err := exec.Command("security", "lock-keychain", kc).CombinedOutput(); err != nil {
		t.Fatalf("lock-keychain: %v %s", err, out)
	}
	t.Cleanup(func() {
		exec.Command("security", "unlock-keychain", "-p", os.Getenv("TKAUTH_TEST_KEYCHAIN_PASSWORD"), kc).Run()
	})
	pub := "02" + strings.Repeat("2b", 32)
	_, hasErr := k.HasMany(ctx, []string{pub})
	_, getErr := k.Get(ctx, pub)
	for name, err := range map[string]error{"presence": hasErr, "get": getErr, "put": k.Put(ctx, pub, "x")} {
		if !errors.Is(err, ErrKeyringLocked) {
			t.Errorf("%s on a locked keychain: %v; want it said locked", name, err)
		}
	}
}
