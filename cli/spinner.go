package cli

import (
	"io"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
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
	unguard func()        // ends guard, while drawn
	// raised, if set, is told of a signal in place of its sending it
	// again, and notify, if set, stands in for signal.Notify (a test: a
	// signal sent to the test binary would reach every test's spinner).
	raised func(os.Signal)
	notify func(c chan<- os.Signal, sig ...os.Signal)
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
			s.draw(spinFrames[i%len(spinFrames)] + " " + label + "…")
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

// draw writes line over the spinner's line; s.mu is held.
// The guard is set first, so that no signal finds the line drawn and
// unguarded.
func (s *spinner) draw(line string) {
	if !s.drawn {
		s.drawn, s.unguard = true, s.guard()
	}
	io.WriteString(s.w, "\r"+line+"\x1b[K")
}

// wipe clears the spinner's line, if drawn; s.mu is held.
func (s *spinner) wipe() {
	if s.drawn {
		io.WriteString(s.w, "\r\x1b[K")
		s.drawn = false
		s.unguard()
	}
}

// endSignals end tkauth: Ctrl-C, kill, a closed terminal.
var endSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// guard wipes the line if a signal ends tkauth while it is drawn, so that
// no spinner stays on the screen, then lets the signal end tkauth as it
// would have. Its stop is called with s.mu held.
func (s *spinner) guard() (stop func()) {
	sigs, done := make(chan os.Signal, 1), make(chan struct{})
	notify := s.notify
	if notify == nil {
		notify = signal.Notify
	}
	notify(sigs, endSignals...)
	go func() {
		select {
		case sig := <-sigs:
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.drawn {
				io.WriteString(s.w, "\r\x1b[K")
				s.drawn = false
			}
			signal.Stop(sigs)
			s.raise(sig)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// raise sends sig to tkauth again, now that the spinner no longer
// catches it: it ends tkauth as the signal does, unless something else
// catches it too. Where a process cannot signal itself, it exits as a
// shell reports an interrupt.
func (s *spinner) raise(sig os.Signal) {
	if s.raised != nil {
		s.raised(sig)
		return
	}
	if p, err := os.FindProcess(os.Getpid()); err != nil || p.Signal(sig) != nil {
		os.Exit(130)
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
