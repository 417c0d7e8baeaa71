// Package pairs reports the timings of two commands run in turn
// (interleaved, so that a busy machine slows both alike): the median of
// each, and the median and quartiles of the per-pair differences and
// ratios. scripts/abtime and scripts/firstframe print it.
package pairs

import (
	"fmt"
	"slices"
)

// Report says a (the base) and b, in milliseconds, taken pair by pair.
func Report(a, b []float64) string {
	diffs := make([]float64, len(a))
	ratios := make([]float64, len(a))
	for i := range a {
		diffs[i], ratios[i] = b[i]-a[i], b[i]/a[i]
	}
	return fmt.Sprintf("base %.2f ms (%.2f to %.2f), new %.2f ms (%.2f to %.2f); difference %+.2f ms (%+.2f to %+.2f); ratio %.3fx (%.3f to %.3f); medians (quartiles), %d pairs",
		q(a, 0.5), q(a, 0.25), q(a, 0.75), q(b, 0.5), q(b, 0.25), q(b, 0.75),
		q(diffs, 0.5), q(diffs, 0.25), q(diffs, 0.75), q(ratios, 0.5), q(ratios, 0.25), q(ratios, 0.75), len(a))
}

// q is the p-quantile of xs (nearest rank below).
func q(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))]
}
