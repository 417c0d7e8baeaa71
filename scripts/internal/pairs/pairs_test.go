package pairs

import (
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	a := []float64{10, 10, 10, 10}
	b := []float64{11, 12, 15, 20}
	got := Report(a, b)
	for _, want := range []string{"base 10.00 ms", "new 12.00 ms", "difference +2.00 ms (+1.00 to +5.00)", "ratio 1.200x (1.100 to 1.500)", "4 pairs"} {
		if !strings.Contains(got, want) {
			t.Errorf("Report = %q, want it to say %q", got, want)
		}
	}
}
