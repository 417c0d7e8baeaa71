package turnkey_test

import (
	"context"
	"errors"
	"fmt"
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
	tok, err := c.StampLogin(context.Background(), apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: 10 * time.Minute})
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

// A revocation is taken as done, or as done already, only from an answer
// that says so: get_api_keys without its list of keys, or a completed
// delete_api_keys that does not name the key, is an error, not "revoked".
func TestRevocationNeedsAnAnswerThatSaysSo(t *testing.T) {
	ctx := context.Background()
	k, pub := newPub(t)
	for name, answers := range map[string]map[string]string{
		"get_api_keys without apiKeys": {
			"/public/v1/query/get_api_keys": `{}`,
		},
		"delete_api_keys naming no key": {
			"/public/v1/query/get_api_keys":     `{"apiKeys":[{"apiKeyId":"id-1","credential":{"publicKey":"` + pub + `","type":"CREDENTIAL_TYPE_LOGIN"}}]}`,
			"/public/v1/submit/delete_api_keys": `{"activity":{"id":"a","status":"ACTIVITY_STATUS_COMPLETED","result":{}}}`,
		},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, answers[r.URL.Path])
		}))
		err := turnkey.New(srv.URL).RevokeSessionKey(ctx, k, "o", "u", pub)
		srv.Close()
		if !errors.Is(err, turnkey.ErrUnexpectedAnswer) || errors.Is(err, session.ErrKeyNotOnTurnkey) {
			t.Errorf("%s: err = %v, want ErrUnexpectedAnswer", name, err)
		}
	}
}

// A revocation never deletes a long-lived API key, even one whose public
// key is a stored session's: only a session's credential type is ended.
func TestRevocationNeverDeletesALongLivedKey(t *testing.T) {
	ctx := context.Background()
	k, pub := newPub(t)
	deleted := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/public/v1/query/get_api_keys":
			fmt.Fprint(w, `{"apiKeys":[{"apiKeyId":"id-1","apiKeyName":"ci","credential":{"publicKey":"`+pub+`","type":"CREDENTIAL_TYPE_API_KEY_P256"}}]}`)
		default:
			deleted = true
			http.Error(w, "{}", 500)
		}
	}))
	defer srv.Close()
	err := turnkey.New(srv.URL).RevokeSessionKey(ctx, k, "o", "u", pub)
	if !errors.Is(err, session.ErrNotASession) || deleted {
		t.Errorf("err = %v, delete asked %v; want ErrNotASession and no delete", err, deleted)
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

// A hostile or broken server: its text reaches no terminal raw and not
// at length; a redirect is never followed with a stamped request; the
// stamp never goes in the clear except to this machine; a slow answer is
// said for what it is.
func TestAHostileServer(t *testing.T) {
	ctx := context.Background()
	k, _ := newPub(t)
	t.Run("escapes and size", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"code":3,"message":"\u001b]0;pwned\u0007\u001b]52;c;cHduZWQ=\u0007 rtl\u202e%s"}`, strings.Repeat("A", 3<<20))
		}))
		defer srv.Close()
		_, err := turnkey.New(srv.URL).Whoami(ctx, k, "o")
		msg := err.Error()
		if strings.ContainsAny(msg, "\x1b\x07\u202e") || len(msg) > 1000 || !strings.Contains(msg, `\x1b]0;pwned`) {
			t.Errorf("%d bytes, raw controls %v: %.200q", len(msg), strings.ContainsAny(msg, "\x1b\x07\u202e"), msg)
		}
	})
	t.Run("an answer too large", func(t *testing.T) {
		for _, status := range []int{http.StatusOK, http.StatusBadRequest} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"message":"%s"}`, strings.Repeat("A", 4<<20))
			}))
			_, err := turnkey.New(srv.URL).Call(ctx, k, "/public/v1/query/whoami", []byte(`{}`))
			srv.Close()
			if !errors.Is(err, turnkey.ErrAnswerTooLarge) || !strings.Contains(err.Error(), "larger than the 4 MiB") {
				t.Errorf("a %d answer over 4 MiB: err = %v", status, err)
			}
		}
	})
	t.Run("a redirect elsewhere", func(t *testing.T) {
		var stolen []string
		thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			stolen = append(stolen, r.Header.Get("X-Stamp"))
		}))
		defer thief.Close()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, thief.URL+r.URL.Path, http.StatusTemporaryRedirect)
		}))
		defer srv.Close()
		_, err := turnkey.New(srv.URL).Whoami(ctx, k, "o")
		if err == nil || !strings.Contains(err.Error(), "a redirect to "+thief.URL) || len(stolen) != 0 {
			t.Errorf("err = %v; %d requests reached the other host", err, len(stolen))
		}
	})
	t.Run("http to another host", func(t *testing.T) {
		for raw, ok := range map[string]bool{
			"https://api.turnkey.com": true, "http://127.0.0.1:8080": true, "http://localhost:1": true, "http://[::1]:9": true,
			"http://api.turnkey.com": false, "http://10.0.0.1": false, "ftp://x": false, "api.turnkey.com": false,
		} {
			if err := turnkey.CheckBaseURL(raw); (err == nil) != ok {
				t.Errorf("CheckBaseURL(%q) = %v", raw, err)
			}
		}
		_, err := turnkey.New("http://api.example.com").Whoami(ctx, k, "o")
		if !errors.Is(err, turnkey.ErrInsecureURL) {
			t.Errorf("err = %v, want ErrInsecureURL before any request", err)
		}
	})
	t.Run("a slow body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			w.Write([]byte(`{"organizationId":`))
			w.(http.Flusher).Flush()
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		c := turnkey.New(srv.URL)
		c.RequestTimeout = 100 * time.Millisecond
		_, err := c.Whoami(ctx, k, "o")
		if err == nil || !strings.Contains(err.Error(), "/public/v1/query/whoami") || !strings.Contains(err.Error(), "within 100ms") {
			t.Errorf("err = %v", err)
		}
	})
}

// Code 7 is a refusal by a policy or the session's scope (tkhq/sdk#1522),
// whatever its message mentions: it names the request, and is never bad
// credentials nor a dead key.
func TestPermissionDeniedIsNoBadCredential(t *testing.T) {
	ctx := context.Background()
	k, _ := newPub(t)
	for _, msg := range []string{"request denied by the session's scope", "policy denied: public key may not stamp this", "permission denied"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"code":7,"message":%q,"details":[]}`, msg)
		}))
		_, err := turnkey.New(srv.URL).Whoami(ctx, k, "o")
		srv.Close()
		if !errors.Is(err, session.ErrDenied) || errors.Is(err, turnkey.ErrBadCredentials) || errors.Is(err, session.ErrSignerDead) {
			t.Errorf("%q: classified as %v", msg, err)
			continue
		}
		if s := err.Error(); !strings.Contains(s, "Turnkey refused whoami") || !strings.Contains(s, "policy") || !strings.Contains(s, "scope") || strings.Contains(s, "registered") {
			t.Errorf("%q: says %q", msg, s)
		}
	}
}

// CONSENSUS_NEEDED is waited for as MFA is, and says how many approvals
// it has; another member's approval completes it.
func TestConsensusIsWaitedFor(t *testing.T) {
	ctx := context.Background()
	srv, c, apiKey := setup(t)
	_, pub := newPub(t)
	c.MFAWait = 10 * time.Second
	c.OnMFA = func(n turnkey.MFANeeded) func() {
		if !n.Consensus || n.Votes != 0 {
			t.Errorf("waiting for %+v", n)
		}
		go srv.Vote(n.ActivityID)
		return nil
	}
	srv.EndNextAs("ACTIVITY_STATUS_CONSENSUS_NEEDED")
	if _, err := c.StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute}); err != nil || !srv.HasKey(pub) {
		t.Fatalf("err = %v, key live %v", err, srv.HasKey(pub))
	}

	c.MFAWait, c.OnMFA = 0, nil
	_, pub = newPub(t)
	srv.EndNextAs("ACTIVITY_STATUS_CONSENSUS_NEEDED")
	_, err := c.StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute})
	var mfa *turnkey.MFAError
	if !errors.As(err, &mfa) || !mfa.Consensus || mfa.Left != nil || !strings.Contains(err.Error(), "has 0 so far") || len(srv.Rejected()) != 1 {
		t.Fatalf("without waiting: %v", err)
	}
	if srv.Vote(mfa.ActivityID) || srv.HasKey(pub) {
		t.Error("the rejected activity could still be approved")
	}
}

// Each factor kind proves its own authentication type, and only the
// activity's user proves them: a session factor by a session's key, an
// API key factor by a long-lived key; another user's key is refused.
func TestApproversProveTheirFactor(t *testing.T) {
	ctx := context.Background()
	srv, c, apiKey := setup(t)
	sessKey, sessPub := newPub(t)
	if _, err := c.StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: sessPub, Expires: time.Hour}); err != nil {
		t.Fatal(err)
	}
	other := srv.NewAPIKey("o", "someone-else")
	srv.RequireMFA("u", "AUTHENTICATION_TYPE_SESSION", "AUTHENTICATION_TYPE_API_KEY")

	for _, tt := range []struct {
		name string
		by   []turnkey.Approver
		ok   bool
	}{
		{"another user's key", []turnkey.Approver{turnkey.KeyApprover{Key: other, Name: "other"}, turnkey.KeyApprover{Key: sessKey, Session: true, Name: "s"}}, false},
		{"the API key twice", []turnkey.Approver{turnkey.KeyApprover{Key: apiKey, Name: "k"}, turnkey.KeyApprover{Key: apiKey, Name: "k"}}, false},
		{"a session and the API key", []turnkey.Approver{turnkey.KeyApprover{Key: sessKey, Session: true, Name: "s"}, turnkey.KeyApprover{Key: apiKey, Name: "k"}}, true},
	} {
		_, pub := newPub(t)
		var asked turnkey.MFANeeded
		c.Approve = func(_ context.Context, n turnkey.MFANeeded) ([]turnkey.Approver, error) { asked = n; return tt.by, nil }
		_, err := c.StampLogin(ctx, apiKey, session.LoginRequest{Org: "o", PublicKey: pub, Expires: time.Minute})
		if (err == nil) != tt.ok || srv.HasKey(pub) != tt.ok {
			t.Errorf("%s: err = %v, key live %v", tt.name, err, srv.HasKey(pub))
		}
		if asked.Fingerprint == "" || !asked.Asks(turnkey.FactorSession) || !asked.Asks(turnkey.FactorAPIKey) || asked.Asks(turnkey.FactorEmailOTP) {
			t.Errorf("%s: asked %+v", tt.name, asked)
		}
	}
}
