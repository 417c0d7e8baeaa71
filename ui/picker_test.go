package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tkauth/tkauth/internal/escape"
)

// The picker starts on the active session, filters as the user types,
// chooses on enter, and cancels on esc.
func TestPicker(t *testing.T) {
	mgr, _ := demoManager(t)
	st, err := mgr.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	send := func(p picker, keys ...string) picker {
		var m tea.Model = p
		for _, k := range keys {
			m, _ = m.Update(keyMsg(k))
		}
		return m.(picker)
	}
	p := newPicker(st, t0, "switch to")
	if got := p.rows[p.cursor].Key; got != "acme/admin" {
		t.Errorf("starts on %q, want the active acme/admin", got)
	}
	if v := p.View().Content; !strings.Contains(v, "› ● acme/admin") || !strings.Contains(v, "enter: switch to") {
		t.Errorf("view:\n%s", v)
	}
	if got := send(p, "g", "l", "o", "down", "enter"); !got.done || got.chosen != "globex/ops" {
		t.Errorf("glo, down, enter: chose %q", got.chosen)
	}
	if got := send(p, "x", "y", "z", "enter"); got.done || !strings.Contains(got.View().Content, "no session matches") {
		t.Errorf("no match: done %v", got.done)
	}
	if got := send(p, "j", "esc"); !got.done || got.chosen != "" {
		t.Errorf("esc: chose %q", got.chosen)
	}
	// The placeholder shows whole; the expiries line up; typing puts the
	// cursor on the first match, or keeps it on its session.
	v := ansi.Strip(p.View().Content)
	if !strings.Contains(v, "type to filter") {
		t.Errorf("the placeholder is cut:\n%s", v)
	}
	col := -1
	for _, l := range strings.Split(v, "\n")[1:] {
		if i := strings.Index(l, "expire"); i >= 0 {
			i = escape.Width(l[:i])
			if col >= 0 && i != col {
				t.Errorf("expiries do not line up:\n%s", v)
				break
			}
			col = i
		}
	}
	if got := send(p, "i", "n", "i"); got.rows[got.cursor].Key != "initech/dev" {
		t.Errorf("after typing, the cursor is on %q, not the first match", got.rows[got.cursor].Key)
	}
	if got := send(p, "a", "c"); got.rows[got.cursor].Key != "acme/admin" {
		t.Errorf("typing moved the cursor off acme/admin, still shown, to %q", got.rows[got.cursor].Key)
	}
}
