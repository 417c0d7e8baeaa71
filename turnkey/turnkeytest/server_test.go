package turnkeytest_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// login asks srv, as apiKey, for a session on a new key pair, and returns
// that key pair.
func login(t *testing.T, srv *turnkeytest.Server, apiKey session.Signer, expires time.Duration, invalidate bool) session.Signer {
	t.Helper()
	priv, pub, _ := session.NewPrivateKey()
	if _, err := srv.Client().StampLogin(context.Background(), apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: expires, InvalidateExisting: invalidate}); err != nil {
		t.Fatal(err)
	}
	return session.P256Key{Public: pub, Private: priv}
}

// The fake refuses what Turnkey refuses, as Turnkey words it.
func TestTheFakeBehavesLikeTurnkey(t *testing.T) {
	ctx := context.Background()
	t.Run("session keys expire, and are then refused at authentication", func(t *testing.T) {
		srv := turnkeytest.New()
		defer srv.Close()
		apiKey := srv.NewAPIKey("o", "u")
		key := login(t, srv, apiKey, time.Minute, false)
		if who, err := srv.Client().Whoami(ctx, key, "o"); err != nil || who.UserID != "u" {
			t.Fatalf("whoami: %+v, %v", who, err)
		}
		srv.Advance(time.Minute)
		_, err := srv.Client().Whoami(ctx, key, "o")
		if !errors.Is(err, turnkey.ErrExpiredKey) || !errors.Is(err, session.ErrSignerDead) || !strings.Contains(err.Error(), turnkeytest.MsgExpiredKey) {
			t.Errorf("an expired key: %v", err)
		}
		if _, err := srv.Client().Whoami(ctx, apiKey, "o"); err != nil {
			t.Errorf("the long-lived API key expired too: %v", err)
		}
	})
	t.Run("invalidateExisting ends the user's other sessions, not API keys", func(t *testing.T) {
		srv := turnkeytest.New()
		defer srv.Close()
		apiKey := srv.NewAPIKey("o", "u")
		first := login(t, srv, apiKey, time.Hour, false)
		second := login(t, srv, apiKey, time.Hour, true)
		if srv.HasKey(first.PublicKey()) || !srv.HasKey(second.PublicKey()) || !srv.HasKey(apiKey.PublicKey()) {
			t.Errorf("first %v, second %v, API key %v", srv.HasKey(first.PublicKey()), srv.HasKey(second.PublicKey()), srv.HasKey(apiKey.PublicKey()))
		}
		_, err := srv.Client().Whoami(ctx, first, "o")
		if !errors.Is(err, turnkey.ErrUnknownKey) || !strings.Contains(err.Error(), turnkeytest.MsgUnknownKey) {
			t.Errorf("an invalidated key: %v", err)
		}
	})
	t.Run("a user holds at most 10 session keys: the oldest is evicted", func(t *testing.T) {
		srv := turnkeytest.New()
		defer srv.Close()
		apiKey := srv.NewAPIKey("o", "u")
		var keys []session.Signer
		for range turnkeytest.MaxSessionKeys + 1 {
			keys = append(keys, login(t, srv, apiKey, time.Hour, false))
			srv.Advance(time.Millisecond)
		}
		if srv.HasKey(keys[0].PublicKey()) || !srv.HasKey(keys[1].PublicKey()) {
			t.Error("the oldest session key was not the one evicted")
		}
	})
	t.Run("deleting a key that is not the user's fails, and deletes nothing", func(t *testing.T) {
		srv := turnkeytest.New()
		defer srv.Close()
		apiKey := srv.NewAPIKey("o", "u")
		other := srv.NewAPIKey("o", "v")
		keys, err := srv.Client().GetAPIKeys(ctx, other, "o", "v")
		if err != nil || len(keys) != 1 {
			t.Fatalf("get_api_keys: %v, %v", keys, err)
		}
		for _, ids := range [][]string{{"apikey-nope"}, {keys[0].ID}} {
			if err := srv.Client().DeleteAPIKeys(ctx, apiKey, "o", "u", ids); err == nil {
				t.Errorf("deleting %v succeeded", ids)
			}
		}
		if !srv.HasKey(other.PublicKey()) {
			t.Error("another user's key was deleted")
		}
	})
	t.Run("activities need their type and a timestamp", func(t *testing.T) {
		srv := turnkeytest.New()
		defer srv.Close()
		apiKey := srv.NewAPIKey("o", "u")
		for body, says := range map[string]string{
			`{"type":"ACTIVITY_TYPE_DELETE_API_KEYS","timestampMs":"1700000000000","organizationId":"o","parameters":{}}`: "invalid activity type",
			`{"type":"ACTIVITY_TYPE_STAMP_LOGIN","organizationId":"o","parameters":{}}`:                                   "timestampMs",
		} {
			stamp, _ := turnkey.Stamp(apiKey, []byte(body))
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/public/v1/submit/stamp_login", bytes.NewReader([]byte(body)))
			req.Header.Set("X-Stamp", stamp)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var msg bytes.Buffer
			msg.ReadFrom(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(msg.String(), says) {
				t.Errorf("%s: %d %s", body, res.StatusCode, msg.String())
			}
		}
	})
	t.Run("stamps of every curve verify", func(t *testing.T) {
		srv := turnkeytest.New()
		defer srv.Close()
		for _, curve := range []string{"p256", "secp256k1", "ed25519"} {
			k := srv.NewAPIKeyOn("o", "u", curve)
			if _, err := srv.Client().Whoami(ctx, k, "o"); err != nil {
				t.Errorf("%s: %v", curve, err)
			}
		}
	})
}
