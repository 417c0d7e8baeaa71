package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/internal/text"
	"github.com/tkauth/tkauth/session"
)

// AddOptions holds what `tkauth add` needs.
type AddOptions struct {
	IO         *IOStreams
	Open       func(context.Context) (*Env, error)
	SessionKey string
	TokenFile  string
}

func newCmdAdd(f *Factory) *cobra.Command {
	opts := &AddOptions{IO: f.IO, Open: f.Open}
	cmd := &cobra.Command{
		Use:   "add [--session-key KEY] [--token-file FILE]",
		Short: "Store a Turnkey session token; it becomes the active session",
		Long: `add stores a Turnkey session token under a session key (Turnkey's default,
` + session.DefaultKey + `, unless --session-key says otherwise) and makes it the
active session, as Turnkey's storeSession does. A session already under that key
is replaced, and its key pair deleted if no other session uses it.

The token is read from --token-file, or from stdin (with --token-file - or when
stdin is not a terminal). It is never taken as an argument: arguments are kept
in your shell history and shown by ps. What you paste may be the bare token,
"Bearer " and the token, a JSON string, or a JSON object with the token in its
"token" or "session" field; only the token is stored.`,
		Example: `  tkauth add --token-file session.jwt
  tkauth add --session-key acme/admin < session.jwt
  pbpaste | tkauth add`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{errors.New("add takes no token argument: arguments are kept in your shell history and shown by ps; use --token-file FILE or stdin")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return addRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.SessionKey, "session-key", session.DefaultKey, "the key to store the session under")
	cmd.Flags().StringVar(&opts.TokenFile, "token-file", "", "read the token from `FILE` (- for stdin)")
	return cmd
}

func addRun(ctx context.Context, opts *AddOptions) error {
	ios := opts.IO
	token, err := readToken(ios, opts.TokenFile)
	if err != nil {
		return err
	}
	env, err := opts.Open(ctx)
	if err != nil {
		return err
	}
	res, err := env.Manager.StoreSession(ctx, token, opts.SessionKey)
	if err != nil {
		return err
	}
	s := res.Session
	verb := "Stored"
	if res.Replaced {
		verb = "Replaced"
	}
	now := env.Manager.Now()
	active := "now active"
	if res.WasActive != "" {
		active += ", instead of " + escape.Clean(res.WasActive)
	}
	fmt.Fprintf(ios.Out, "%s session %s (%s): user %s, organization %s, %s, %s.\n", verb, escape.Clean(s.Key), active,
		escape.Clean(s.UserID), escape.Clean(s.OrganizationID), text.Type(s.Type), text.Expiry(now, s.Expiry))
	if !s.Verified {
		fmt.Fprintln(ios.Out, "The token is not signed by Turnkey's production key: it is shown as unverified.")
	}
	noteShellKeeps(ios, s.Key)
	st := mustState(ctx, env)
	if _, ours := st.KeyPairs[s.PublicKey]; !ours {
		fmt.Fprintf(ios.Out, "Its key pair %s was not created by tkauth: tkauth will never delete it.\n", session.Short(s.PublicKey))
	}
	back := ""
	if res.WasActive != "" {
		back = "; `tkauth switch -` makes " + escape.Clean(res.WasActive) + " active again"
	}
	for _, p := range s.Problems(now, env.Manager.KeyPairPresence(ctx, st)[s.PublicKey]) {
		switch p {
		case session.ProblemExpired:
			ios.warn("the session %s; Turnkey refuses it. It is stored and active all the same%s; `tkauth login` gets a live one", text.Expiry(now, s.Expiry), back)
		case session.ProblemKeyPairMissing:
			ios.warn("the session's key pair %s is not in the %s key store: the session cannot sign requests (exec, api, stamp, refresh refuse it)%s. "+
				"Store the key pair the token was issued for first, or log in with `tkauth login`, which makes one", session.Short(s.PublicKey), env.KeyStore, back)
		}
	}
	for _, pub := range res.DeletedKeyPairs {
		fmt.Fprintf(ios.Out, "Deleted the replaced session's key pair %s.\n", session.Short(pub))
	}
	ios.leftover(res.Leftover)
	return nil
}

// readToken reads a token from file, or from stdin when file is "-" or
// empty; from a terminal, it asks for it and does not show it (as gh auth
// login --with-token and aws-vault add do). It takes the forms people
// paste (session.Pasted): the bare token is what is stored.
func readToken(ios *IOStreams, file string) (string, error) {
	var r io.Reader
	switch {
	case (file == "-" || file == "") && ios.StdinTerminal && ios.ReadSecret != nil:
		fmt.Fprint(ios.ErrOut, "Paste the session token (it is not shown), then press enter: ")
		line, err := ios.ReadSecret()
		if err != nil {
			return "", fmt.Errorf("reading the token: %w", err)
		}
		return session.Pasted(line)
	case file == "-" || (file == "" && !ios.StdinTerminal):
		r = ios.In
	case file == "":
		return "", usageError{errors.New("no token: give --token-file FILE, or pipe it in: tkauth add < session.jwt")}
	default:
		f, err := os.Open(file)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, session.MaxTokenSize+1))
	if err != nil {
		return "", fmt.Errorf("reading the token: %w", err)
	}
	if len(b) > session.MaxTokenSize {
		return "", fmt.Errorf("%w: the input is larger than the %d bytes a session token can be", session.ErrMalformedToken, session.MaxTokenSize)
	}
	return session.Pasted(string(b))
}

// mustState is the store's state, or an empty one if it cannot be read
// (for messages that are nice to have).
func mustState(ctx context.Context, env *Env) *session.State {
	st, err := env.Manager.State(ctx)
	if err != nil {
		return session.NewState()
	}
	return st
}
