//go:build linux

// Command firstframe times how long a terminal program takes from its
// start to drawing a marker: it runs the program on a pseudo-terminal of a
// fixed size, reads what it draws, and stops it once the marker shows.
//
//	firstframe -runs 20 -marker org-000 -- ./tkauth --home s20
//	firstframe -runs 20 -base './tkauth-before --home s20' -marker org-000 -- ./tkauth --home s20
//
// It prints the median, minimum and maximum in milliseconds; with a base
// command, run in turn with the command, both and their per-pair
// differences and ratios (scripts/internal/pairs).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/creack/pty"
	"github.com/tkauth/tkauth/scripts/internal/pairs"
)

func main() {
	runs := flag.Int("runs", 20, "how many runs (pairs, with -floor)")
	marker := flag.String("marker", "", "the text whose appearance ends a run")
	base := flag.String("base", "", "a base command, words split on spaces, run in turn with the command and ended by the same marker")
	timeout := flag.Duration("timeout", 10*time.Second, "give up on a run after this long")
	flag.Parse()
	if *marker == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: firstframe -marker TEXT [-runs N] [-base 'CMD ARGS'] -- command [args]")
		os.Exit(2)
	}
	run := func(args []string, marker string) time.Duration {
		d, err := once(args, marker, *timeout)
		if err != nil {
			fmt.Fprintln(os.Stderr, "firstframe:", err)
			os.Exit(1)
		}
		return d
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	var times, bases []float64
	for i := range *runs {
		if *base == "" {
			times = append(times, ms(run(flag.Args(), *marker)))
			continue
		}
		// Interleaved, the order swapped every pair, so that a busy
		// machine slows both alike.
		if i%2 == 0 {
			bases = append(bases, ms(run(strings.Fields(*base), *marker)))
			times = append(times, ms(run(flag.Args(), *marker)))
		} else {
			times = append(times, ms(run(flag.Args(), *marker)))
			bases = append(bases, ms(run(strings.Fields(*base), *marker)))
		}
	}
	if *base != "" {
		fmt.Println(pairs.Report(bases, times))
		return
	}
	slices.Sort(times)
	fmt.Printf("median %.1f ms  min %.1f ms  max %.1f ms  (%d runs)\n", times[len(times)/2], times[0], times[len(times)-1], len(times))
}

// once runs args on a new 120x40 pseudo-terminal until marker is drawn.
func once(args []string, marker string, timeout time.Duration) (time.Duration, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	start := time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 120, Rows: 40})
	if err != nil {
		return 0, err
	}
	defer ptmx.Close()
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	found := make(chan time.Duration, 1)
	go func() {
		var seen bytes.Buffer
		buf := make([]byte, 64<<10)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				seen.Write(buf[:n])
				if strings.Contains(ansi.Strip(seen.String()), marker) {
					found <- time.Since(start)
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case d := <-found:
		return d, nil
	case <-time.After(timeout):
		return 0, fmt.Errorf("%q never showed %q in %s", strings.Join(args, " "), marker, timeout)
	}
}
