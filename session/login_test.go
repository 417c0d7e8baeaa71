package session_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// issuers are the two kinds of login against f's Turnkey: user u of o
// with its API key, and by a code through the Auth Proxy, for ada of
// sub-organization sub. Each is made after its setup, the code sent.
func issuers(t *testing.T, f *apiFixture) map[string]func() session.Issuer {
	f.srv.AddSubOrg("o", "sub", "ada", turnkeytest.SandboxEmail, "")
	f.srv.AddAuthProxy(turnkeytest.AuthProxyConfig{ID: "cfg", OrganizationID: "o"})
	anchors := turnkey.Anchors{Enclave: &f.srv.Notarizer.PublicKey, Notarizer: &f.srv.Notarizer.PublicKey, Test: true}
	return map[string]func() session.Issuer{
		"api key": func() session.Issuer { return session.APIKeyLogin{Turnkey: f.api, Key: f.apiKey, Org: "o"} },
		"code": func() session.Issuer {
			l := &turnkey.CodeLogin{API: f.api, Anchors: anchors, Type: turnkey.OTPEmail, Contact: turnkeytest.SandboxEmail, Proxy: turnkey.NewAuthProxy(f.srv.URL, "cfg")}
			sent, err := l.Start(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return l.WithCode(sent, turnkeytest.SandboxCode)
		},
	}
}

// hookedIssuer runs after once Turnkey issued the session, and keeps the
// new key's public key.
type hookedIssuer struct {
	session.Issuer
	after func()
	pub   *string
}

func (h hookedIssuer) Issue(ctx context.Context, key session.Signer, r session.LoginRequest) (string, error) {
	*h.pub = key.PublicKey()
	tok, err := h.Issuer.Issue(ctx, key, r)
	if err == nil {
		h.after()
	}
	return tok, err
}

// A login that fails once Turnkey issued its session ends that session on
// Turnkey and deletes the new key pair, whichever issued it: here an API
// key login finds that another process stored a session under its key
// meanwhile, and a code login cannot ask Turnkey whose session it is.
func TestLoginFailureAfterIssueEndsTheSession(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		kind string
		fail func(f *apiFixture, other *session.Manager)
		want string
	}{
		{"api key", func(f *apiFixture, other *session.Manager) {
			if _, err := other.StoreSession(ctx, f.token(f.keyPair(), time.Hour), "work"); err != nil {
				t.Fatal(err)
			}
		}, `"work" was stored by another process`},
		{"code", func(f *apiFixture, _ *session.Manager) { f.srv.FailNext(500, 500, 500, 500) }, "asking Turnkey whose session this is"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			f := newAPIFixture(t)
			by := issuers(t, f)[tt.kind]()
			other := session.NewManager(store.NewFile(f.dir), store.NewFileKeys(f.dir))
			var pub string
			h := hookedIssuer{Issuer: by, pub: &pub, after: func() {
				if !f.srv.HasKey(pub) {
					t.Error("Turnkey does not know the new key once it issued the session")
				}
				tt.fail(f, other)
			}}
			_, err := f.m.Login(ctx, h, session.LoginOptions{Key: "work"})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "the session Turnkey issued was ended there") {
				t.Fatalf("err = %v, want %q, the session ended", err, tt.want)
			}
			if f.srv.HasKey(pub) {
				t.Error("the session Turnkey issued is still live there")
			}
			if _, kept := f.state().KeyPairs[pub]; kept || f.has(pub) {
				t.Error("the new key pair was left behind")
			}
		})
	}
}

// Replacing a live session of someone else is asked, through
// ConfirmReplace, by both kinds of login: an API key login before it
// asks Turnkey, a code login once the session says whose it is. No keeps
// what is stored and leaves nothing live on Turnkey; yes replaces it.
func TestLoginsAskBeforeReplacing(t *testing.T) {
	ctx := context.Background()
	for _, kind := range []string{"api key", "code"} {
		for _, yes := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, yes %v", kind, yes), func(t *testing.T) {
				f := newAPIFixture(t)
				mine := issuers(t, f)
				// "work" holds a live session of the other kind's user.
				first := "code"
				if kind == "code" {
					first = "api key"
				}
				held, err := f.m.Login(ctx, mine[first](), session.LoginOptions{Key: "work"})
				if err != nil {
					t.Fatal(err)
				}
				var pub string
				var asked error
				o := session.LoginOptions{Key: "work", ConfirmReplace: func(why error) bool { asked = why; return yes }}
				res, err := f.m.Login(ctx, hookedIssuer{Issuer: mine[kind](), pub: &pub, after: func() {}}, o)
				if !errors.Is(asked, session.ErrWouldReplace) {
					t.Fatalf("asked %v", asked)
				}
				st := f.state()
				if !yes {
					if !errors.Is(err, session.ErrWouldReplace) || st.Sessions["work"].Token != held.Session.Token {
						t.Fatalf("answered no: err = %v, stored %+v", err, st.Sessions["work"])
					}
					if issued := pub != ""; issued != (kind == "code") {
						t.Errorf("answered no: Turnkey issued a session: %v", issued)
					}
					if pub != "" && (f.srv.HasKey(pub) || f.has(pub)) {
						t.Error("answered no: the new session is live on Turnkey, or its key pair kept")
					}
					return
				}
				if err != nil || st.Sessions["work"].Token != res.Session.Token || !f.srv.HasKey(res.Session.PublicKey) {
					t.Fatalf("answered yes: err = %v", err)
				}
			})
		}
	}
}

// A login cancelled once Turnkey issued its session (esc in the TUI,
// ctrl+c) still ends that session there and deletes the new key pair:
// undoing it does not run under the context that was cancelled. (A code
// login asks whoami after the issue; an API key login, which asked
// before, has no request left to cancel and stores.)
func TestCancelledLoginEndsTheSession(t *testing.T) {
	for _, kind := range []string{"code"} {
		t.Run(kind, func(t *testing.T) {
			f := newAPIFixture(t)
			by := issuers(t, f)[kind]()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var pub string
			_, err := f.m.Login(ctx, hookedIssuer{Issuer: by, pub: &pub, after: cancel}, session.LoginOptions{Key: "work"})
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "the session Turnkey issued was ended there") {
				t.Fatalf("err = %v, want cancelled, the session ended", err)
			}
			if f.srv.HasKey(pub) {
				t.Error("the session Turnkey issued is still live there")
			}
			if _, kept := f.state().KeyPairs[pub]; kept || f.has(pub) {
				t.Error("the new key pair was left behind")
			}
		})
	}
}
