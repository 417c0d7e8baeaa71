// Package ui is tkauth's terminal interface, and the wording of sessions
// that the plain commands share with it.
package ui

import (
	"fmt"
	"time"
)

// ExpiryText says when a session expires, relative to now: "expires in
// 14m", "expires in 45s", "expired 4m ago".
func ExpiryText(now, expiry time.Time) string {
	d := expiry.Sub(now)
	if d <= 0 {
		return "expired " + Duration(-d) + " ago"
	}
	return "expires in " + Duration(d)
}

// Duration is d rounded down to what a person needs at its size: seconds
// under a minute, minutes and seconds under ten minutes, then minutes,
// hours and minutes, days and hours.
func Duration(d time.Duration) string {
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 10*60:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 60*60:
		return fmt.Sprintf("%dm", s/60)
	case s < 24*60*60:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%dh", s/86400, s%86400/3600)
}
