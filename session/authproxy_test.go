package session

import (
	"fmt"
	"testing"
	"time"
)

// The configurations remembered: the last used first, each once, at most
// MaxAuthProxies; none without an ID or with text the file cannot keep.
func TestRememberAuthProxy(t *testing.T) {
	st := NewState()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for i := range MaxAuthProxies + 2 {
		st.rememberAuthProxy(AuthProxyConfig{ID: fmt.Sprint("cfg", i), URL: "https://p"}, now.Add(time.Duration(i)*time.Minute))
	}
	if len(st.AuthProxies) != MaxAuthProxies || st.AuthProxies[0].ID != fmt.Sprint("cfg", MaxAuthProxies+1) || st.AuthProxies[MaxAuthProxies-1].ID != "cfg2" {
		t.Fatalf("bounded, newest first: %+v", st.AuthProxies)
	}
	st.rememberAuthProxy(AuthProxyConfig{ID: "cfg5", URL: "https://p"}, now.Add(time.Hour))
	if st.AuthProxies[0].ID != "cfg5" || !st.AuthProxies[0].UsedAt.Equal(now.Add(time.Hour)) || len(st.AuthProxies) != MaxAuthProxies {
		t.Errorf("used again, it moves first, once: %+v", st.AuthProxies)
	}
	st.rememberAuthProxy(AuthProxyConfig{ID: "cfg5", URL: "https://q"}, now.Add(2*time.Hour))
	if st.AuthProxies[0].URL != "https://q" || st.AuthProxies[1].ID != "cfg5" {
		t.Errorf("the same ID at another proxy is another configuration: %+v", st.AuthProxies[:2])
	}
	before := len(st.AuthProxies)
	for _, c := range []AuthProxyConfig{{}, {URL: "https://p"}, {ID: "a\xff"}, {ID: "a", URL: string(make([]byte, 600))}} {
		st.rememberAuthProxy(c, now)
		if len(st.AuthProxies) != before || st.AuthProxies[0].URL != "https://q" {
			t.Errorf("%q remembered", c.ID)
		}
	}
}
