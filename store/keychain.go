package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// keychain is the macOS Keychain's generic passwords of one service,
// through /usr/bin/security, as go-keyring reaches them, but: presence is
// one `security dump-keychain` for every key, which reads no secret;
// every call is a process ended when its context ends (the keyring
// timeout); and security's exit statuses are said in words. It runs
// anywhere a `security` does, so that its parsing and its time-outs are
// tested off a Mac against recorded transcripts.
type keychain struct {
	path    string // /usr/bin/security
	service string
	// file is the keychain tkauth uses when it is not the default one: a
	// throw-away keychain in tests (TKAUTH_TEST_KEYCHAIN).
	file string
	// found remembers the default keychain's file once security has
	// named it, for the calls after (nil: ask each time).
	found *keychainFile
}

// keychainFile is a keychain's file, found once.
type keychainFile struct {
	mu   sync.Mutex
	path string
}

// keychainError is security's failure: its exit status (the low byte of
// the Security framework's OSStatus) and what it wrote to stderr.
type keychainError struct {
	status int
	stderr string
}

// The exit statuses of security tkauth says in words: the low byte of
// errSecItemNotFound (-25300), errSecInteractionNotAllowed (-25308),
// errSecAuthFailed (-25293), errSecNoSuchKeychain (-25294),
// errSecDuplicateItem (-25299), errSecUserCanceled (-128) and
// errSecWrPerm (-61).
const (
	secItemNotFound          = 44
	secInteractionNotAllowed = 36
	secAuthFailed            = 51
	secNoSuchKeychain        = 50
	secDuplicateItem         = 45
	secUserCanceled          = 128
	secWritePermission       = 195
)

// locked reports whether security failed because the keychain is locked
// and cannot ask for its password: status 36, or dump-keychain's status 1
// with the Security framework's words for it.
func (e *keychainError) locked() bool {
	if e.status == secInteractionNotAllowed {
		return true
	}
	msg := strings.ToLower(e.stderr)
	return strings.Contains(msg, "interaction is not allowed") || strings.Contains(msg, "keychain is locked") ||
		strings.Contains(msg, "errsecinteractionnotallowed")
}

func (e *keychainError) Error() string {
	var why string
	status := e.status
	if e.locked() {
		status = secInteractionNotAllowed
	}
	switch status {
	case secItemNotFound:
		why = "the item is not in the keychain"
	case secInteractionNotAllowed:
		why = "the keychain is locked and cannot ask for its password here (an SSH session, or no one at the Mac): unlock it with `security unlock-keychain`"
	case secAuthFailed:
		why = "the keychain refused the password or the authorization"
	case secUserCanceled:
		why = "the keychain's prompt was cancelled"
	case secNoSuchKeychain:
		why = ErrNoKeychain.Error() + ": make one in Keychain Access"
	case secWritePermission:
		why = "the default keychain is read-only"
	case secDuplicateItem:
		why = "the item is in the keychain already"
	default:
		why = fmt.Sprintf("security exited with status %d", e.status)
	}
	if msg := strings.TrimSpace(e.stderr); msg != "" && e.status != secItemNotFound {
		why += " (security: " + clean(msg) + ")"
	}
	return "macOS Keychain: " + why
}

// clean keeps the printable part of security's words, on one line.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Is makes a locked keychain that cannot prompt ErrKeyringLocked, as a
// locked Secret Service is, and a missing one ErrNoKeychain.
func (e *keychainError) Is(target error) bool {
	return target == ErrKeyringLocked && e.locked() ||
		target == ErrNoKeychain && e.status == secNoSuchKeychain
}

// run runs security with args, stdin given; the process is killed when
// ctx ends, and its pipes are not waited on after that.
func (k keychain) run(ctx context.Context, stdin string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, k.path, args...)
	cmd.WaitDelay = 100 * time.Millisecond
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil, &keychainError{status: exit.ExitCode(), stderr: errOut.String()}
	}
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", k.path, err)
	}
	return out.Bytes(), nil
}

// quote quotes s for security's interactive mode, which splits its input
// as a shell does. checkValue has refused what quoting cannot carry.
func quote(s string) string { return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"` }

// maxLine is the longest line, its newline included, that `security -i`
// reads whole: it reads lines into 4,096 bytes with fgets, which cuts a
// longer one and takes the rest as the next command.
const maxLine = 4095

// checkValue refuses a service or account that no command could carry
// as it is: a newline or carriage return would end the line of security
// -i there and start another command; a NUL would end it, or an
// argument, early.
func checkValue(flag, v string) error {
	what := map[string]string{"-s": "service", "-a": "account"}[flag]
	if i := strings.IndexAny(v, "\n\r\x00"); i >= 0 {
		return fmt.Errorf("macOS Keychain: the %s %s holds a newline or NUL (byte %d), which security's command line cannot carry; nothing was done", what, strconv.QuoteToASCII(v), i+1)
	}
	return nil
}

// commandLine is the line of security -i that runs command with each
// flag's value checked and quoted, then tail (not quoted: hex), and
// checks that the line fits.
func commandLine(command string, flags [][2]string, tail string) (string, error) {
	line := command
	for _, f := range flags {
		if err := checkValue(f[0], f[1]); err != nil {
			return "", err
		}
		line += " " + f[0] + " " + quote(f[1])
	}
	line += tail + "\n"
	if len(line) > maxLine {
		return "", fmt.Errorf("macOS Keychain: the command for security -i is %d bytes, over the %d it reads as one line; nothing was done", len(line), maxLine)
	}
	return line, nil
}

// checkItem refuses a service or account that security's arguments
// cannot carry.
func (k keychain) checkItem(user string) error {
	if err := checkValue("-s", k.service); err != nil {
		return err
	}
	return checkValue("-a", user)
}

// put stores secret under user, replacing tkauth's item. The secret goes
// through stdin, in hex (-X), never on a command line that ps shows.
func (k keychain) put(ctx context.Context, user, secret string) error {
	if err := k.checkItem(user); err != nil {
		return err
	}
	tail := " -X " + hex.EncodeToString([]byte(secret))
	if k.file != "" {
		tail += " " + quote(k.file) // underTemp refused what quoting cannot carry
	}
	line, err := commandLine("add-generic-password -U", [][2]string{{"-s", k.service}, {"-a", user}}, tail)
	if err != nil {
		return err
	}
	_, err = k.run(ctx, line, "-i")
	return err
}

func (k keychain) get(ctx context.Context, user string) (string, error) {
	if err := k.checkItem(user); err != nil {
		return "", err
	}
	out, err := k.run(ctx, "", append([]string{"find-generic-password", "-s", k.service, "-a", user, "-w"}, k.only()...)...)
	if err != nil {
		return "", err
	}
	// tkauth's secrets are printable (hex, a curve's name), which -w
	// prints as they are.
	return strings.TrimSuffix(string(out), "\n"), nil
}

func (k keychain) delete(ctx context.Context, user string) error {
	if err := k.checkItem(user); err != nil {
		return err
	}
	_, err := k.run(ctx, "", append([]string{"delete-generic-password", "-s", k.service, "-a", user}, k.only()...)...)
	return err
}

// has lists the generic passwords of k.service in one `security
// dump-keychain` of the keychain tkauth writes to (only it: not the
// whole search list, the System keychain included), which prints
// attributes only (no -d: no secret is read, nothing asks for a
// password).
func (k keychain) has(ctx context.Context, users []string) (map[string]bool, error) {
	file, err := k.keychain(ctx)
	if err != nil {
		return nil, err
	}
	out, err := k.run(ctx, "", "dump-keychain", file)
	if err != nil {
		return nil, err
	}
	accounts := parseDump(out, k.service)
	m := make(map[string]bool, len(users))
	for _, u := range users {
		m[u] = accounts[u]
	}
	return m, nil
}

// keychain is the file of the keychain tkauth writes to: k.file, or the
// default keychain, as `security default-keychain` names it (once a
// process: found remembers it).
func (k keychain) keychain(ctx context.Context) (string, error) {
	if k.file != "" {
		return k.file, nil
	}
	if k.found != nil {
		k.found.mu.Lock()
		defer k.found.mu.Unlock()
		if k.found.path != "" {
			return k.found.path, nil
		}
	}
	out, err := k.run(ctx, "", "default-keychain")
	if err != nil {
		return "", err
	}
	// It prints the path quoted, indented: `    "/Users/a/Library/Keychains/login.keychain-db"`.
	path, err := strconv.Unquote(strings.TrimSpace(string(out)))
	if err != nil || path == "" {
		return "", fmt.Errorf("macOS Keychain: %w (security default-keychain said %q)", ErrNoKeychain, clean(string(out)))
	}
	if k.found != nil {
		k.found.path = path
	}
	return path, nil
}

// only is the keychain argument of a read or delete: k.file, or none (the
// search list, as go-keyring does).
func (k keychain) only() []string {
	if k.file != "" {
		return []string{k.file}
	}
	return nil
}

// check names the keychain tkauth writes to, writing nothing: one
// security process, and none when it is known.
func (k keychain) check(ctx context.Context) (string, error) {
	return k.keychain(ctx)
}

// probe checks that the default keychain takes a new item: it adds one
// of tkauth's and deletes it. `auto` must not choose a keychain that
// answers reads but refuses writes; it probes once per keychain
// (chooseSystem), not on every command.
func (k keychain) probe(ctx context.Context) error {
	const user = "tkauth-probe"
	if err := k.put(ctx, user, "probe"); err != nil {
		return err
	}
	return k.delete(ctx, user)
}

// parseDump reads `security dump-keychain` output and returns the
// accounts of the generic passwords ("genp") whose service is service.
// An attribute prints as "name"<type>="text", or, when it is not plain
// text, as 0x<hex> followed by its text in quotes.
func parseDump(out []byte, service string) map[string]bool {
	accounts := map[string]bool{}
	var class, svce, acct string
	flush := func() {
		if class == `"genp"` && svce == service && acct != "" {
			accounts[acct] = true
		}
		class, svce, acct = "", "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "keychain: "):
			flush()
		case strings.HasPrefix(line, "class: "):
			class = strings.TrimPrefix(line, "class: ")
		case strings.HasPrefix(line, `"svce"<blob>=`):
			svce = blobValue(strings.TrimPrefix(line, `"svce"<blob>=`))
		case strings.HasPrefix(line, `"acct"<blob>=`):
			acct = blobValue(strings.TrimPrefix(line, `"acct"<blob>=`))
		}
	}
	flush()
	return accounts
}

// blobValue is an attribute's value: "text", 0x<hex>  "text", or <NULL>.
func blobValue(v string) string {
	switch {
	case v == "<NULL>":
		return ""
	case strings.HasPrefix(v, "0x"):
		h, _, _ := strings.Cut(strings.TrimPrefix(v, "0x"), " ")
		b, err := hex.DecodeString(h)
		if err != nil {
			return ""
		}
		return string(b)
	}
	if s, err := strconv.Unquote(v); err == nil {
		return s
	}
	return strings.Trim(v, `"`)
}

// underTemp is path if it is absolute and inside tmp, else "": nor with a
// newline or NUL, which security's command line cannot carry.
func underTemp(path, tmp string) string {
	if path == "" || !filepath.IsAbs(path) || strings.ContainsAny(path, "\n\r\x00") {
		return ""
	}
	rel, err := filepath.Rel(filepath.Clean(tmp), filepath.Clean(path))
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.Clean(path)
}
