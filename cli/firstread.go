package cli

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// firstRead is a store that hands the first state a command reads from it
// (by a Load, or an Update's read) to seen, once: what the command must
// hear of the store is found in the state it reads anyway, at no read of
// its own. seen only reads the state.
type firstRead struct {
	session.Store
	once sync.Once
	seen func(*session.State)
}

// Load implements session.Store.
func (r *firstRead) Load(ctx context.Context) (*session.State, error) {
	st, err := r.Store.Load(ctx)
	if err == nil {
		r.once.Do(func() { r.seen(st) })
	}
	return st, err
}

// Update implements session.Store.
func (r *firstRead) Update(ctx context.Context, fn func(st *session.State, commit session.Commit) error) error {
	return r.Store.Update(ctx, func(st *session.State, commit session.Commit) error {
		r.once.Do(func() { r.seen(st) })
		return fn(st, commit)
	})
}

// notices is what Open says of the state a command reads first: the
// sessions made for a command by `exec --login` by a tkauth that is gone
// (a kill -9, a power cut), which may be live on Turnkey; and, where the
// key store is not the one asked for, why, if the store holds key pairs
// kept in the system keyring, which cannot be reached now.
func (f *Factory) notices(note string) func(*session.State) {
	return func(st *session.State) {
		if note != "" && hasSystemKeyPairs(st) {
			f.IO.warn("%s", noteForGood(note))
		}
		for _, line := range text.LeftoverNotes(st, time.Now(), os.Getpid(), processGone) {
			f.IO.warn("%s", line)
		}
	}
}

// hasSystemKeyPairs reports whether st holds key pairs kept in the system
// keyring.
func hasSystemKeyPairs(st *session.State) bool {
	for _, kp := range st.KeyPairs {
		if kp.KeyStore == store.KeyringSystem {
			return true
		}
	}
	return false
}
