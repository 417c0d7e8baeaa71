package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tkauth/tkauth/internal/escape"
	"github.com/tkauth/tkauth/session"
	"github.com/tkauth/tkauth/turnkey"
)

// errLoginFlags is login's answer, off a terminal, to no flags: which
// flags a login needs.
var errLoginFlags = usageError{errors.New("login needs, when no one is at a terminal to be asked: --org ORG to log in with your long-lived API key (--api-key NAME or --api-key-file FILE), or --email ADDRESS, --sms NUMBER or --whatsapp NUMBER with --auth-proxy ID (or " + authProxyEnv + ") to log in by a code")}

// loginAsk asks, on a terminal, what a login given no flags needs, as gh
// auth login does: the method, then the address (and the Auth Proxy
// configuration, where none is set, offering those used before) or the
// organization, offering those of the sessions stored; then the login asks
// for the code as ever.
func loginAsk(ctx context.Context, opts *LoginOptions) error {
	ios := opts.IO
	method, err := choose(ios, "How do you log in?", []string{
		"by a code sent to an email address (Turnkey's Auth Proxy)",
		"by a code sent by SMS (Turnkey's Auth Proxy)",
		"by a code sent by WhatsApp (Turnkey's Auth Proxy)",
		"with your long-lived API key (Turnkey's CLI keys, or tkauth's keyring)",
	})
	if err != nil {
		return err
	}
	if method < 3 {
		what := "Email address"
		if method > 0 {
			what = "Phone number (+ and the country code)"
		}
		contact, err := askLine(ios, what, "")
		if err != nil {
			return err
		}
		switch method {
		case 0:
			opts.Email = contact
		case 1:
			opts.SMS = contact
		case 2:
			opts.WhatsApp = contact
		}
		if opts.AuthProxy == "" {
			if err := opts.askAuthProxy(ctx); err != nil {
				return err
			}
		}
		return loginCodeRun(ctx, opts)
	}
	orgs := opts.organizationsUsed(ctx)
	if len(orgs) > 0 {
		labels := make([]string, 0, len(orgs)+1)
		for _, o := range orgs {
			labels = append(labels, o.label)
		}
		i, err := choose(ios, "Which organization?", append(labels, "another organization"))
		if err != nil {
			return err
		}
		if i < len(orgs) {
			opts.Org = orgs[i].id
			return loginRun(ctx, opts)
		}
	}
	if opts.Org, err = askLine(ios, "Organization ID", ""); err != nil {
		return err
	}
	return loginRun(ctx, opts)
}

// askAuthProxy asks which Auth Proxy configuration the code login goes
// through, offering those code logins stored sessions through (each with
// its proxy's URL), most recently used first.
func (opts *LoginOptions) askAuthProxy(ctx context.Context) error {
	var used []session.AuthProxyConfig
	if opts.Sessions != nil {
		if st, err := opts.Sessions(ctx); err == nil {
			used = st.AuthProxies
		}
	}
	if len(used) > 0 {
		labels := make([]string, 0, len(used)+1)
		for _, c := range used {
			labels = append(labels, escape.Clean(c.ID)+" at "+escape.Clean(cmp.Or(c.URL, turnkey.DefaultAuthProxyURL)))
		}
		i, err := choose(opts.IO, "Which Auth Proxy configuration?", append(labels, "another configuration"))
		if err != nil {
			return err
		}
		if i < len(used) {
			opts.AuthProxy = used[i].ID
			if used[i].URL != "" {
				opts.AuthProxyURL = used[i].URL
			}
			return nil
		}
	}
	var err error
	opts.AuthProxy, err = askLine(opts.IO, "Auth Proxy configuration ID (your app's, from Turnkey's dashboard)", "")
	return err
}

type usedOrg struct{ id, label string }

// organizationsUsed are the organizations of the sessions stored, each
// once, with Turnkey's names for them, most recently stored first.
func (opts *LoginOptions) organizationsUsed(ctx context.Context) []usedOrg {
	if opts.Sessions == nil {
		return nil
	}
	st, err := opts.Sessions(ctx)
	if err != nil {
		return nil
	}
	list := st.List()
	slices.SortStableFunc(list, func(a, b session.Session) int { return b.StoredAt.Compare(a.StoredAt) })
	var out []usedOrg
	for _, s := range list {
		if slices.ContainsFunc(out, func(o usedOrg) bool { return o.id == s.OrganizationID }) {
			continue
		}
		label := escape.Clean(s.OrganizationID)
		if s.OrganizationName != "" {
			label = escape.Clean(s.OrganizationName) + " (" + label + ")"
		}
		out = append(out, usedOrg{s.OrganizationID, label})
	}
	return out
}

// choose asks question on stderr with numbered options and reads the
// number of one (enter: the first); three answers that are not one end it.
func choose(ios *IOStreams, question string, options []string) (int, error) {
	fmt.Fprintln(ios.ErrOut, question)
	for i, o := range options {
		fmt.Fprintf(ios.ErrOut, "  %d) %s\n", i+1, o)
	}
	for range 3 {
		fmt.Fprintf(ios.ErrOut, "Choose 1-%d [1]: ", len(options))
		line, err := readLine(ios.In) // a byte at a time: the code's reader gets what follows
		if line = strings.TrimSpace(line); err != nil && line == "" {
			return 0, fmt.Errorf("no answer: %w", err)
		}
		if line == "" {
			return 0, nil
		}
		if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(options) {
			return n - 1, nil
		}
		fmt.Fprintf(ios.ErrOut, "%s is not one of 1-%d.\n", escape.Clean(strconv.Quote(line)), len(options))
	}
	return 0, errDeclined
}

// askLine asks for one line on stderr (def when it is empty); an empty
// answer with no def is asked again, thrice at most.
func askLine(ios *IOStreams, what, def string) (string, error) {
	for range 3 {
		if def != "" {
			fmt.Fprintf(ios.ErrOut, "%s [%s]: ", what, escape.Clean(def))
		} else {
			fmt.Fprintf(ios.ErrOut, "%s: ", what)
		}
		line, err := readLine(ios.In)
		if line = strings.TrimSpace(line); err != nil && line == "" {
			return "", fmt.Errorf("no answer: %w", err)
		}
		if line == "" {
			line = def
		}
		if line != "" {
			return line, nil
		}
	}
	return "", errDeclined
}
