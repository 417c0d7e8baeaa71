package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// StampOptions holds what `tkauth stamp` needs.
type StampOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	Key     string
}

// maxBody bounds a request body stamp and api read.
const maxBody = 16 << 20

func newCmdStamp(f *Factory) *cobra.Command {
	opts := &StampOptions{IO: f.IO, Open: f.Open, Servers: f.dialer(nil).Servers}
	return &cobra.Command{
		Use:   "stamp [KEY] < body",
		Short: "Print the X-Stamp header for a request body, signed by a session's key",
		Long: `stamp reads a request body from stdin and prints the X-Stamp header value that
signs exactly those bytes with the session's key pair (KEY, or the active
session's), as Turnkey requires of every request.`,
		Example: `  curl -H "X-Stamp: $(tkauth stamp < body.json)" --data-binary @body.json \
    https://api.turnkey.com/public/v1/query/whoami`,
		Args: optionalKey("the session whose key pair signs; without one, the active one"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Key = args[0]
			}
			if opts.IO.StdinTerminal {
				return usageError{errors.New("stamp signs the body on its stdin: `tkauth stamp < body.json`")}
			}
			return stampRun(cmd.Context(), opts)
		},
		ValidArgsFunction: completeSessionKeys(f.OpenLazy),
	}
}

func stampRun(ctx context.Context, opts *StampOptions) error {
	body, err := readBody(opts.IO.In)
	if err != nil {
		return err
	}
	u, err := useSession(ctx, opts.IO, opts.Open, opts.Servers, opts.Key, "stamp")
	if err != nil {
		return err
	}
	h, err := turnkey.Stamp(u.key, body)
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, h)
	return nil
}

// readBody reads a request body, at most maxBody bytes.
func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	if len(b) > maxBody {
		return nil, fmt.Errorf("the body is larger than %d MiB", maxBody>>20)
	}
	return b, nil
}
