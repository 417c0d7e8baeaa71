package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tkauth/tkauth/session"
)

// The session file as encode writes it is a header line, a session a line,
// a line between the arrays, a key pair a line, and a last line:
//
//	{"version":1,"gen":"…","active":"…","sessions":[
//	{"sessionKey":"…",…},
//	{"sessionKey":"…",…}
//	],"keyPairs":[
//	{"publicKey":"…",…}
//	]}
//
// decodeLines reads exactly that, each line as a flat object of known
// fields, and gives up (errNotLines) on anything else: white space, a
// field it does not know or sees twice, a null, a number that is not an
// integer, a line out of place. The caller then decodes the file as walk
// does, which says what is wrong, if anything. So decodeLines never takes
// a file walk would refuse, nor reads one differently (FuzzDecodeLines).
//
// What it gains: the file is one string, and each session's text is cut
// from it rather than copied (a general decoder allocates every string of
// every session), and each line is kept as the encoding of what it holds,
// so that a first write re-encodes only what changed.

// text is what a line is read as: a string cut from the whole file
// (Load), or bytes of a read buffer (Listing).
type text interface{ ~string | ~[]byte }

// errNotLines: the file is not laid out as encode writes it.
var errNotLines = errors.New("not laid out a session a line")

const (
	sessionsOpen = `,"sessions":[`
	keyPairsOpen = `],"keyPairs":[`
)

// decodeLines decodes data, a whole session file, as encode lays it out,
// and returns the encodings of its sessions and key pairs too. What it
// returns holds parts of data.
func decodeLines(data string) (*session.State, *encCache, error) {
	rest := data
	next := func() (string, error) {
		if len(rest) == 0 {
			return "", io.EOF
		}
		line, after, ok := strings.Cut(rest, "\n")
		if !ok {
			return "", errNotLines // the last line too ends in a line break
		}
		rest = after
		return line, nil
	}
	return decodeLinesWith(next, len(data), false)
}

// decodeLinesFrom is decodeLines for a file of size bytes read from r a
// line at a time, without tokens, holding what it returns and nothing
// more: for Listing.
func decodeLinesFrom(r io.Reader, size int64) (*session.State, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	st, _, err := decodeLinesWith(func() ([]byte, error) { return readLine(br) }, int(min(size, MaxFileSize)), true)
	return st, err
}

// decodeLinesWith decodes the lines next gives (io.EOF after the last) of
// a file of size bytes. Lines of bytes are those of a read buffer, valid
// until the next: what is kept is copied out of them. If listing, each
// token is checked and dropped, never copied, and no encodings are kept.
func decodeLinesWith[T text](next func() (T, error), size int, listing bool) (*session.State, *encCache, error) {
	line, err := next()
	if err != nil {
		return nil, nil, errNotLines
	}
	more := func() bool {
		line, err = next()
		return err == nil
	}
	h, ok := scanHeader(line)
	if !ok {
		return nil, nil, errNotLines
	}

	st := session.NewState()
	var k *keeper
	if listing {
		k = &keeper{}
	}
	var cache *encCache
	if !listing {
		cache = &encCache{}
		cache.sessions.enc = map[string]encoded[*session.Session]{}
		cache.keyPairs.enc = map[string]encoded[session.KeyPair]{}
	}
	// each reads the lines of an array up to the line end, each but the
	// last ending in a comma, and gives item each without it.
	each := func(end string, item func(obj T) bool) bool {
		last, n := false, 0
		for more() && string(line) != end {
			obj, comma := cutComma(line)
			if last || !item(obj) {
				return false
			}
			last, n = !comma, n+1
		}
		return err == nil && (last || n == 0)
	}
	// Made for as many sessions as lines like the first would fill the
	// file: growing them was a tenth of the time at 10,000. (Key pairs
	// are often far fewer.)
	sized := false
	var order []string // the session keys, as read
	if !each(keyPairsOpen, func(obj T) bool {
		var fs fileSession
		if !scanSession(obj, &fs, k) || fs.SessionKey == "" || fs.Token == "" || fs.PublicKey == "" {
			return false
		}
		if _, dup := st.Sessions[fs.SessionKey]; dup {
			return false
		}
		if !sized {
			sized = true
			hint := min(size/(len(obj)+2), 1<<20)
			st.Sessions = make(map[string]*session.Session, hint)
			order = make([]string, 0, hint)
			if cache != nil {
				cache.sessions.enc = make(map[string]encoded[*session.Session], hint)
				cache.sessions.keys = make([]string, 0, hint)
			}
		}
		if listing {
			fs.Token = "" // only checked there
		}
		s := fs.session()
		st.Sessions[fs.SessionKey] = s
		order = append(order, fs.SessionKey)
		if cache != nil {
			cache.sessions.add(fs.SessionKey, s, string(obj))
		}
		return true
	}) {
		return nil, nil, errNotLines
	}
	var keyPairs []fileKeyPair
	if !each("]}", func(obj T) bool {
		var kp fileKeyPair
		if !scanKeyPair(obj, &kp, k) {
			return false
		}
		keyPairs = append(keyPairs, kp)
		if cache != nil {
			cache.keyPairs.add(kp.PublicKey, kp.keyPair(), string(obj))
		}
		return true
	}) {
		return nil, nil, errNotLines
	}
	if _, err := next(); err != io.EOF {
		return nil, nil, errNotLines // more after the last line
	}
	if finish(st, h.active, h.previous, keyPairs) != nil {
		return nil, nil, errNotLines
	}
	st.Order = order // State.Keys checks it before trusting it
	if cache != nil && (!cache.sessions.inOrder() || !cache.keyPairs.inOrder() ||
		len(cache.sessions.keys) != len(st.Sessions) || len(cache.keyPairs.keys) != len(st.KeyPairs)) {
		cache = nil // not in encode's order: the first write encodes all
	}
	return st, cache, nil
}

// header is what the file's first line holds.
type header struct {
	version          int64
	active, previous string
}

// scanHeader reads the file's first line, which must end where the
// sessions begin, of a version this tkauth reads.
func scanHeader[T text](line T) (header, bool) {
	var h header
	if !hasSuffix(line, sessionsOpen) {
		return h, false
	}
	obj := string(line[:len(line)-len(sessionsOpen)]) + "}"
	ok := scanObject(obj, func(name string, v value[string]) bool {
		switch name {
		case "version":
			return v.int(&h.version)
		case "gen":
			var gen string
			return v.str(&gen, nil, false)
		case "active":
			return v.str(&h.active, nil, false)
		case "previous":
			return v.str(&h.previous, nil, false)
		}
		return false
	})
	return h, ok && h.version >= 1 && h.version <= FormatVersion
}

// readLine returns the next line without its line break, valid until
// the next read; io.EOF only when nothing is left. The last line must
// end in a line break too, as encode writes it.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		line = bytes.Clone(line)
		for err == bufio.ErrBufferFull {
			var more []byte
			more, err = br.ReadSlice('\n')
			line = append(line, more...)
		}
	}
	switch {
	case err == io.EOF && len(line) == 0:
		return nil, io.EOF
	case err != nil:
		return nil, errNotLines
	}
	return line[:len(line)-1], nil
}

// cutComma returns line without the comma it ends in, if it does.
func cutComma[T text](line T) (T, bool) {
	if n := len(line); n > 0 && line[n-1] == ',' {
		return line[:n-1], true
	}
	return line, false
}

func hasSuffix[T text](s T, suffix string) bool {
	return len(s) >= len(suffix) && string(s[len(s)-len(suffix):]) == suffix
}

func hasPrefix[T text](s T, prefix string) bool {
	return len(s) >= len(prefix) && string(s[:len(prefix)]) == prefix
}

func indexByte[T text](s T, c byte) int {
	switch s := any(s).(type) {
	case string:
		return strings.IndexByte(s, c)
	case []byte:
		return bytes.IndexByte(s, c)
	}
	panic("unreachable")
}

// add records k's value v and its encoding, which must come in k's order.
func (o *ordered[V]) add(k string, v V, json string) {
	o.enc[k] = encoded[V]{v: v, json: json}
	o.keys = append(o.keys, k)
}

// inOrder says whether the keys added are strictly increasing.
func (o *ordered[V]) inOrder() bool { return increasing(o.keys) }

func increasing(keys []string) bool {
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			return false
		}
	}
	return true
}

// scanSession reads a session's line. With a keeper (Listing, whose
// lines are a read buffer's), what it keeps is copied out, the token is
// only checked, and what repeats from line to line is shared.
func scanSession[T text](obj T, fs *fileSession, k *keeper) bool {
	return scanObject(obj, func(name T, v value[T]) bool {
		switch string(name) {
		case "sessionKey":
			return v.str(&fs.SessionKey, k, false)
		case "token":
			if k != nil {
				return v.check(&fs.Token)
			}
			return v.str(&fs.Token, nil, false)
		case "publicKey":
			return v.str(&fs.PublicKey, k, true)
		case "userId":
			return v.str(&fs.UserID, k, true)
		case "organizationId":
			return v.str(&fs.OrganizationID, k, true)
		case "sessionType":
			return v.str(&fs.SessionType, k, true)
		case "expiry":
			return v.int(&fs.Expiry)
		case "sessionProfileId":
			return v.str(&fs.SessionProfileID, k, true)
		case "scope":
			return v.str(&fs.Scope, k, true)
		case "verified":
			return v.bool(&fs.Verified)
		case "storedAt":
			return v.time(&fs.StoredAt)
		case "apiBaseUrl":
			return v.str(&fs.APIBaseURL, k, true)
		}
		return false
	})
}

func scanKeyPair[T text](obj T, kp *fileKeyPair, k *keeper) bool {
	return scanObject(obj, func(name T, v value[T]) bool {
		switch string(name) {
		case "publicKey":
			return v.str(&kp.PublicKey, k, true)
		case "keyStore":
			return v.str(&kp.KeyStore, k, true)
		case "createdAt":
			return v.time(&kp.CreatedAt)
		case "deleting":
			return v.bool(&kp.Deleting)
		case "unclaimed":
			return v.bool(&kp.Unclaimed)
		}
		return false
	})
}

// keeper keeps what Listing reads out of the read buffer: each string
// copied, and one copy shared by the lines that repeat it (a key pair,
// an organization, a session type), up to keeperMost distinct ones, so
// that a list of 10,000 sessions holds less than the file.
type keeper struct {
	shared map[string]string
}

const keeperMost = 4096

// keep returns inner as a string of its own (nil k: cut from a string
// line, not copied); shared if share.
func keep[T text](k *keeper, inner T, share bool) string {
	if k == nil {
		return string(inner)
	}
	if share {
		if s, ok := k.shared[string(inner)]; ok {
			return s
		}
	}
	var s string
	if str, ok := any(inner).(string); ok {
		s = strings.Clone(str)
	} else {
		s = string(inner) // copies
	}
	if share && len(k.shared) < keeperMost {
		if k.shared == nil {
			k.shared = map[string]string{}
		}
		k.shared[s] = s
	}
	return s
}

// value is one member's value as it stands in the line.
type value[T text] struct {
	raw     T    // the whole JSON value
	kind    byte // '"', 'n' (an integer), 't' (true), 'f' (false)
	escaped bool // a string with a backslash in it
	high    bool // a string with bytes past ASCII
}

// str sets *s to a string value, kept as keep does (shared if share),
// when it holds no escapes and is valid UTF-8; else as encoding/json
// reads it.
func (v value[T]) str(s *string, k *keeper, share bool) bool {
	if v.kind != '"' {
		return false
	}
	inner := v.raw[1 : len(v.raw)-1]
	switch {
	case v.escaped:
		return json.Unmarshal([]byte(v.raw), s) == nil
	case v.high && !validUTF8(inner):
		return false // encoding/json would change it: left to walk
	}
	*s = keep(k, inner, share)
	return true
}

// check is str for a value that is only checked: *s is set to a
// placeholder, empty if the value is.
func (v value[T]) check(s *string) bool {
	if v.kind != '"' {
		return false
	}
	inner := v.raw[1 : len(v.raw)-1]
	switch {
	case v.escaped:
		return json.Unmarshal([]byte(v.raw), s) == nil
	case v.high && !validUTF8(inner):
		return false
	case len(inner) == 0:
		*s = ""
	default:
		*s = "x"
	}
	return true
}

func validUTF8[T text](s T) bool {
	switch s := any(s).(type) {
	case string:
		return utf8.ValidString(s)
	case []byte:
		return utf8.Valid(s)
	}
	panic("unreachable")
}

// int sets *n to an integer value (scanValue checked its form).
func (v value[T]) int(n *int64) bool {
	if v.kind != 'n' {
		return false
	}
	digits, neg := v.raw, false
	if digits[0] == '-' {
		digits, neg = digits[1:], true
	}
	if len(digits) > 18 { // past what surely fits: left to walk
		return false
	}
	var x int64
	for i := 0; i < len(digits); i++ {
		x = x*10 + int64(digits[i]-'0')
	}
	if neg {
		x = -x
	}
	*n = x
	return true
}

func (v value[T]) bool(b *bool) bool {
	*b = v.kind == 't'
	return v.kind == 't' || v.kind == 'f'
}

// time sets *t as encoding/json sets a time.Time: by its UnmarshalJSON.
func (v value[T]) time(t *time.Time) bool {
	var buf [64]byte
	if v.kind != '"' || v.escaped || len(v.raw) > len(buf) {
		return false
	}
	return t.UnmarshalJSON(buf[:copy(buf[:], v.raw)]) == nil
}

// scanObject walks obj, which must be exactly one flat JSON object with
// no white space, calling member for each member in turn; a name seen
// twice, or one member refuses, fails it.
func scanObject[T text](obj T, member func(name T, v value[T]) bool) bool {
	if len(obj) < 2 || obj[0] != '{' {
		return false
	}
	var seen [16]T
	n := 0
	i := 1
	if obj[i] == '}' {
		return i+1 == len(obj)
	}
	for {
		// The name: a string without escapes.
		name, j, ok := scanString(obj, i)
		if !ok || name.escaped || j >= len(obj) || obj[j] != ':' || n == len(seen) {
			return false
		}
		key := name.raw[1 : len(name.raw)-1]
		for _, s := range seen[:n] {
			if string(s) == string(key) {
				return false
			}
		}
		seen[n] = key
		n++
		v, k, ok := scanValue(obj, j+1)
		if !ok || !member(key, v) || k >= len(obj) {
			return false
		}
		switch obj[k] {
		case ',':
			i = k + 1
		case '}':
			return k+1 == len(obj)
		default:
			return false
		}
	}
}

// scanValue reads the value at obj[i:]: a string, an integer, true or
// false. It returns the value and the index after it.
func scanValue[T text](obj T, i int) (value[T], int, bool) {
	if i >= len(obj) {
		return value[T]{}, 0, false
	}
	switch c := obj[i]; {
	case c == '"':
		return scanString(obj, i)
	case c == 't' && hasPrefix(obj[i:], "true"):
		return value[T]{raw: obj[i : i+4], kind: 't'}, i + 4, true
	case c == 'f' && hasPrefix(obj[i:], "false"):
		return value[T]{raw: obj[i : i+5], kind: 'f'}, i + 5, true
	case c == '-' || ('0' <= c && c <= '9'):
		// JSON's integers: -?(0|[1-9][0-9]*), and no fraction or exponent.
		j := i
		if obj[j] == '-' {
			j++
		}
		start := j
		for j < len(obj) && '0' <= obj[j] && obj[j] <= '9' {
			j++
		}
		if j == start || (obj[start] == '0' && j-start > 1) {
			return value[T]{}, 0, false
		}
		return value[T]{raw: obj[i:j], kind: 'n'}, j, true
	}
	return value[T]{}, 0, false
}

// scanString reads the string at obj[i:], which must start with a quote.
// A control character in it fails it, as in JSON. It finds the closing
// quote with strings.IndexByte and checks what it passes eight bytes at a
// time: a token is most of a line.
func scanString[T text](obj T, i int) (value[T], int, bool) {
	if i >= len(obj) || obj[i] != '"' {
		return value[T]{}, 0, false
	}
	v := value[T]{kind: '"'}
	for j := i + 1; ; {
		k := indexByte(obj[j:], '"')
		if k < 0 {
			return value[T]{}, 0, false
		}
		end := j + k
		esc, ctl, high := classify(obj[j:end])
		if ctl {
			return value[T]{}, 0, false
		}
		v.high = v.high || high
		v.escaped = v.escaped || esc
		// The quote ends the string unless an odd run of backslashes is
		// right before it.
		n := 0
		for p := end - 1; p > i && obj[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			v.raw = obj[i : end+1]
			return v, end + 1, true
		}
		j = end + 1
	}
}

// classify says whether s holds a backslash, a control character (below
// 0x20) or a byte past ASCII, eight bytes at a time: haszero and hasless
// of Bit Twiddling Hacks, exact in saying whether any byte matches.
func classify[T text](s T) (esc, ctl, high bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var anyHigh, anyCtl, anyEsc uint64
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		anyHigh |= w
		anyCtl |= (w - 0x20*ones) &^ w
		x := w ^ ('\\' * ones)
		anyEsc |= (x - ones) &^ x
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80:
			high = true
		case c < 0x20:
			ctl = true
		case c == '\\':
			esc = true
		}
	}
	return esc || anyEsc&highs != 0, ctl || anyCtl&highs != 0, high || anyHigh&highs != 0
}
