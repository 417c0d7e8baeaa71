package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles is every style the TUI uses, built for a light or dark
// background. Nothing depends on colour alone: markers and words carry the
// meaning, so NO_COLOR loses nothing.
type Styles struct {
	Title, Header, Dim, Warning, Error, Success lipgloss.Style
	ColumnHeader, Cursor, Active, Expired, Soon lipgloss.Style
	Verified, Unverified, Label                 lipgloss.Style
	Dialog, DialogTitle                         lipgloss.Style
	Help                                        help.Styles
}

func newStyles(isDark bool) *Styles {
	c := lipgloss.LightDark(isDark)
	accent := c(lipgloss.Color("#5A4FCF"), lipgloss.Color("#9D8CFF"))
	dim := c(lipgloss.Color("#7A7A7A"), lipgloss.Color("#8A8A8A"))
	warn := c(lipgloss.Color("#A15C00"), lipgloss.Color("#F0B429"))
	bad := c(lipgloss.Color("#B3261E"), lipgloss.Color("#FF6B6B"))
	good := c(lipgloss.Color("#1B7F3B"), lipgloss.Color("#5FD38D"))
	soon := c(lipgloss.Color("#B0129B"), lipgloss.Color("#FF7AE0")) // not warn: unverified has it
	fg := func(col color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	return &Styles{
		Title:        fg(accent).Bold(true),
		Header:       fg(dim),
		Dim:          fg(dim),
		Warning:      fg(warn).Bold(true),
		Error:        fg(bad).Bold(true),
		Success:      fg(good),
		ColumnHeader: fg(dim).Bold(true),
		Cursor:       lipgloss.NewStyle().Reverse(true),
		Active:       fg(accent).Bold(true),
		Expired:      fg(dim).Faint(true),
		Soon:         fg(soon).Bold(true),
		Verified:     fg(good),
		Unverified:   fg(warn),
		Label:        fg(dim),
		Dialog:       lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(warn).Padding(0, 2),
		DialogTitle:  fg(warn).Bold(true),
		Help:         help.DefaultStyles(isDark),
	}
}
