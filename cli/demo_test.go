package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
	"github.com/tkauth/tkauth/turnkey"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

func TestDemoSeedsWhatItPromises(t *testing.T) {
	dir := t.TempDir()
	out := seededDemo(t, dir, t0)
	if !strings.Contains(out, dir) || !strings.Contains(out, "your keyring is not touched") {
		t.Errorf("demo does not say where its store is:\n%s", out)
	}
	st, err := store.NewFile(dir).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	orgs := map[string]bool{}
	users := map[string][]string{}
	var readOnly, expired, soon int
	for _, s := range st.List() {
		orgs[s.OrganizationID] = true
		users[s.PublicKey] = append(users[s.PublicKey], s.Key)
		if s.Type == session.ReadOnly {
			readOnly++
		}
		if s.Expired(t0) {
			expired++
		} else if s.Expiry.Sub(t0) < 5*time.Minute {
			soon++
		}
		if s.Verified {
			t.Errorf("demo session %s shows as verified by Turnkey", s.Key)
		}
	}
	shared := 0
	for _, keys := range users {
		if len(keys) == 2 {
			shared++
		}
	}
	if len(st.Sessions) != 6 || len(orgs) != 3 || readOnly != 1 || expired != 1 || soon != 1 || shared != 1 || st.Active != fixture.DemoActive {
		t.Errorf("demo store: %d sessions, %d orgs, %d read-only, %d expired, %d expiring soon, %d shared key pairs, active %q",
			len(st.Sessions), len(orgs), readOnly, expired, soon, shared, st.Active)
	}
	// Every key pair is tkauth's own and sits in the demo's file key store.
	keys := store.NewFileKeys(dir)
	for pub, kp := range st.KeyPairs {
		priv, err := keys.Get(context.Background(), pub)
		if err != nil || kp.KeyStore != store.KeyringFile {
			t.Errorf("key pair %s: store %q, %v", pub, kp.KeyStore, err)
		}
		if strings.Contains(out, priv) {
			t.Error("demo printed a private key")
		}
	}
}

// demo never writes into a store it did not create: pointed at a real
// one, it refuses and changes nothing.
func TestDemoLeavesARealStoreAlone(t *testing.T) {
	c := newCLI(t)
	c.add("mine", token(t, c.keyPair(), time.Hour))
	before := c.snapshot()
	r := c.run("", false, "demo", "--dir", c.home)
	if r.code != ExitFailure || !strings.Contains(r.errOut, "already holds files") {
		t.Errorf("demo --dir on a real store: exit %d, %q", r.code, r.errOut)
	}
	if c.snapshot() != before {
		t.Error("demo changed the real store")
	}
	if has, err := c.keysHave(c.state().Sessions["mine"].PublicKey); !has || err != nil {
		t.Errorf("the real store's private key is gone: %v", err)
	}
}

// demo --api offers a user whose logins need MFA (an API key and an SMS
// code) and a scoped session that only the API key refreshes.
func TestDemoAPIHasAnMFAUserAndAScopedSession(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv := turnkeytest.New()
	defer srv.Close()
	m := newManager(store.NewFile(dir), store.NewFileKeys(dir))
	keys, err := srv.SeedDemo(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	sv := session.Servers{Dial: func(string) session.TurnkeyAPI { return srv.Client() }, Default: srv.URL}
	if s, err := m.Get(ctx, turnkeytest.DemoScoped); err != nil || s.Scope == "" || !s.Type.Scoped() {
		t.Fatalf("the scoped session: %+v, %v", s, err)
	}
	var scope *session.ScopeError
	if _, err := m.Refresh(ctx, sv, turnkeytest.DemoScoped, 0, nil); !errors.As(err, &scope) {
		t.Errorf("the scoped session refreshed itself: %v", err)
	}
	admin, _, _ := turnkey.ParseKey(keys.Admin)
	if _, err := m.Refresh(ctx, sv, turnkeytest.DemoScoped, 0, admin); err != nil {
		t.Errorf("the API key could not refresh the scoped session: %v", err)
	}

	careful, _, _ := turnkey.ParseKey(keys.MFA)
	c := srv.Client()
	login := func() error {
		_, err := m.Login(ctx, session.APIKeyLogin{Turnkey: c, Key: careful, Org: fixture.DemoAPIOrg}, session.LoginOptions{Key: "careful", Expires: time.Hour})
		return err
	}
	if err := login(); !errors.Is(err, turnkey.ErrMFANeeded) {
		t.Errorf("the MFA user logged in without MFA: %v", err)
	}
	c.Approve = func(context.Context, turnkey.MFANeeded) ([]turnkey.Approver, error) {
		return []turnkey.Approver{turnkey.KeyApprover{Key: careful, Name: "careful"}, turnkey.CodeApprover{Type: turnkey.OTPSMS, Contact: turnkeytest.SandboxPhone,
			Anchors: turnkey.Anchors{Enclave: &srv.Notarizer.PublicKey}, Code: func(context.Context, string, turnkey.Sent) (string, error) { return turnkeytest.SandboxCode, nil }}}, nil
	}
	if err := login(); err != nil {
		t.Errorf("the MFA user with an API key and an SMS code: %v", err)
	}
}

// demo --api seeds the README's samples (a read-only session, two sharing
// a key pair), every one test-signed and bound to the stand-in, so that
// nothing the demo suggests reaches Turnkey; off a terminal it says what
// the stand-in was and how another shell uses it.
func TestDemoWithAnAPISeedsTheSamplesAtTheStandIn(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	opts := &DemoOptions{IO: &IOStreams{Out: &out, ErrOut: &out}, Dir: dir, API: true, Now: time.Now, Self: "tkauth"}
	if err := demoRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	st, err := store.NewFile(dir).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var readOnly, shared int
	users := map[string]int{}
	var api string
	for _, s := range st.List() {
		users[s.PublicKey]++
		if s.Type == session.ReadOnly {
			readOnly++
		}
		if !s.TestSigned || s.Verified {
			t.Errorf("%s: test-signed %v, verified %v", s.Key, s.TestSigned, s.Verified)
		}
		if api == "" {
			api = s.APIBaseURL
		}
		if s.APIBaseURL == "" || s.APIBaseURL != api || !strings.HasPrefix(api, "http://127.0.0.1:") {
			t.Errorf("%s records the API %q: not the stand-in's", s.Key, s.APIBaseURL)
		}
	}
	for _, n := range users {
		if n == 2 {
			shared++
		}
	}
	for _, d := range fixture.DemoSessions() {
		if st.Sessions[d.Key] == nil {
			t.Errorf("the sample %s is missing", d.Key)
		}
	}
	if readOnly != 1 || shared != 1 {
		t.Errorf("%d read-only, %d shared key pairs", readOnly, shared)
	}
	for _, want := range []string{"A stand-in Turnkey API ran at " + api, "stopped with it", ". env.sh",
		"TURNKEY_API_BASE_URL", "TURNKEY_AUTH_PROXY_CONFIG_ID", "TURNKEY_AUTH_PROXY_URL", "TKAUTH_DANGEROUSLY_OVERRIDE_SIGNER",
		"login --email user@example.com", "--api-key-file"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo --api off a terminal does not say %q:\n%s", want, out.String())
		}
	}
}

// A demo store left by a demo that was killed is found and removed by the
// next demo; a running demo's store, and a kept one, are left alone.
func TestDemoRemovesTheStoreOfAKilledDemo(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	mk := func(name, pid string) string {
		dir := filepath.Join(tmp, name)
		os.Mkdir(dir, 0o700)
		os.WriteFile(filepath.Join(dir, "sessions.json"), []byte("{}"), 0o600)
		if pid != "" {
			os.WriteFile(filepath.Join(dir, demoMark), []byte(pid+"\n"), 0o600)
		}
		return dir
	}
	left := mk(demoPrefix+"killed", strconv.Itoa(dead.Process.Pid))
	running := mk(demoPrefix+"running", strconv.Itoa(os.Getppid()))
	kept := mk(demoPrefix+"kept", "")

	var out strings.Builder
	if err := demoRun(context.Background(), &DemoOptions{IO: &IOStreams{Out: &out, ErrOut: &out}, Now: time.Now, Self: "tkauth"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) || !strings.Contains(out.String(), "Removed "+left+", the store of a demo that was killed") {
		t.Errorf("the killed demo's store: %v\n%s", err, out.String())
	}
	for _, dir := range []string{running, kept} {
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
	if dirs, _ := filepath.Glob(filepath.Join(tmp, demoPrefix+"*")); len(dirs) != 2 {
		t.Errorf("after the demo: %v", dirs)
	}
}
