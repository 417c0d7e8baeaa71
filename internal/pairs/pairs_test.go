package pairs

import "testing"

func TestReport(t *testing.T) {
	floors := []float64{1, 2, 1, 1, 4}
	commands := []float64{2, 2, 3, 1, 4} // ratios 2, 1, 3, 1, 1
	want := "floor 1.00 ms, command 2.00 ms (medians); ratio median 1.00x, quartiles 1.00 to 2.00 (5 pairs)"
	if got := Report(floors, commands); got != want {
		t.Errorf("Report =\n%s\nwant\n%s", got, want)
	}
}

// Run swaps the order every two pairs; Report names what it gives.
func TestTimed(t *testing.T) {
	var p Timed
	var order string
	for range 4 {
		p.Run(func() { order += "c" }, func() { order += "f" })
	}
	if order != "cfcffcfc" {
		t.Errorf("order %q, want cfcffcfc", order)
	}
	p.Commands, p.Floors = []float64{2, 3, 4}, []float64{1, 1, 1}
	got := map[string]float64{}
	p.Report(func(v float64, unit string) { got[unit] = v }, "x", "cmd", "floor")
	want := map[string]float64{"x": 3, "x-q1": 2, "x-q3": 3, "cmd": 3000, "floor": 1000}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}
