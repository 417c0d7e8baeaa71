package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tkauth/tkauth/internal/fixture"
	"github.com/tkauth/tkauth/internal/pairs"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/store"
)

var benchSizes = []int{10, 1000, 10000}

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

// BenchmarkFilterKeystrokeVsTen types into the filter of a TUI over
// 10,000 sessions and of one over 10 in turn (pairs.Timed), each keystroke with its frame, and reports the median of the
// per-pair ratios, x-ten, with its quartiles (12 of 12: under 1.5).
func BenchmarkFilterKeystrokeVsTen(b *testing.B) {
	var models [2]tea.Model
	for i, n := range []int{10, 10000} {
		models[i] = benchModel(b, n)
		models[i], _ = models[i].Update(keyMsg("/"))
		models[i], _ = models[i].Update(keyMsg("0"))
	}
	keys := []tea.KeyPressMsg{keyMsg("1"), {Code: tea.KeyBackspace}}
	stroke := func(m int, key tea.KeyPressMsg) func() {
		return func() {
			models[m], _ = models[m].Update(key)
			_ = models[m].View()
		}
	}
	var p pairs.Timed
	i := 0
	for b.Loop() {
		// Typing and erasing a letter in turn; Run swaps the order every
		// two pairs, so each key is timed in both orders.
		key := keys[i%2]
		p.Run(stroke(1, key), stroke(0, key))
		i++
	}
	p.Report(b.ReportMetric, "x-ten", "tenthousand-µs", "ten-µs")
}
