package turnkey_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// setup is a fake API where the user u holds the API key apiKey in org o.
func setup(t *testing.T) (*turnkeytest.Server, *turnkey.Client, session.Signer) {
	t.Helper()
	srv := turnkeytest.New()
	t.Cleanup(srv.Close)
	return srv, srv.Client(), srv.NewAPIKey("o", "u")
}

func newPub(t *testing.T) (session.Signer, string) {
	priv, pub, err := session.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return session.P256Key{Public: pub, Private: priv}, pub
}

func TestStampLogin(t *testing.T) {
	srv, c, apiKey := setup(t)
	_, pub := newPub(t)
	tok, err := c.StampLogin(context.Background(), apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: 10*time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	if s.PublicKey != pub || s.UserID != "u" || s.OrganizationID != "o" || s.Verified {
		t.Errorf("session %+v, verified %v", s.Claims, s.Verified)
	}
	if left := time.Until(s.Expiry); left < 9*time.Minute || left > 11*time.Minute {
		t.Errorf("expires in %s, asked for 10m", left)
	}
	if !srv.HasKey(pub) {
		t.Error("the session key is not registered with the user")
	}
}

func TestPendingActivityIsPolled(t *testing.T) {
	srv, c, apiKey := setup(t)
	srv.PendingNext()
	_, pub := newPub(t)
	if _, err := c.StampLogin(context.Background(), apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests(); !slices.Equal(got, []string{"/public/v1/submit/stamp_login", "/public/v1/query/get_activity"}) {
		t.Errorf("requests %q", got)
	}
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	t.Run("429 and 500 are tried again", func(t *testing.T) {
		srv, c, apiKey := setup(t)
		srv.FailNext(429, 500, 503)
		_, pub := newPub(t)
		if _, err := c.StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute}); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Requests()); n != 4 {
			t.Errorf("%d requests, want 4", n)
		}
	})
	t.Run("400 is not", func(t *testing.T) {
		srv, c, apiKey := setup(t)
		srv.FailNext(400)
		_, pub := newPub(t)
		if _, err := c.StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute}); err == nil {
			t.Fatal("a 400 succeeded")
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("a limit", func(t *testing.T) {
		srv, c, apiKey := setup(t)
		srv.FailNext(429, 429, 429, 429, 429)
		_, pub := newPub(t)
		_, err := c.StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute})
		if !errors.Is(err, turnkey.ErrRateLimited) || !strings.Contains(err.Error(), "try again") {
			t.Fatalf("err = %v", err)
		}
		if n := len(srv.Requests()); n != 4 {
			t.Errorf("%d requests, want 1 + 3 retries", n)
		}
	})
}

func TestRequestTimeout(t *testing.T) {
	srv, c, apiKey := setup(t)
	c.RequestTimeout = 50 * time.Millisecond
	srv.DelayNext(2 * time.Second)
	_, pub := newPub(t)
	start := time.Now()
	_, err := c.StampLogin(context.Background(), apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("gave up after %s", time.Since(start))
	}
}

func TestErrorsInWords(t *testing.T) {
	ctx := context.Background()
	_, c, apiKey := setup(t)
	stranger, _ := newPub(t)
	_, pub := newPub(t)
	for _, tt := range []struct {
		name string
		key  session.Signer
		org  string
		want error
		says string
	}{
		{"unregistered API key", stranger, "o", turnkey.ErrUnknownKey, "never registered in this organization, or was deleted or evicted since"},
		{"unknown organization", apiKey, "nope", turnkey.ErrUnknownOrganization, "check the organization ID"},
	} {
		_, err := c.StampLogin(ctx, tt.key, session.LoginRequest{Org: tt.org, PublicKey: pub, Expires: time.Minute})
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.says) || strings.Contains(err.Error(), "{") {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}

func TestRevokeSessionKey(t *testing.T) {
	ctx := context.Background()
	srv, c, apiKey := setup(t)
	sessionKey, pub := newPub(t)
	if _, err := c.StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute}); err != nil {
		t.Fatal(err)
	}
	// Stamped by the session's own key pair, as tkauth logout --revoke does.
	if err := c.RevokeSessionKey(ctx, sessionKey, "o", "u", pub); err != nil {
		t.Fatal(err)
	}
	if srv.HasKey(pub) {
		t.Error("the session key is still registered")
	}
	if !srv.HasKey(apiKey.PublicKey()) {
		t.Error("revoking the session deleted the user's API key")
	}
	// Now dead: it cannot stamp anything.
	_, err := c.GetAPIKeys(ctx, sessionKey, "o", "u")
	if !errors.Is(err, turnkey.ErrBadCredentials) {
		t.Errorf("a revoked key still works: %v", err)
	}
	var apiErr *turnkey.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
		t.Errorf("err = %#v", err)
	}
}

// Turnkey's answer to an expired key, in its error shape, becomes words.
func TestExpiredKeyInWords(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"code":16,"message":"api key expired","details":[]}`))
	}))
	defer srv.Close()
	k, _ := newPub(t)
	_, err := turnkey.New(srv.URL).GetAPIKeys(context.Background(), k, "o", "u")
	if !errors.Is(err, turnkey.ErrExpiredKey) || !errors.Is(err, session.ErrSignerDead) || !strings.Contains(err.Error(), "has expired") {
		t.Fatalf("err = %v", err)
	}
}
