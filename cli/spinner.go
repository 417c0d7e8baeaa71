package cli

import (
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/tkauth/tkauth/internal/escape"
)

// spinner shows on stderr, when it is a terminal, that tkauth is waiting
// for the network, as gh does: only after spinDelay, so a quick answer
// shows nothing, and wiped before the request returns, so nothing else
// printed is mixed with it. Requests in flight at once share one line.
type spinner struct {
	w     io.Writer
	delay time.Duration

	mu      sync.Mutex
	waiting int           // requests in flight
	held    bool          // a question is being asked: draw nothing
	stop    chan struct{} // closed when the last request returns
	stopped chan struct{} // closed once the line is wiped
	drawn   bool          // the line is on screen
}

// spinDelay is how long a request waits before the spinner shows.
const spinDelay = 250 * time.Millisecond

var spinFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// transport wraps base so that its requests show the spinner.
func (s *spinner) transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		s.start("waiting for " + escape.Clean(r.URL.Host))
		defer s.done()
		return base.RoundTrip(r)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (s *spinner) start(label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waiting++
	if s.waiting > 1 {
		return
	}
	s.stop, s.stopped = make(chan struct{}), make(chan struct{})
	go s.spin(label, s.stop, s.stopped)
}

// done ends a request; the last one wipes the line before it returns.
func (s *spinner) done() {
	s.mu.Lock()
	s.waiting--
	if s.waiting > 0 {
		s.mu.Unlock()
		return
	}
	close(s.stop)
	stopped := s.stopped
	s.mu.Unlock()
	<-stopped
}

func (s *spinner) spin(label string, stop, stopped chan struct{}) {
	defer close(stopped)
	select {
	case <-stop:
		return
	case <-time.After(s.delay):
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		s.mu.Lock()
		if !s.held {
			io.WriteString(s.w, "\r"+spinFrames[i%len(spinFrames)]+" "+label+"…\x1b[K")
			s.drawn = true
		}
		s.mu.Unlock()
		select {
		case <-stop:
			s.mu.Lock()
			s.wipe()
			s.mu.Unlock()
			return
		case <-tick.C:
		}
	}
}

// wipe clears the spinner's line, if drawn; s.mu is held.
func (s *spinner) wipe() {
	if s.drawn {
		io.WriteString(s.w, "\r\x1b[K")
		s.drawn = false
	}
}

// hold wipes the spinner and keeps it off the screen until the returned
// func is called: a question asked meanwhile is not drawn over.
func (s *spinner) hold() (release func()) {
	s.mu.Lock()
	s.held = true
	s.wipe()
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.held = false
		s.mu.Unlock()
	}
}
