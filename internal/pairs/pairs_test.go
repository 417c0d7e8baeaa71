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
