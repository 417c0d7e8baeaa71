package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// APIOptions holds what `tkauth api` needs.
type APIOptions struct {
	IO      *IOStreams
	Open    func(context.Context) (*Env, error)
	Servers func() (session.Servers, error)
	Now     func() time.Time
	Key     string
	Path    string
	Fields  []string // name=value, name may be dotted
	Input   string   // a file with the body, or - for stdin
	Raw     bool
	Force   bool // a path the spec does not list
}

func newCmdAPI(f *Factory) *cobra.Command {
	opts := &APIOptions{IO: f.IO, Open: f.Open, Servers: f.dialer(nil).Servers, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "api [KEY] PATH [-f name=value]... [--input FILE|-]",
		Short: "Call Turnkey's API as a session: a stamped POST, the answer printed",
		Long: `api posts a request to PATH of the session's API (KEY, or the active session),
stamped by the session's own key pair, in the manner of gh api, and prints the
answer: pretty JSON (colored on a terminal), or as it came with --raw.

The body is --input (a file, or - for stdin), else {}, with each -f name=value
set in it (a dotted name reaches into objects: -f parameters.userId=...).
organizationId is the session's when the body has none; for an activity (a
/submit/ path), timestampMs is now and type is the one the API spec gives the
path, when missing. PATH is a path of the spec (/public/v1/query/whoami, or
query/whoami); another is refused unless --force. Turnkey's errors are said in
words, and tkauth exits 1.`,
		Example: `  tkauth api query/whoami
  tkauth api query/get_api_keys -f userId=$USER_ID
  tkauth api acme/ci submit/create_wallet --input wallet.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || len(args) > 2 {
				return usageError{errors.New("api takes a path, and before it an optional session key: `tkauth api [KEY] PATH`")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[len(args)-1]
			if len(args) == 2 {
				opts.Key = args[0]
			}
			return apiRun(cmd.Context(), opts)
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			paths := slices.Sorted(maps.Keys(turnkey.Paths()))
			if !strings.HasPrefix(toComplete, "/") {
				// The short form the README uses: query/whoami.
				for i, p := range paths {
					paths[i] = strings.TrimPrefix(p, "/public/v1/")
				}
				if len(args) == 0 {
					keys, _ := completeSessionKeys(f.OpenLazy)(cmd, args, toComplete)
					paths = append(keys, paths...)
				}
			}
			return paths, cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Fields, "field", "f", nil, "set name=value in the body (dotted names reach into objects)")
	cmd.Flags().StringVar(&opts.Input, "input", "", "read the body from this file (- for stdin)")
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "print the answer as it came")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "call a path the API spec does not list")
	return cmd
}

// apiPath is path as the spec writes it: /public/v1/ is added to
// query/... and submit/...; a path the spec does not list is refused
// unless force, with the nearest it lists.
func apiPath(path string, force bool) (string, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/public/v1/" + path
	}
	if _, ok := turnkey.Paths()[path]; ok || force {
		return path, nil
	}
	err := fmt.Errorf("%s is not a path of Turnkey's API (--force calls it all the same)", escape.Clean(path))
	name := path[strings.LastIndex(path, "/")+1:]
	var near []string
	for _, p := range slices.Sorted(maps.Keys(turnkey.Paths())) {
		if n := p[strings.LastIndex(p, "/")+1:]; strings.Contains(n, name) || strings.Contains(name, n) {
			near = append(near, p)
		}
	}
	if len(near) > 0 && len(near) <= 5 {
		err = fmt.Errorf("%w; did you mean %s?", err, strings.Join(near, " or "))
	}
	return "", usageError{err}
}

func apiRun(ctx context.Context, opts *APIOptions) error {
	path, err := apiPath(opts.Path, opts.Force)
	if err != nil {
		return err
	}
	body, err := apiBody(opts)
	if err != nil {
		return err
	}
	u, err := useSession(ctx, opts.IO, opts.Open, opts.Servers, opts.Key, "api")
	if err != nil {
		return err
	}
	if _, ok := body["organizationId"]; !ok {
		body["organizationId"] = u.session.OrganizationID
	}
	if typ := turnkey.Paths()[path]; typ != "" {
		if _, ok := body["type"]; !ok {
			body["type"] = typ
		}
		if _, ok := body["timestampMs"]; !ok {
			body["timestampMs"] = strconv.FormatInt(opts.Now().UnixMilli(), 10)
		}
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	answer, err := u.api.Call(ctx, u.key, path, data)
	if err != nil {
		return err
	}
	return writeAnswer(opts.IO, answer, opts.Raw)
}

// apiBody is the request body: --input, else {}, with the -f fields set.
func apiBody(opts *APIOptions) (map[string]any, error) {
	body := map[string]any{}
	if opts.Input != "" {
		var raw []byte
		var err error
		if opts.Input == "-" {
			raw, err = readBody(opts.IO.In)
		} else {
			var f *os.File
			if f, err = os.Open(opts.Input); err == nil {
				raw, err = readBody(f)
				f.Close()
			}
		}
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &body); err != nil || body == nil {
			return nil, usageError{fmt.Errorf("--input: the body must be a JSON object: %v", err)}
		}
	}
	for _, f := range opts.Fields {
		name, value, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return nil, usageError{fmt.Errorf("-f %s: want name=value", escape.Clean(f))}
		}
		obj := body
		parts := strings.Split(name, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := obj[p].(map[string]any)
			if !ok {
				if _, taken := obj[p]; taken {
					return nil, usageError{fmt.Errorf("-f %s: %s is not an object in the body", escape.Clean(f), escape.Clean(p))}
				}
				next = map[string]any{}
				obj[p] = next
			}
			obj = next
		}
		obj[parts[len(parts)-1]] = value
	}
	return body, nil
}

// jsonKey is a key in indented JSON, for color; compiled when first
// needed, not at start-up.
var jsonKey = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^(\s*)("(?:[^"\\]|\\.)*")(:)`)
})

// writeAnswer prints a server's answer: indented JSON, keys colored when
// IOStreams.Color says so; as it came with raw. On a terminal either is
// escaped first: JSON may carry characters that drive a terminal.
func writeAnswer(ios *IOStreams, answer []byte, raw bool) error {
	out := answer
	if !raw {
		var b bytes.Buffer
		// Indent keeps trailing white space (Turnkey's answers end in a
		// newline): without it, one newline ends the output.
		if err := json.Indent(&b, bytes.TrimRight(answer, " \t\r\n"), "", "  "); err == nil {
			b.WriteByte('\n')
			out = b.Bytes()
		}
	}
	s := string(out)
	if ios.IsTerminal {
		s = escape.Lines(s)
	}
	if !raw && ios.Color() {
		s = jsonKey().ReplaceAllString(s, "$1\x1b[36m$2\x1b[0m$3")
	}
	_, err := io.WriteString(ios.Out, s)
	return err
}
