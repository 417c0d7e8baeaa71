package ui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// details is the pane under the table: everything about the selected
// session but its token.
type details struct {
	common
	width int
}

// SetSize sizes the pane to the screen's width; its height is what it
// has to say.
func (d *details) SetSize(width, _ int) { d.width = width }

// lines are the pane for s.
func (d details) lines(s *session.Session) []string {
	if s == nil {
		return nil
	}
	f := d.facts
	st := d.styles
	title := escape.Clean(s.Key)
	if s.Key == f.active() {
		title += " · active"
	}
	lines := []string{st.Dim.Render("── ") + st.Title.Render(title) + st.Dim.Render(" "+strings.Repeat("─", max(0, d.width-lipgloss.Width(title)-4)))}
	const labelW = 16 // two spaces and the label
	row := func(label, value string) {
		for i, part := range strings.Split(lipgloss.Wrap(value, max(d.width-labelW, 10), " "), "\n") {
			if i > 0 {
				label = ""
			}
			lines = append(lines, "  "+st.Label.Render(escape.Fit(label, labelW-2))+part)
		}
	}
	row("user", text.NameAndID(s.Username, s.UserID))
	row("organization", text.NameAndID(s.OrganizationName, s.OrganizationID))
	row("type", text.Type(s.Type)+" ("+escape.Clean(string(s.Type))+")")
	expires := s.Expiry.UTC().Format("2006-01-02 15:04:05 UTC") + " · " + text.Expiry(f.now, s.Expiry)
	if s.InLastMinute(f.now) && f.api {
		expires += st.Soon.Render(" · R refreshes it")
	}
	row("expires", expires)
	row("stored", s.StoredAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	row("public key", escape.Clean(s.PublicKey))
	row("key pair", d.keyPair(s, f))
	if s.Verified {
		row("token", st.Verified.Render(text.SignedLong(*s)))
	} else {
		row("token", st.Unverified.Render(text.SignedLong(*s)))
	}
	if f.api {
		row("turnkey", d.check(s.Key, f))
	}
	if s.SessionProfileID != "" || s.Scope != "" {
		row("profile", escape.Clean(s.SessionProfileID)+"  scope "+escape.Clean(s.Scope))
	}
	row("secret", st.Dim.Render("token hidden; t shows it, y copies it"))
	return lines
}

func (d details) keyPair(s *session.Session, f facts) string {
	p, known := f.presence[s.PublicKey]
	if !known {
		return text.KeyPair(f.state, s, "checking…")
	}
	return text.KeyPair(f.state, s, string(p))
}

// check says what Turnkey said of the session, when asked.
func (d details) check(key string, f facts) string {
	st := d.styles
	if f.checking[key] {
		return st.Dim.Render("asking…")
	}
	c, ok := f.checks[key]
	if !ok {
		return st.Dim.Render("not checked; c asks Turnkey")
	}
	at := " (" + c.at.Format("15:04:05") + ")"
	switch c.check.Status {
	case session.Valid:
		return st.Verified.Render("valid") + at
	case session.Rejected:
		return st.Error.Render("rejected") + at + ": " + escape.Clean(describe(c.check.Why))
	}
	return st.Unverified.Render(string(c.check.Status)) + at + ": " + escape.Clean(describe(c.check.Why))
}
