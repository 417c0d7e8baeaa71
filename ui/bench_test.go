package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

// benchSizes are what people hold, and 10,000 to show that growth stays
// linear.
var benchSizes = []int{10, 100, 10000}

// benchModel is the TUI at 120x40 over n sessions, loaded, presence known.
func benchModel(b *testing.B, n int) Model {
	b.Helper()
	pool := make([]string, fixture.Pool)
	for i := range pool {
		_, pub, _ := session.NewPrivateKey()
		pool[i] = pub
	}
	_, own, _ := session.NewPrivateKey()
	list, err := fixture.Sessions(n, t0, pool, own)
	if err != nil {
		b.Fatal(err)
	}
	st := session.NewState()
	presence := map[string]session.Presence{}
	for i := range list {
		st.Sessions[list[i].Key] = &list[i]
		presence[list[i].PublicKey] = session.Present
	}
	st.Active = list[0].Key
	var tm tea.Model = New(Config{StorePath: store.NewFile("/home/ada/.config/tkauth").Path(), KeyStore: "system", Clock: clock})
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	tm, _ = tm.Update(loadedMsg{state: st})
	tm, _ = tm.Update(presenceMsg{gen: 1, presence: presence})
	return tm.(Model)
}

// BenchmarkView is one frame.
func BenchmarkView(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			m := benchModel(b, n)
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkTick is one second of the countdown: the tick, and its frame.
func BenchmarkTick(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			var tm tea.Model = benchModel(b, n)
			now := t0
			for b.Loop() {
				now = now.Add(time.Second)
				tm, _ = tm.Update(tickMsg(now))
				_ = tm.View()
			}
		})
	}
}

// BenchmarkFilterKeystroke is one key typed into the filter, and its frame
// (typing and erasing a letter in turn).
func BenchmarkFilterKeystroke(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			var tm tea.Model = benchModel(b, n)
			tm, _ = tm.Update(keyMsg("/"))
			tm, _ = tm.Update(keyMsg("0"))
			keys := []tea.KeyPressMsg{keyMsg("1"), {Code: tea.KeyBackspace}}
			i := 0
			for b.Loop() {
				tm, _ = tm.Update(keys[i%2])
				_ = tm.View()
				i++
			}
		})
	}
}
