package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Argument checks that say, in words, what the command takes. cobra's own
// ("accepts 1 arg(s), received 0") say neither what nor why.

// noArgs is for commands that take no arguments. On a command with
// subcommands an argument is a mistyped subcommand, so it suggests the
// nearest: cobra suggests only when a command sets no Args of its own.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasAvailableSubCommands() {
		return unknownCommand(cmd, args[0])
	}
	return usageError{fmt.Errorf("`%s` takes no arguments, but was given %s", cmd.CommandPath(), quoteArgs(args))}
}

// unknownCommand says that name is not a subcommand of cmd, with the
// nearest ones.
func unknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for `%s`", name, cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance == 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, set only when it suggests itself
	}
	if near := cmd.SuggestionsFor(name); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, " or ") + "?"
	} else {
		msg += fmt.Sprintf("; `%s --help` lists the commands", cmd.CommandPath())
	}
	return usageError{errors.New(msg)}
}

// optionalKey is for commands that act on one session: the one named, or
// the active one. what says what the command does with it.
func optionalKey(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) <= 1 {
			return nil
		}
		return usageError{fmt.Errorf("`%s` takes at most one session key (%s), but was given %d: %s",
			cmd.CommandPath(), what, len(args), quoteArgs(args))}
	}
}

// quoteArgs quotes each argument, so that spaces and control characters
// show as what they are.
func quoteArgs(args []string) string {
	const most = 4
	q := make([]string, 0, most+1)
	for i, a := range args {
		if i == most {
			q = append(q, fmt.Sprintf("and %d more", len(args)-most))
			break
		}
		q = append(q, fmt.Sprintf("%q", a))
	}
	return strings.Join(q, " ")
}

// oneArg is for commands that take one argument: what it is.
func oneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 {
			return nil
		}
		if len(args) == 0 {
			return usageError{fmt.Errorf("`%s` needs %s", cmd.CommandPath(), what)}
		}
		return usageError{fmt.Errorf("`%s` takes one argument (%s), but was given %d: %s", cmd.CommandPath(), what, len(args), quoteArgs(args))}
	}
}

// optionalArg is for commands that take at most one argument: what it is.
func optionalArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) <= 1 {
			return nil
		}
		return usageError{fmt.Errorf("`%s` takes at most one argument (%s), but was given %d: %s", cmd.CommandPath(), what, len(args), quoteArgs(args))}
	}
}
