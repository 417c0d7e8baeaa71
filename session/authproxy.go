package session

import (
	"slices"
	"time"
	"unicode/utf8"
)

// AuthProxyConfig is an Auth Proxy configuration a code login stored a
// session through: its ID and the proxy's URL, and when. Neither is a
// secret; both are text from whoever typed them, to be escaped.
type AuthProxyConfig struct {
	ID, URL string
	UsedAt  time.Time
}

// MaxAuthProxies is how many configurations the state remembers.
const MaxAuthProxies = 10

// maxAuthProxyText bounds what is remembered of an ID or URL: a UUID and
// a host name are far shorter.
const maxAuthProxyText = 512

// ThroughAuthProxy is an Issuer that has the session issued through an
// Auth Proxy configuration. A login that stores the session remembers the
// configuration (State.AuthProxies), so that a login given no flags can
// offer it.
type ThroughAuthProxy interface {
	Issuer
	// AuthProxy is the configuration; the zero one where the login went
	// around the Auth Proxy (a parent organization's API key).
	AuthProxy() AuthProxyConfig
}

// rememberAuthProxy puts c first among st.AuthProxies, used at now,
// dropping an older entry of the same ID and URL and the least recently
// used beyond MaxAuthProxies. A configuration with no ID, or text the
// session file could not keep as it is, is not remembered.
func (st *State) rememberAuthProxy(c AuthProxyConfig, now time.Time) {
	if c.ID == "" || len(c.ID)+len(c.URL) > maxAuthProxyText || !utf8.ValidString(c.ID) || !utf8.ValidString(c.URL) {
		return
	}
	c.UsedAt = now.UTC()
	rest := slices.DeleteFunc(slices.Clone(st.AuthProxies), func(o AuthProxyConfig) bool { return o.ID == c.ID && o.URL == c.URL })
	st.AuthProxies = append([]AuthProxyConfig{c}, rest...)
	if len(st.AuthProxies) > MaxAuthProxies {
		st.AuthProxies = st.AuthProxies[:MaxAuthProxies]
	}
}
