// Command abtime times two commands in turn, interleaved, so that a busy
// machine slows both alike: -runs pairs, after -warmup, each run after
// -prepare (untimed), the order swapped every pair. It prints the medians
// and quartiles of each, and of the per-pair differences and ratios.
//
//	abtime -runs 200 -a 'tkauth-before --home /tmp/s20 list' -- tkauth --home /tmp/s20 list
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/tkauth/tkauth/scripts/internal/pairs"
)

func main() {
	runs := flag.Int("runs", 200, "pairs of runs")
	base := flag.String("a", "", "the base command, words split on spaces")
	prepare := flag.String("prepare", "", "a command run before each run, untimed (sh -c)")
	warmup := flag.Int("warmup", 10, "pairs run first and not counted")
	flag.Parse()
	if *base == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: abtime [-runs N] [-prepare 'SH'] -a 'CMD ARGS' -- CMD ARGS")
		os.Exit(2)
	}
	a, b := strings.Fields(*base), flag.Args()
	timed := func(args []string) float64 {
		if *prepare != "" {
			if out, err := exec.Command("sh", "-c", *prepare).CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "abtime: -prepare: %v\n%s", err, out)
				os.Exit(1)
			}
		}
		return once(args)
	}
	var ta, tb []float64
	for i := range *warmup + *runs {
		var x, y float64
		if i%2 == 0 {
			x, y = timed(a), timed(b)
		} else {
			y, x = timed(b), timed(a)
		}
		if i >= *warmup {
			ta, tb = append(ta, x), append(tb, y)
		}
	}
	fmt.Println(pairs.Report(ta, tb))
}

// once runs args and returns its wall time in milliseconds. A command that
// exits non-zero counts (current exits 3 with no active session); one
// that cannot be run ends abtime.
func once(args []string) float64 {
	cmd := exec.Command(args[0], args[1:]...)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			fmt.Fprintln(os.Stderr, "abtime:", err)
			os.Exit(1)
		}
	}
	return float64(time.Since(start).Microseconds()) / 1000
}
