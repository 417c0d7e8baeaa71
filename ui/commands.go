package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/fsnotify/fsnotify"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// Sessions is what the TUI needs of a session.Manager.
type Sessions interface {
	State(ctx context.Context) (*session.State, error)
	SetActive(ctx context.Context, key string) error
	Logout(ctx context.Context, keys ...string) (session.LogoutResult, error)
	RevokeAndLogout(ctx context.Context, sv session.Servers, by session.Signer, force bool, keys ...string) (session.LogoutResult, error)
	ClearUnusedKeyPairs(ctx context.Context, includeNew bool) (session.PruneResult, error)
	KeyPairPresence(ctx context.Context, st *session.State) map[string]session.Presence
	Refresh(ctx context.Context, sv session.Servers, key string, expires time.Duration, by session.Signer) (session.RefreshResult, error)
	Check(ctx context.Context, sv session.Servers, key string, by session.Signer) session.Check
}

// actionTimeout bounds one action: waiting for another process's lock, and
// every keyring call (each under its own, shorter, timeout).
const actionTimeout = 30 * time.Second

// loadCmd reads the store, numbering the load in reads as it starts
// reading: a load that starts later reads the store as new or newer,
// whenever it ends.
func loadCmd(s Sessions, reads *atomic.Uint64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		n := reads.Add(1)
		st, err := s.State(ctx)
		return loadedMsg{state: st, err: err, read: n}
	}
}

// presenceCmd asks which of st's key pairs their key stores hold, and
// which sessions `exec --login` left in st (their processes are asked).
func (m Model) presenceCmd(st *session.State) tea.Cmd {
	s, gone, clock, gen := m.cfg.Sessions, m.cfg.ProcessGone, m.cfg.Clock, m.gen
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		msg := presenceMsg{gen: gen, presence: s.KeyPairPresence(ctx, st)}
		if gone != nil {
			msg.leftovers = text.LeftoverNotes(st, clock(), os.Getpid(), gone)
		}
		return msg
	}
}

func tickCmd(clock func() time.Time) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg(clock()) })
}

// action runs f as a command and reports its outcome: what f says; if f
// fails, what it says done and why it failed, or, if it says nothing,
// failed (when not empty) and why.
func action(failed string, f func(ctx context.Context) (string, error)) tea.Cmd {
	return actionWithin(actionTimeout, failed, f)
}

// actionWithin is action, bounded by timeout.
func actionWithin(timeout time.Duration, failed string, f func(ctx context.Context) (string, error)) tea.Cmd {
	run := actionRun(timeout, failed, f)
	return func() tea.Msg { return run(context.Background()) }
}

// actionRun is actionWithin under ctx, which the root may cancel.
func actionRun(timeout time.Duration, failed string, f func(ctx context.Context) (string, error)) func(context.Context) tea.Msg {
	return func(ctx context.Context) tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		status, err := f(ctx)
		switch {
		case err != nil && status != "":
			status += " " + describe(err)
		case err != nil && failed != "":
			status = failed + ": " + describe(err)
		case err != nil:
			status = describe(err)
		}
		return actionDoneMsg{status: status, err: err}
	}
}

// setActiveCmd makes key the active session; unusable, if not empty, is
// why it cannot be used, and shell the session TKAUTH_SESSION selects in
// the TUI's shell, which keeps using it: the outcome warns of both.
func setActiveCmd(s Sessions, key, unusable, shell string) tea.Cmd {
	keeps := text.ShellKeeps(key, shell)
	done := action("", func(ctx context.Context) (string, error) {
		if err := s.SetActive(ctx, key); err != nil {
			return "", err
		}
		out := "Active session: " + escape.Clean(key)
		if unusable != "" {
			out += ", but " + unusable + "."
		}
		if keeps != "" {
			out = strings.TrimSuffix(out, ".") + ". " + keeps
		}
		return out, nil
	})
	return func() tea.Msg {
		msg := done().(actionDoneMsg)
		msg.warn = msg.err == nil && (unusable != "" || keeps != "")
		return msg
	}
}

// logoutCmd logs out exactly the sessions under keys: those the dialog
// named.
func logoutCmd(s Sessions, keys []string) tea.Cmd {
	return action("Logout failed", func(ctx context.Context) (string, error) {
		res, err := s.Logout(ctx, keys...)
		if len(res.Sessions) == 0 {
			return "", err
		}
		// Some or all are logged out: say so, and what did not happen.
		if res.Unrecorded != nil {
			err = errors.Join(err, res.Unrecorded)
		}
		return text.Logout(res), err
	})
}

// revokeCmd revokes on Turnkey the keys of the sessions under keys, each
// signed by its own key pair, and logs out those whose key is dead there
// (RevokeAndLogout): a session whose revocation failed stays, so that it
// can sign another try.
func revokeCmd(s Sessions, sv session.Servers, keys []string) tea.Cmd {
	return action("Revoke failed", func(ctx context.Context) (string, error) {
		res, err := s.RevokeAndLogout(ctx, sv, nil, false, keys...)
		if res.Unrecorded != nil {
			err = errors.Join(err, res.Unrecorded)
		}
		say := text.Revoked(res.Revoked)
		if len(res.Sessions) == 0 {
			return strings.TrimSuffix(say, ".") + "; none logged out here:", err
		}
		return say + " " + text.Logout(res), err
	})
}

// refreshRun refreshes the session under key for as long as it had, as
// Turnkey's kit does.
func refreshRun(s Sessions, sv session.Servers, key string, now func() time.Time) func(context.Context) tea.Msg {
	// As long as a login: Turnkey may wait for MFA factors (MFAWait).
	return actionRun(loginTimeout, "Refresh of "+escape.Clean(key)+" failed (it is as it was)", func(ctx context.Context) (string, error) {
		res, err := s.Refresh(ctx, sv, key, 0, nil)
		if errors.Is(err, session.ErrChanged) {
			return "Refresh of " + escape.Clean(key) + " not stored:", err // the error says what is
		}
		if err != nil {
			return "", err
		}
		if res.OldKeyRevoked != nil {
			err = errors.New(text.OldKeyLeft(describe(res.OldKeyRevoked)))
		}
		return text.Refreshed(res.Session, now()), errors.Join(res.Leftover, err)
	})
}

// checkCmd asks Turnkey whether it still accepts the session under key,
// whose key pair is pub as it is asked.
func checkCmd(s Sessions, sv session.Servers, key, pub string, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
		defer cancel()
		return checkedMsg{check: s.Check(ctx, sv, key, nil), pub: pub, at: now()}
	}
}

func pruneCmd(s Sessions) tea.Cmd {
	return action("", func(ctx context.Context) (string, error) {
		res, err := s.ClearUnusedKeyPairs(ctx, false)
		if res.Unrecorded != nil {
			err = errors.Join(err, res.Unrecorded)
		}
		done := text.Pruned(res)
		if err != nil && len(res.Deleted) == 0 {
			done = ""
		}
		return done, err
	})
}

// watchCmd starts watching the directory of the session file at path (a
// file replaced by a rename is watched through its directory).
func watchCmd(path string) tea.Cmd {
	return func() tea.Msg {
		w, err := fsnotify.NewWatcher()
		if err != nil {
			return watchErrMsg{err}
		}
		if err := w.Add(filepath.Dir(path)); err != nil {
			w.Close()
			return watchErrMsg{err}
		}
		return watchingMsg{w: w, file: filepath.Base(path)}
	}
}

// debounce is how long the store must be quiet before a change is
// reported: a logout writes the file up to three times.
const debounce = 150 * time.Millisecond

// waitChangeCmd waits for file in w's directory to change, then for a
// quiet spell, and reports it once.
func waitChangeCmd(w *fsnotify.Watcher, file string) tea.Cmd {
	return func() tea.Msg {
		changed := false
		var quiet <-chan time.Time
		for {
			select {
			case ev, ok := <-w.Events:
				if !ok {
					return nil
				}
				if filepath.Base(ev.Name) == file {
					changed = true
					quiet = time.After(debounce)
				}
			case err, ok := <-w.Errors:
				if !ok {
					return nil
				}
				return watchErrMsg{err}
			case <-quiet:
				if changed {
					return storeChangedMsg{}
				}
			}
		}
	}
}
