// Package pairs reports the timings of a command run in turn with a floor
// (interleaved, so that a busy machine slows both alike): the median of
// each, and the median and quartiles of the per-pair ratios.
// scripts/ratio and scripts/firstframe print it.
package pairs

import (
	"fmt"
	"slices"
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
