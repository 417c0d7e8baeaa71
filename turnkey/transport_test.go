package turnkey_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tkauth/tkauth/turnkey"
)

// The Auth Proxy goes through the API's transport: a redirect is not
// followed, an answer over 4 MiB is not read, a slow body is said for
// what it is; and, unlike the API, nothing is tried twice (a second
// otp_init would send a second code).
func TestAuthProxyTransport(t *testing.T) {
	ctx := context.Background()
	serve := func(h http.HandlerFunc) (*turnkey.AuthProxy, *atomic.Int32) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			if r.Header.Get("X-Auth-Proxy-Config-Id") != "cfg" || r.Header.Get("Content-Type") != "application/json" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			h(w, r)
		}))
		t.Cleanup(srv.Close)
		return turnkey.NewAuthProxy(srv.URL, "cfg"), &n
	}
	p, n := serve(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/v1/otp_init_v2", http.StatusFound)
	})
	if _, err := p.InitOTP(ctx, turnkey.OTPEmail, "a@b"); err == nil || !strings.Contains(err.Error(), "a redirect to https://elsewhere.example") || n.Load() != 1 {
		t.Errorf("a redirect: %v, %d requests", err, n.Load())
	}
	p, _ = serve(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"otpId":"%s"}`, strings.Repeat("A", 4<<20))
	})
	if _, err := p.InitOTP(ctx, turnkey.OTPEmail, "a@b"); !errors.Is(err, turnkey.ErrAnswerTooLarge) {
		t.Errorf("an answer over 4 MiB: %v", err)
	}
	p, n = serve(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	var pe *turnkey.ProxyError
	if _, err := p.InitOTP(ctx, turnkey.OTPEmail, "a@b"); !errors.As(err, &pe) || pe.Status != http.StatusServiceUnavailable || n.Load() != 1 {
		t.Errorf("a 503: %v, %d requests", err, n.Load())
	}
	p, _ = serve(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"otpId":`))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	p.RequestTimeout = 100 * time.Millisecond
	if _, err := p.InitOTP(ctx, turnkey.OTPEmail, "a@b"); err == nil || !strings.Contains(err.Error(), "calling the Auth Proxy (/v1/otp_init_v2)") || !strings.Contains(err.Error(), "within 100ms") {
		t.Errorf("a slow body: %v", err)
	}
}
