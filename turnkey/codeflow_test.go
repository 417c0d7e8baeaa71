package turnkey_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// codeLogins are the two ways in, against srv: through the Auth Proxy,
// and from parent organization o's API key.
func codeLogins(t *testing.T) (*turnkeytest.Server, map[string]func() *turnkey.CodeLogin) {
	srv := turnkeytest.New()
	t.Cleanup(srv.Close)
	srv.AddSubOrg("o", "sub", "ada", turnkeytest.SandboxEmail, "")
	srv.AddAuthProxy(turnkeytest.AuthProxyConfig{ID: "cfg", OrganizationID: "o"})
	parent := srv.NewAPIKey("o", "root")
	anchors := turnkey.Anchors{Enclave: &srv.Notarizer.PublicKey, Notarizer: &srv.Notarizer.PublicKey, Test: true}
	return srv, map[string]func() *turnkey.CodeLogin{
		"proxy": func() *turnkey.CodeLogin {
			return &turnkey.CodeLogin{API: srv.Client(), Anchors: anchors, Type: turnkey.OTPEmail, Contact: turnkeytest.SandboxEmail, Proxy: turnkey.NewAuthProxy(srv.URL, "cfg")}
		},
		"parent key": func() *turnkey.CodeLogin {
			return &turnkey.CodeLogin{API: srv.Client(), Anchors: anchors, Type: turnkey.OTPEmail, Contact: turnkeytest.SandboxEmail, ParentKey: parent, Parent: "o", AppName: "tkauth"}
		},
	}
}

// issue runs the steps after the code with a fresh session key.
func issue(t *testing.T, l *turnkey.CodeLogin, sent turnkey.Sent, code string) error {
	t.Helper()
	key, _ := newPub(t)
	_, err := l.WithCode(sent, code).Issue(context.Background(), key, session.LoginRequest{Expires: time.Hour})
	return err
}

// Turnkey's limits on codes and tokens reach the caller as the errors
// tkauth words, on both paths.
func TestCodeLoginRefusals(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{"proxy", "parent key"} {
		t.Run(path, func(t *testing.T) {
			srv, logins := codeLogins(t)
			login := logins[path]

			var sent []turnkey.Sent
			for range turnkeytest.MaxLiveCodes {
				s, err := login().Start(ctx)
				if err != nil {
					t.Fatal(err)
				}
				sent = append(sent, s)
			}
			if _, err := login().Start(ctx); !errors.Is(err, turnkey.ErrTooManyCodes) || !strings.Contains(err.Error(), "use the last one sent") {
				t.Errorf("a code past the live ones: %v", err)
			}

			for i := range turnkeytest.MaxTries {
				err := issue(t, login(), sent[0], "123456")
				if i < turnkeytest.MaxTries-1 && !errors.Is(err, turnkey.ErrWrongCode) {
					t.Errorf("try %d: %v", i+1, err)
				}
			}
			if err := issue(t, login(), sent[0], turnkeytest.SandboxCode); !errors.Is(err, turnkey.ErrCodeSpent) {
				t.Errorf("the right code after %d wrong ones: %v", turnkeytest.MaxTries, err)
			}
			if err := issue(t, login(), sent[1], turnkeytest.SandboxCode); err != nil {
				t.Fatalf("the second code: %v", err)
			}
			if err := issue(t, login(), sent[1], turnkeytest.SandboxCode); err == nil {
				t.Error("a code used twice logged in")
			}

			srv.Advance(turnkeytest.CodeLifetime + time.Second)
			if err := issue(t, login(), sent[2], turnkeytest.SandboxCode); !errors.Is(err, turnkey.ErrCodeExpired) || !strings.Contains(err.Error(), "log in again for a new one") {
				t.Errorf("a code past its life: %v", err)
			}
			if _, err := login().Start(ctx); err != nil {
				t.Errorf("a new code once the others expired: %v", err)
			}

			// A token Turnkey signed an hour and more ago is refused here,
			// before it is used.
			srv.Advance(-turnkeytest.TokenLife - time.Hour)
			l := login()
			s, err := l.Start(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := issue(t, l, s, turnkeytest.SandboxCode); !errors.Is(err, turnkey.ErrTokenExpired) {
				t.Errorf("an expired verification token: %v", err)
			}
		})
	}
}
