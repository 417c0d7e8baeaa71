package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// The TUI says the sessions exec --login left, as the command line does:
// a note whose process is gone is named in the header with how to end it;
// one whose process runs is not. Both rows say where their key pair is:
// in that process, never "missing".
func TestTUISaysTheSessionsExecLoginLeft(t *testing.T) {
	mgr, dir := demoManager(t)
	_, gonePub, _ := session.NewPrivateKey()
	_, livePub, _ := session.NewPrivateKey()
	gone, live := session.OneShotKey(4242, gonePub), session.OneShotKey(4343, livePub)
	if err := store.NewFile(dir).Update(context.Background(), func(st *session.State, commit session.Commit) error {
		for key, pub := range map[string]string{gone: gonePub, live: livePub} {
			tok, err := fixture.Token(pub, t0.Add(time.Hour))
			if err != nil {
				return err
			}
			s, err := session.Parse(tok)
			if err != nil {
				return err
			}
			s.Key = key
			st.Sessions[key] = &s
		}
		return commit()
	}); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(mgr)
	cfg.ProcessGone = func(pid int) bool { return pid == 4242 }
	m := loaded(t, cfg, 200, 40)
	s := flat(screen(m))
	if !strings.Contains(s, "the session "+gone+" was made for a command by `tkauth exec --login` (process 4242)") ||
		!strings.Contains(s, "tkauth logout --revoke "+gone+" --api-key NAME") || strings.Contains(s, "(process 4343)") {
		t.Errorf("the header:\n%s", screen(m))
	}
	for l := range strings.Lines(screen(m)) {
		if (strings.Contains(l, gone) || strings.Contains(l, live)) && strings.Contains(l, "expires in") && (!strings.Contains(l, "in-process") || strings.Contains(l, "missing")) {
			t.Errorf("a note's row: %q", l)
		}
	}
}
