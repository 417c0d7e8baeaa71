// Command genman writes tkauth's man pages, one a command (tkauth.1,
// tkauth-logout.1, ...), from the commands themselves, for the release.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/tkauth/tkauth/cli"
)

func main() {
	out := flag.String("o", "man", "the directory to write the pages to")
	version := flag.String("version", "dev", "the version the pages are of")
	flag.Parse()
	// The pages' date is the release's (SOURCE_DATE_EPOCH), so two runs
	// from one commit write the same bytes.
	date := time.Now()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			fail(fmt.Errorf("SOURCE_DATE_EPOCH %q is not seconds", s))
		}
		date = time.Unix(secs, 0).UTC()
	}
	root := cli.NewRootCmd(&cli.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr})
	root.DisableAutoGenTag = true
	// No Title: cobra titles each page by its command, TKAUTH-LOGOUT(1)
	// for tkauth-logout.1, as man and apropos show it.
	header := &doc.GenManHeader{Section: "1", Source: "tkauth " + *version, Manual: "tkauth manual", Date: &date}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	if err := doc.GenManTree(root, header, *out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "genman:", err)
	os.Exit(1)
}
