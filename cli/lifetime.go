package cli

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// lifetimeValue is the --expires flag: a session's lifetime as a duration
// (10m, 1h30m, 7d) or plain seconds (900), within what Turnkey issues:
// whole seconds, from one to a year.
type lifetimeValue struct{ d *time.Duration }

var errLifetime = errors.New("a session lasts from 1s to 365d (a year), in whole seconds: give a duration such as 10m, 1h or 7d, or seconds such as 900")

func (v lifetimeValue) Set(s string) error {
	d, err := parseLifetime(s)
	if err != nil {
		return err
	}
	*v.d = d
	return nil
}

func parseLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 1 || n > int64(session.MaxLifetime/time.Second) {
			return 0, errLifetime
		}
		return time.Duration(n) * time.Second, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n < 1 || n > int64(session.MaxLifetime/(24*time.Hour)) {
			return 0, errLifetime
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d > session.MaxLifetime || d%time.Second != 0 {
		return 0, errLifetime
	}
	return d, nil
}

func (v lifetimeValue) String() string {
	if v.d == nil || *v.d == 0 {
		return ""
	}
	return text.Duration(*v.d)
}

func (v lifetimeValue) Type() string { return "duration" }
