package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey/turnkeytest"
)

// sessionOn is a session token of user u in o bound to pub, as Turnkey's
// notarizer would sign it; stored by add, it is unverified here.
func sessionOn(t *testing.T, srv *turnkeytest.Server, pub string) string {
	t.Helper()
	tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadWrite, UserID: "u", OrganizationID: "o"}, srv.Notarizer)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// looseKey is a long-lived API key of u in a file no key directory holds:
// one tkauth does not know of.
func looseKey(t *testing.T, srv *turnkeytest.Server) (pub, file string) {
	t.Helper()
	k, private := srv.NewAPIKeyFile("o", "u", "p256")
	file = filepath.Join(t.TempDir(), "loose.private")
	os.WriteFile(file, []byte(private), 0o600)
	return k.PublicKey(), file
}

// A session token bound to a long-lived API key tkauth knows (Turnkey's
// CLI key directory) is refused at add: revoking it would delete the key.
func TestAddRefusesASessionOnALongLivedKey(t *testing.T) {
	srv, keyFile := withAPI(t)
	c := newCLI(t)
	k, _ := loadFile(t, keyFile)
	r := c.run(sessionOn(t, srv, k), false, "add", "--session-key", "handed")
	if r.code == ExitOK || !strings.Contains(r.errOut, "long-lived API keys") || !strings.Contains(r.errOut, "nothing was stored") {
		t.Errorf("exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	if _, ok := c.state().Sessions["handed"]; ok {
		t.Error("the session was stored")
	}
}

// logout --revoke never deletes a long-lived API key that a stored
// session's token names, whether tkauth knows the key (its CLI key
// directory), Turnkey says what it is, or Turnkey calls it a session and
// it signs the request: the key stays, the session stays, and the message
// says the key was left.
func TestRevokeLeavesALongLivedKey(t *testing.T) {
	for name, tt := range map[string]struct {
		mislabel, known, signs bool
		says                   string
	}{
		"Turnkey lists it as an API key":              {says: `Turnkey lists it as "CREDENTIAL_TYPE_API_KEY_P256", not a session`},
		"Turnkey calls it a session; it signs":        {mislabel: true, signs: true, says: "it is the long-lived key that signed the request"},
		"Turnkey calls it a session; tkauth knows it": {mislabel: true, known: true, says: "it is one of your long-lived API keys on this machine"},
	} {
		t.Run(name, func(t *testing.T) {
			srv, keyFile := withAPI(t)
			c := newCLI(t)
			pub, file := looseKey(t, srv)
			c.add("handed", sessionOn(t, srv, pub))
			if tt.mislabel {
				srv.Mislabel(pub, session.CredentialLogin)
			}
			if tt.known {
				os.Rename(file, filepath.Join(filepath.Dir(keyFile), "handed.private"))
				file = filepath.Join(filepath.Dir(keyFile), "handed.private")
			}
			signer := keyFile
			if tt.signs {
				signer = file
			}
			r := c.run("", false, "logout", "--all", "--revoke", "--yes", "--api-key-file", signer, "--other-api", "--api-url", srv.URL)
			if r.code == ExitOK || strings.Contains(r.out, "Revoked") || !strings.Contains(r.errOut, "was left on Turnkey: "+tt.says) {
				t.Errorf("exit %d\n%s%s", r.code, r.out, r.errOut)
			}
			if !srv.HasKey(pub) {
				t.Fatal("the long-lived key was deleted on Turnkey")
			}
			if _, ok := c.state().Sessions["handed"]; !ok {
				t.Error("the session was logged out, though its key was not revoked")
			}
		})
	}
}

// A server that calls the signing long-lived key a session does not get
// it deleted by remote revoke --others: remote lists it as long-lived,
// and what is said to be left is what is left.
func TestRemoteRevokeSparesTheSigningKey(t *testing.T) {
	for name, useFile := range map[string]bool{"known key": false, "key file": true} {
		t.Run(name, func(t *testing.T) {
			srv, keyFile := withAPI(t)
			c := newCLI(t)
			c.ok("login", "--org", "o", "--session-key", "work")
			other := srv.SessionElsewhere("o", "u", time.Hour)
			signer, _ := loadFile(t, keyFile)
			args := []string{"remote", "revoke", "--others", "--yes", "--api-key", "default"}
			if useFile {
				var file string
				signer, file = looseKey(t, srv)
				args = []string{"remote", "revoke", "--others", "--yes", "--api-key-file", file}
			}
			srv.Mislabel(signer, session.CredentialLogin)
			r := c.run("", false, args...)
			if r.code != ExitOK || !strings.Contains(r.out, "Ended 1 session") {
				t.Errorf("exit %d\n%s%s", r.code, r.out, r.errOut)
			}
			if !srv.HasKey(signer) {
				t.Fatal("the signing long-lived key was deleted on Turnkey")
			}
			if srv.HasKey(other) {
				t.Error("the other session was not ended")
			}
		})
	}
}

// Every session credential type Turnkey's logins issue, today's and older
// flows', counts as a session in remote and can be ended; a long-lived
// key, expiring or not, never shows as one.
func TestRemoteOlderSessionTypes(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	_, pub, _ := session.NewPrivateKey()
	srv.AddExpiringAPIKey("o", "u", pub, time.Hour)
	types := []string{
		"CREDENTIAL_TYPE_READ_WRITE_SESSION_KEY_P256",
		"CREDENTIAL_TYPE_OTP_AUTH_KEY_P256",
		"CREDENTIAL_TYPE_OAUTH_KEY_P256",
		"CREDENTIAL_TYPE_EMAIL_AUTH_KEY_P256",
		"CREDENTIAL_TYPE_RECOVER_USER_KEY_P256",
	}
	var legacy []string
	for _, typ := range types {
		legacy = append(legacy, srv.SessionElsewhereAs("o", "u", time.Hour, typ))
	}
	got := remoteJSON(t, c)
	if len(got) != 1+len(types) {
		t.Fatalf("remote --json lists %d sessions, want %d: %+v", len(got), 1+len(types), got)
	}
	for _, r := range got {
		if r.PublicKey == pub {
			t.Errorf("the long-lived key is listed as a session: %+v", r)
		}
	}
	out := c.ok("remote")
	if !strings.Contains(out, "2 long-lived API keys") {
		t.Errorf("remote:\n%s", out)
	}
	r := c.run("", false, "remote", "revoke", "--others", "--yes")
	if r.code != ExitOK || !strings.Contains(r.out, "Ended 5 sessions") {
		t.Fatalf("exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	for i, k := range legacy {
		if srv.HasKey(k) {
			t.Errorf("the %s session is still live", types[i])
		}
	}
	if !srv.HasKey(pub) {
		t.Error("the long-lived key was deleted")
	}
}

// remote revoke says what Turnkey ended, listing again when the answer
// does not say: a result that names only some of the keys, or a retry
// after a 5xx (the delete done, the answer lost) that finds them gone on
// a server that does not deduplicate.
func TestRemoteRevokeSaysWhatEnded(t *testing.T) {
	for name, misbehave := range map[string]func(srv *turnkeytest.Server, ids []string){
		"a result naming only one": func(srv *turnkeytest.Server, ids []string) { srv.NameInNextDelete(ids[0]) },
		"a retry that finds them gone": func(srv *turnkeytest.Server, _ []string) {
			srv.ForgetSubmissions()
			srv.AnswerAfterNext(0, 503) // get_api_keys as asked, delete_api_keys' answer lost
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv, _ := withAPI(t)
			c := newCLI(t)
			c.ok("login", "--org", "o", "--session-key", "work")
			a := srv.SessionElsewhere("o", "u", time.Hour)
			b := srv.SessionElsewhere("o", "u", time.Hour)
			misbehave(srv, []string{srv.KeyID(a), srv.KeyID(b)})
			r := c.run("", false, "remote", "revoke", "--others", "--yes")
			if r.code != ExitOK || !strings.Contains(r.out, "Ended 2 sessions") || strings.Contains(r.out+r.errOut, "nothing was ended") {
				t.Errorf("exit %d\n%s%s", r.code, r.out, r.errOut)
			}
			if srv.HasKey(a) || srv.HasKey(b) {
				t.Error("a session is still live")
			}
		})
	}
}

// A delete that Turnkey answers with an error, having deleted only some
// of the keys, is said as it is: what ended, what is still live.
func TestRemoteRevokeSaysWhatIsLeft(t *testing.T) {
	srv, _ := withAPI(t)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "work")
	a := srv.SessionElsewhere("o", "u", time.Hour)
	b := srv.SessionElsewhere("o", "u", time.Hour)
	srv.KeepInNextDelete(b)
	srv.AnswerAfterNext(0, 500) // get_api_keys as asked; the delete's answer lost
	srv.ForgetSubmissions()
	r := c.run("", false, "remote", "revoke", "--others", "--yes")
	if r.code == ExitOK || !strings.Contains(r.out, "Ended 1 session on Turnkey") || !strings.Contains(r.out, "Not ended, though asked for, as listing the keys again shows: "+srv.KeyID(b)) ||
		!strings.Contains(r.errOut, "1 session of those asked for still live on Turnkey") {
		t.Errorf("exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	if srv.HasKey(a) || !srv.HasKey(b) {
		t.Error("not what the test server was told to do")
	}
}
