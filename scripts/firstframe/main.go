//go:build linux

// Command firstframe times how long a terminal program takes from its
// start to drawing a marker: it runs the program on a pseudo-terminal of a
// fixed size, reads what it draws, and stops it once the marker shows.
//
//	firstframe -runs 20 -marker ready -- ./minimaltea
//
// It prints the median, minimum and maximum in milliseconds.
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

	"github.com/tkauth/tkauth/internal/pty"
)

func main() {
	runs := flag.Int("runs", 20, "how many runs")
	marker := flag.String("marker", "", "the text whose appearance ends a run")
	timeout := flag.Duration("timeout", 10*time.Second, "give up on a run after this long")
	flag.Parse()
	if *marker == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: firstframe -marker TEXT [-runs N] -- command [args]")
		os.Exit(2)
	}
	var times []time.Duration
	for range *runs {
		d, err := once(flag.Args(), *marker, *timeout)
		if err != nil {
			fmt.Fprintln(os.Stderr, "firstframe:", err)
			os.Exit(1)
		}
		times = append(times, d)
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("median %.1f ms  min %.1f ms  max %.1f ms  (%d runs)\n", ms(times[len(times)/2]), ms(times[0]), ms(times[len(times)-1]), len(times))
}

// once runs args on a new 120x40 pseudo-terminal until marker is drawn.
func once(args []string, marker string, timeout time.Duration) (time.Duration, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	start := time.Now()
	ptmx, err := pty.Start(cmd, 120, 40)
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
