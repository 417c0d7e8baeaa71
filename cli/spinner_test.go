package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// firstWrite is a writer that says when it is first written to.
type firstWrite struct {
	mu    sync.Mutex
	b     bytes.Buffer
	once  sync.Once
	wrote chan struct{}
}

func newFirstWrite() *firstWrite { return &firstWrite{wrote: make(chan struct{})} }

func (w *firstWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.once.Do(func() { close(w.wrote) })
	return w.b.Write(p)
}

func (w *firstWrite) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// waitFor waits until w is written to, or 10 seconds.
func (w *firstWrite) waitFor() {
	select {
	case <-w.wrote:
	case <-time.After(10 * time.Second):
	}
}

// A request that waits shows the spinner on a terminal's stderr, and it is
// wiped before the request returns; a quick one shows nothing.
func TestSpinner(t *testing.T) {
	errOut := newFirstWrite()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			errOut.waitFor() // answers once the spinner shows
		}
	}))
	defer srv.Close()
	s := &spinner{w: errOut, delay: 0}
	c := &http.Client{Transport: s.transport(nil)}
	res, err := c.Get(srv.URL + "/slow")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	if out := errOut.String(); !strings.HasPrefix(out, "\r⠋ waiting for "+host+"…\x1b[K") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("spinner wrote %q", out)
	}

	var quiet bytes.Buffer
	c = &http.Client{Transport: (&spinner{w: &quiet, delay: time.Hour}).transport(nil)}
	if res, err := c.Get(srv.URL + "/quick"); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}
	if quiet.Len() != 0 {
		t.Errorf("a quick request drew %q", quiet.String())
	}
}

// The commands that ask Turnkey show it on a terminal's stderr, and never
// elsewhere: not on stdout, not when stderr is a file.
func TestCommandsSpinWhileTurnkeyIsSlow(t *testing.T) {
	t.Setenv("TERM", "xterm") // no spinner on a dumb terminal
	srv, _ := withAPI(t)
	up, _ := url.Parse(srv.URL)
	var slow atomic.Bool
	errOut := newFirstWrite()
	proxy := httputil.NewSingleHostReverseProxy(up)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() {
			errOut.waitFor()
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	t.Setenv(APIEnv, front.URL)
	c := newCLI(t)
	c.ok("login", "--org", "o", "--session-key", "a")
	if r := c.run("", true, "status", "--check"); strings.Contains(r.errOut, "\r") {
		t.Errorf("stderr is no terminal, yet: %q", r.errOut)
	}

	slow.Store(true)
	var out bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: errOut, IsTerminal: true, ErrTerminal: true}
	code := Run([]string{"--home", c.home, "--keyring", "file", "status", "--check"}, ios)
	if code != ExitOK || !strings.Contains(out.String(), ") accepts a.") || strings.Contains(out.String(), "waiting") {
		t.Errorf("status --check: exit %d\n%s", code, out.String())
	}
	host := strings.TrimPrefix(front.URL, "http://")
	if e := errOut.String(); !strings.Contains(e, " waiting for "+host+"…") || !strings.HasSuffix(e, "\r\x1b[K") {
		t.Errorf("stderr: %q", e)
	}
}
