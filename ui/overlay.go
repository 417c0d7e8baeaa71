package ui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// The overlays (a dialog, the token, the help) have a head and a foot that
// are always shown, whatever the terminal's size, and between them a body
// that scrolls when it does not fit: a dialog never loses its question,
// its confirm line or its input.

// parts is an overlay's content.
type parts struct {
	head, body, foot []string
}

// layoutFunc lays an overlay out; tight drops the blank lines that
// separate its parts.
type layoutFunc func(tight bool) parts

// scroller shows an overlay in a height, its body from off.
type scroller struct {
	off    int
	height int
}

// fit is how many lines of the body fit, and the parts laid out for them:
// tight when the body scrolls, so that the blank lines give it their room.
func (s scroller) fit(layout layoutFunc) (int, parts) {
	p := layout(false)
	room := s.height - len(p.head) - len(p.foot)
	if room < len(p.body) {
		p = layout(true)
		room = s.height - len(p.head) - len(p.foot)
	}
	return max(room, 1), p
}

// maxOff is how far the body scrolls.
func (s scroller) maxOff(layout layoutFunc) int {
	room, p := s.fit(layout)
	if len(p.body) <= room {
		return 0
	}
	return len(p.body) - max(room-1, 1)
}

// setSize sets the height and keeps the offset within it.
func (s *scroller) setSize(h int, layout layoutFunc) {
	s.height = h
	s.off = max(0, min(s.off, s.maxOff(layout)))
}

// lines is the overlay fitted to the height, its body from off, with a
// line that says what is above and below.
func (s scroller) lines(layout layoutFunc, dim lipgloss.Style) []string {
	room, p := s.fit(layout)
	body := p.body
	if len(body) > room {
		shown := max(room-1, 1)
		off := max(0, min(s.off, len(body)-shown))
		end := min(off+shown, len(body))
		more := fmt.Sprintf("  ↑↓ %d–%d of %d lines", off+1, end, len(body))
		body = append(slices.Clone(body[off:end]), dim.Render(more))
	}
	out := append(slices.Clone(p.head), body...)
	return append(out, p.foot...)
}

// key scrolls for a scroll key; it reports whether msg was one.
func (s *scroller) key(msg tea.KeyPressMsg, k navKeys, layout layoutFunc) bool {
	room, _ := s.fit(layout)
	page := max(room-2, 1)
	switch {
	case key.Matches(msg, k.Up):
		s.off--
	case key.Matches(msg, k.Down):
		s.off++
	case key.Matches(msg, k.PageUp):
		s.off -= page
	case key.Matches(msg, k.PageDown):
		s.off += page
	case key.Matches(msg, k.Home):
		s.off = 0
	case key.Matches(msg, k.End):
		s.off = s.maxOff(layout)
	default:
		return false
	}
	s.off = max(0, min(s.off, s.maxOff(layout)))
	return true
}

// wheel scrolls by step lines.
func (s *scroller) wheel(step int, layout layoutFunc) {
	s.off = max(0, min(s.off+step, s.maxOff(layout)))
}
