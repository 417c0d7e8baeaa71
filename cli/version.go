package cli

import (
	"cmp"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version and revision (the commit) are set at release (scripts/release)
// with -ldflags "-X github.com/tkauth/tkauth/cli.version=v1.2.3 -X
// github.com/tkauth/tkauth/cli.revision=<commit>".
var version, revision = "dev", ""

func newCmdVersion(f *Factory) *cobra.Command {
	ios := f.IO
	return &cobra.Command{
		Use:   "version",
		Short: "Print tkauth's version, commit and Go version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(ios.Out, versionString())
			return nil
		},
	}
}

func versionString() string {
	v, commit := version, cmp.Or(revision, "unknown")
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version // go install module@version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					commit += "-dirty"
				}
			}
		}
	}
	return fmt.Sprintf("tkauth %s (commit %s, %s)", v, commit, runtime.Version())
}
