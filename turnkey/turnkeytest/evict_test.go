package turnkeytest_test

import (
	"context"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// A new expiring key evicts the user's expired keys first, then the
// oldest (docs features/authentication/sessions/overview.mdx); expired
// keys stay listed by get_api_keys until evicted.
func TestEvictionTakesExpiredKeysFirst(t *testing.T) {
	ctx := context.Background()
	srv := turnkeytest.New()
	defer srv.Close()
	apiKey := srv.NewAPIKey("o", "u")
	var keys []session.Signer
	for i := range turnkeytest.MaxSessionKeys {
		d := time.Hour
		if i == 5 {
			d = time.Minute // expires below, though younger than the first
		}
		keys = append(keys, login(t, srv, apiKey, d, false))
		srv.Advance(time.Millisecond)
	}
	srv.Advance(2 * time.Minute)
	listed, err := srv.Client().GetAPIKeys(ctx, apiKey, "o", "u")
	if err != nil || len(listed) != turnkeytest.MaxSessionKeys+1 {
		t.Fatalf("get_api_keys lists %d keys (%v), want the expired one too", len(listed), err)
	}
	login(t, srv, apiKey, time.Hour, false)
	listed, _ = srv.Client().GetAPIKeys(ctx, apiKey, "o", "u")
	for _, k := range listed {
		if k.PublicKey == keys[5].PublicKey() {
			t.Error("the expired key was not the one evicted")
		}
	}
	if !srv.HasKey(keys[0].PublicKey()) {
		t.Error("the oldest live key was evicted while an expired one was there")
	}
}

// Submissions are idempotent, as Turnkey's are: the same body names the
// same activity, so a retry after an answer lost on the way (a 5xx after
// the work) gets the activity done, not a second one.
func TestSubmissionsAreDeduplicated(t *testing.T) {
	ctx := context.Background()
	srv := turnkeytest.New()
	defer srv.Close()
	apiKey := srv.NewAPIKey("o", "u")
	_, pub, _ := session.NewPrivateKey()
	srv.AnswerAfterNext(503)
	if _, err := srv.Client().StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Hour}); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	listed, _ := srv.Client().GetAPIKeys(ctx, apiKey, "o", "u")
	if len(listed) != 2 {
		t.Errorf("the user holds %d keys, want the API key and one session", len(listed))
	}
	stamps := 0
	for _, p := range srv.Requests() {
		if p == "/public/v1/submit/stamp_login" {
			stamps++
		}
	}
	if stamps != 2 {
		t.Errorf("stamp_login was sent %d times, want 2 (one retry)", stamps)
	}
}
