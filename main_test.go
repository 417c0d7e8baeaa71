package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// tkauth runs the command line with fake streams, on the file key store
// unless args choose otherwise.
func tkauth(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

// seededDemo fills dir with the demo sessions as at now and returns what
// `demo` printed.
func seededDemo(t *testing.T, dir string, now time.Time) string {
	t.Helper()
	var out bytes.Buffer
	opts := &DemoOptions{Factory: &Factory{IO: &IOStreams{Out: &out, ErrOut: &out}}, Dir: dir, Now: func() time.Time { return now }}
	if err := demoRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

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

func TestListOutput(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := tkauth(t, "--home", dir, "--keyring", "file", "list")
	if code != exitOK || !strings.Contains(out, "No sessions in "+dir) || !strings.Contains(out, "tkauth demo") {
		t.Fatalf("empty store: code %d\n%s%s", code, out, errOut)
	}

	seededDemo(t, dir, time.Now()) // list reads the real clock
	code, out, errOut = tkauth(t, "--home", dir, "--keyring", "file", "list")
	if code != exitOK || errOut != "" {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6:\n%s", len(lines), out)
	}
	for _, line := range lines {
		key := strings.Fields(strings.TrimPrefix(line, "*"))[0]
		if active := strings.HasPrefix(line, "* "); active != (key == fixture.DemoActive) {
			t.Errorf("line %q: active mark %v", line, active)
		}
		if !strings.Contains(line, "unverified") {
			t.Errorf("line %q: demo tokens are unverified", line)
		}
		if key == "globex/ci" && !strings.Contains(line, "expired ") {
			t.Errorf("line %q: not labelled expired", line)
		}
		if strings.HasSuffix(line, " ") {
			t.Errorf("line %q ends in spaces", line)
		}
	}
	st, _ := store.NewFile(dir).Load(context.Background())
	for _, s := range st.Sessions {
		if strings.Contains(out, s.Token) {
			t.Error("list printed a token")
		}
	}
	// `tkauth` with no arguments lists too (the TUI comes in issue 2 of 6).
	if _, bare, _ := tkauth(t, "--home", dir, "--keyring", "file"); bare != out {
		t.Errorf("bare tkauth printed\n%s\nwant\n%s", bare, out)
	}
}

func TestErrorsAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(store.NewFile(dir).Path(), []byte(`{"version": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"unknown flag", []string{"list", "--frob"}, exitUsage, "unknown flag: --frob"},
		{"extra argument", []string{"list", "x"}, exitUsage, "unknown command"},
		{"unknown key store", []string{"--home", t.TempDir(), "--keyring", "vault", "list"}, exitUsage, `unknown key store "vault"`},
		{"newer store file", []string{"--home", dir, "--keyring", "file", "list"}, exitFailure, "written by a newer tkauth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := tkauth(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.says) || !strings.HasPrefix(errOut, "tkauth: ") {
				t.Errorf("code %d, stderr %q; want %d saying %q", code, errOut, tt.code, tt.says)
			}
		})
	}
}

func TestExitCodeForNotFound(t *testing.T) {
	for _, err := range []error{session.ErrNotFound, session.ErrNoActiveSession} {
		if got := exitCode(err); got != exitNotFound {
			t.Errorf("exitCode(%v) = %d, want %d", err, got, exitNotFound)
		}
	}
}
