package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/danieljoos/wincred"

	"github.com/tkauth/tkauth/session"
)

// credKeys is the Credential Manager's key store under a service of its
// own, emptied after the test.
func credKeys(t *testing.T) *SystemKeys {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	k := NewSystemKeys("tkauth-test-"+hex.EncodeToString(b), 5*time.Second)
	if err := k.Probe(context.Background()); err != nil {
		t.Fatalf("no Credential Manager: %v", err)
	}
	t.Cleanup(func() {
		creds, _ := wincred.FilteredList(k.service + ":*")
		for _, c := range creds {
			if g, err := wincred.GetGenericCredential(c.TargetName); err == nil {
				g.Delete()
			}
		}
	})
	return k
}

func TestWindowsCredentialManagerKeepsKeys(t *testing.T) {
	ctx := context.Background()
	k := credKeys(t)
	if err := k.Put(ctx, pubA, "secret"); err != nil {
		t.Fatal(err)
	}
	cred, err := wincred.GetGenericCredential(k.service + ":" + pubA)
	if err != nil || string(cred.CredentialBlob) != "secret" || cred.Persist != wincred.PersistLocalMachine {
		t.Fatalf("the item, seen from outside: %+v, %v", cred, err)
	}
	if got, err := k.Get(ctx, pubA); err != nil || got != "secret" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if found, err := k.HasMany(ctx, []string{pubA, strings.Replace(pubA, "02", "03", 1)}); err != nil || len(found) != 2 || !found[pubA] {
		t.Fatalf("HasMany = %v, %v", found, err)
	}
	if err := k.Delete(ctx, pubA); err != nil {
		t.Fatal(err)
	}
	if _, err := wincred.GetGenericCredential(k.service + ":" + pubA); err == nil {
		t.Fatal("the item is still there after Delete")
	}
	if _, err := k.Get(ctx, pubA); !errors.Is(err, session.ErrKeyNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := k.Delete(ctx, pubA); err != nil {
		t.Fatalf("deleting what is gone: %v", err)
	}
}

// An item another program made under tkauth's target is not tkauth's:
// not read, not counted, not deleted, not replaced.
func TestWindowsCredentialManagerLeavesOthersItems(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ name, user, comment string }{
		{"another comment", pubA, "someone else's"},
		{"another user name", "someone", "tkauth private key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := credKeys(t)
			theirs := wincred.NewGenericCredential(k.service + ":" + pubA)
			theirs.UserName, theirs.Comment, theirs.CredentialBlob = c.user, c.comment, []byte("theirs")
			if err := theirs.Write(); err != nil {
				t.Fatal(err)
			}
			if _, err := k.Get(ctx, pubA); !errors.Is(err, session.ErrKeyNotFound) {
				t.Errorf("Get: %v, want not found", err)
			}
			if has, err := k.Has(ctx, pubA); has || err != nil {
				t.Errorf("Has = %v, %v", has, err)
			}
			if err := k.Delete(ctx, pubA); err != nil {
				t.Errorf("Delete: %v", err)
			}
			if err := k.Put(ctx, pubA, "ours"); err == nil || !strings.Contains(err.Error(), "another program's") {
				t.Errorf("Put over it: %v", err)
			}
			if cred, err := wincred.GetGenericCredential(k.service + ":" + pubA); err != nil || string(cred.CredentialBlob) != "theirs" {
				t.Fatalf("their item after it all: %+v, %v", cred, err)
			}
		})
	}
}

func TestWindowsCredentialManagerSecretLimit(t *testing.T) {
	ctx := context.Background()
	k := credKeys(t)
	if err := k.put(ctx, "at-the-limit", strings.Repeat("s", 2560)); err != nil {
		t.Fatalf("2,560 bytes: %v", err)
	}
	err := k.put(ctx, "over", strings.Repeat("s", 2561))
	if !errors.Is(err, ErrSecretTooLarge) || !strings.Contains(err.Error(), "2,560 bytes") || !strings.Contains(err.Error(), "2561 bytes") {
		t.Fatalf("2,561 bytes: %v", err)
	}
	if _, err := wincred.GetGenericCredential(k.service + ":over"); err == nil {
		t.Fatal("an item over the limit was stored")
	}
}
