//go:build unix

package store

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A note is trusted only for what it can say: for another generation,
// torn, unsafe or not a regular file, it is ignored, and the marks stand
// until a prune.
func TestAnOldNoteIsTrustedOnlyForWhatItCanSay(t *testing.T) {
	aPub := "02" + strings.Repeat("aa", 32)
	f, gen := oldStore(t, sampleState())
	whole := `{"gen":"` + gen + `","deleted":["` + aPub + `"]}`
	kept := func(what string) {
		t.Helper()
		within(t, 5*time.Second, func() bool {
			got, err := NewFile(f.Dir()).Load(context.Background())
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if kp, ok := got.KeyPairs[aPub]; !ok || !kp.Deleting {
				t.Errorf("%s: the key pair is not kept, marked Deleting", what)
			}
			return true
		})
	}
	write := func(content string, mode os.FileMode) {
		t.Helper()
		os.Remove(f.oldNotePath())
		if err := os.WriteFile(f.oldNotePath(), []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(f.oldNotePath(), mode)
	}
	kept("no note")
	write(`{"gen":"0123456789abcdef","deleted":["`+aPub+`"]}`, 0o600)
	kept("a note for another generation")
	write(whole[:len(whole)-3], 0o600)
	kept("a torn note")
	write("", 0o600)
	kept("an empty note")
	write(whole, 0o622)
	kept("a note others can write")
	os.Remove(f.oldNotePath())
	if err := os.Symlink("/dev/null", f.oldNotePath()); err != nil {
		t.Fatal(err)
	}
	kept("a symbolic link")
	os.Remove(f.oldNotePath())
	if err := syscall.Mkfifo(f.oldNotePath(), 0o600); err != nil {
		t.Fatal(err)
	}
	kept("a named pipe")
}
