// Package pairs reports the timings of a command run in turn with a floor
// (interleaved, so that a busy machine slows both alike): the median of
// each, and the median and quartiles of the per-pair ratios.
// scripts/ratio and scripts/firstframe print it.
package pairs

import (
	"fmt"
	"slices"
	"time"
)

// Report says floors and commands, in milliseconds, taken pair by pair.
func Report(floors, commands []float64) string {
	q1, median, q3 := Ratios(floors, commands)
	return fmt.Sprintf("floor %.2f ms, command %.2f ms (medians); ratio median %.2fx, quartiles %.2f to %.2f (%d pairs)",
		quantile(floors, 0.5), quantile(commands, 0.5), median, q1, q3, len(floors))
}

// Ratios returns the quartiles and median of the per-pair ratios
// commands[i] / floors[i]: what benchmarks that time both in one loop
// report.
func Ratios(floors, commands []float64) (q1, median, q3 float64) {
	ratios := make([]float64, len(floors))
	for i := range floors {
		ratios[i] = commands[i] / floors[i]
	}
	return quantile(ratios, 0.25), quantile(ratios, 0.5), quantile(ratios, 0.75)
}

// Median is the median of xs (nearest rank below).
func Median(xs []float64) float64 { return quantile(xs, 0.5) }

// quantile is the p-quantile of xs (nearest rank below).
func quantile(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))]
}

// Timed times a command and its floor in turn, in one loop (Go
// benchmarks), the order swapped every two pairs, so that whatever the
// machine does hits both alike, and a benchmark that alternates two inputs
// pair by pair times each input in both orders. Times are in milliseconds.
type Timed struct {
	Commands, Floors []float64
}

// Run times one pair.
func (p *Timed) Run(command, floor func()) {
	time1 := func(f func()) float64 {
		t0 := time.Now()
		f()
		return float64(time.Since(t0).Nanoseconds()) / 1e6
	}
	var c, f float64
	if len(p.Commands)/2%2 == 0 {
		c = time1(command)
		f = time1(floor)
	} else {
		f = time1(floor)
		c = time1(command)
	}
	p.Commands, p.Floors = append(p.Commands, c), append(p.Floors, f)
}

// Report gives metric (a benchmark's ReportMetric) the median of the
// per-pair ratios under the unit ratio, its quartiles as ratio-q1 and
// ratio-q3, and the median times of the command and the floor, in
// microseconds, under command and floor.
func (p *Timed) Report(metric func(float64, string), ratio, command, floor string) {
	q1, median, q3 := Ratios(p.Floors, p.Commands)
	metric(median, ratio)
	metric(q1, ratio+"-q1")
	metric(q3, ratio+"-q3")
	metric(Median(p.Commands)*1000, command)
	metric(Median(p.Floors)*1000, floor)
}
