//go:build !darwin && !windows

package store

import (
	"context"
	"fmt"
	"os"
	"time"

	dbus "github.com/godbus/dbus/v5"
)

// prompt performs a Secret Service prompt as the specification says:
// Prompt(window-id), then wait for its Completed signal. The wait ends
// with ctx (the keyring timeout, or the caller giving up), and the prompt
// is then dismissed. Before it is shown the user is told (PromptNotice)
// what the keyring asks and where. A dismissed prompt is an error that
// names the keyring and what it asked.
func (c *secretsConn) prompt(ctx context.Context, prompt dbus.ObjectPath, what string) (dbus.Variant, error) {
	match := []dbus.MatchOption{dbus.WithMatchObjectPath(prompt), dbus.WithMatchInterface(promptInterface), dbus.WithMatchMember("Completed")}
	if err := c.AddMatchSignalContext(ctx, match...); err != nil {
		return dbus.Variant{}, err
	}
	defer c.RemoveMatchSignal(match...)
	// The Secret Service quitting (KeePassXC 2.7 crashes when two clients
	// delete one item at once) ends the wait: no Completed will come.
	quit := []dbus.MatchOption{dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, c.name)}
	if err := c.AddMatchSignalContext(ctx, quit...); err != nil {
		return dbus.Variant{}, err
	}
	defer c.RemoveMatchSignal(quit...)
	signals := make(chan *dbus.Signal, 8)
	c.Signal(signals)
	defer c.RemoveSignal(signals)

	keyring := c.keyringName()
	asking := fmt.Sprintf("%s asked %s", keyring, what)
	// Recorded until answered: the call says it if it times out.
	promptStateOf(ctx).set(asking)
	// Recorded until answered: if ctx ends first, the connection dismisses
	// it (connect).
	c.prompting(prompt)
	if notice := promptNotice(ctx); notice != nil {
		notice(fmt.Sprintf("%s is asking %s: answer it on your desktop%s", keyring, what, display()))
	}
	// No window of tkauth's to attach the prompt to: the empty window-id.
	if err := c.obj(prompt).CallWithContext(ctx, promptInterface+".Prompt", 0, "").Err; err != nil {
		if ctx.Err() != nil {
			return dbus.Variant{}, &promptError{keyring: keyring, what: what, cause: ctx.Err()}
		}
		return dbus.Variant{}, fmt.Errorf("%s could not show its prompt %s: %w", keyring, what, err)
	}
	for {
		select {
		case sig, ok := <-signals:
			if !ok { // the connection closed: ctx ended
				return dbus.Variant{}, &promptError{keyring: keyring, what: what, cause: context.Cause(ctx)}
			}
			if sig.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(sig.Body) == 3 && sig.Body[0] == c.name && sig.Body[2] == "" {
				c.prompting("")
				promptStateOf(ctx).set("")
				return dbus.Variant{}, &promptError{keyring: keyring, what: what, cause: errKeyringQuit}
			}
			if sig.Path != prompt || sig.Name != promptInterface+".Completed" || len(sig.Body) != 2 {
				continue
			}
			c.prompting("")
			promptStateOf(ctx).set("")
			dismissed, _ := sig.Body[0].(bool)
			result, _ := sig.Body[1].(dbus.Variant)
			if dismissed {
				return result, &promptError{keyring: keyring, what: what, cause: errPromptDismissed}
			}
			return result, nil
		case <-ctx.Done():
			return dbus.Variant{}, &promptError{keyring: keyring, what: what, cause: ctx.Err()}
		}
	}
}

// prompting records the prompt being shown, which the connection
// dismisses if ctx ends first ("" when none is).
func (c *secretsConn) prompting(p dbus.ObjectPath) {
	c.mu.Lock()
	c.shown = p
	c.mu.Unlock()
}

// dismiss dismisses the prompt being shown, if any, so that it does not
// stay on the desktop after tkauth has stopped waiting; it waits no more
// than promptDismissWait for the Secret Service.
func (c *secretsConn) dismiss() {
	c.mu.Lock()
	p := c.shown
	c.shown = ""
	c.mu.Unlock()
	if p == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), promptDismissWait)
	defer cancel()
	c.obj(p).CallWithContext(ctx, promptInterface+".Dismiss", 0)
}

// promptDismissWait bounds the dismissal of a prompt nobody answered.
const promptDismissWait = 500 * time.Millisecond

// display says where a Secret Service's prompt appears, or that nothing
// can show it here.
func display() string {
	switch {
	case os.Getenv("WAYLAND_DISPLAY") != "":
		return " (Wayland display " + clean(os.Getenv("WAYLAND_DISPLAY")) + ")"
	case os.Getenv("DISPLAY") != "":
		return " (display " + clean(os.Getenv("DISPLAY")) + ")"
	}
	return ", though no display is set here (DISPLAY and WAYLAND_DISPLAY are empty), so its window may not be seen"
}

// errPromptDismissed is ErrPromptDismissed, for the Secret Service.
var errPromptDismissed = ErrPromptDismissed

func promptNotice(ctx context.Context) func(string) {
	f, _ := ctx.Value(promptNoticeKey{}).(func(string))
	return f
}

// promptStateOf is ctx's promptState; one that records nothing without.
func promptStateOf(ctx context.Context) *promptState {
	if s, ok := ctx.Value(promptStateKey{}).(*promptState); ok {
		return s
	}
	return &promptState{}
}

func (s *promptState) set(asking string) {
	s.mu.Lock()
	s.asking = asking
	s.mu.Unlock()
}
