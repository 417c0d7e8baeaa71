// Command ratio times a command against a floor, interleaved: it runs the
// floor and the command in turn, -runs times each, and reports the median
// of the per-pair ratios with its quartiles, so that a busy machine slows
// both alike.
//
//	ratio -runs 200 -floor 'hello' -- tkauth --home /tmp/s100 current
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/tkauth/tkauth/internal/pairs"
)

func main() {
	runs := flag.Int("runs", 200, "pairs of runs")
	floor := flag.String("floor", "", "the floor command, words split on spaces")
	warmup := flag.Int("warmup", 10, "pairs run first and not counted")
	flag.Parse()
	if *floor == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: ratio [-runs N] -floor 'CMD ARGS' -- CMD ARGS")
		os.Exit(2)
	}
	a, b := strings.Fields(*floor), flag.Args()
	var fa, fb []float64
	for i := range *warmup + *runs {
		ta, tb := once(a), once(b)
		if i < *warmup {
			continue
		}
		fa, fb = append(fa, ta), append(fb, tb)
	}
	fmt.Println(pairs.Report(fa, fb))
}

// once runs args and returns its wall time in milliseconds.
func once(args []string) float64 {
	cmd := exec.Command(args[0], args[1:]...)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			fmt.Fprintln(os.Stderr, "ratio:", err)
			os.Exit(1)
		}
	}
	return float64(time.Since(start).Microseconds()) / 1000
}
