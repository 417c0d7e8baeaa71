package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tkauth/tkauth/session"
)

// FormatVersion is the version of the session file this tkauth writes, and
// the newest it reads.
const FormatVersion = 1

// Errors about the session file's content; test with errors.Is.
var (
	ErrCorrupt      = errors.New("session file is corrupt")
	ErrNewerVersion = errors.New("session file was written by a newer tkauth")
)

// The on-disk form. Field names match Turnkey's Session type where one
// exists; expiry is Unix seconds, as in the JWT.
//
// The file is one JSON object: {"version": FormatVersion, "active": key,
// "previous": key (when there is one),
// "sessions": [fileSession...], "keyPairs": [fileKeyPair...]}. Encode
// writes it and walk reads it, field by field.

type fileSession struct {
	SessionKey       string    `json:"sessionKey"`
	Token            string    `json:"token"`
	PublicKey        string    `json:"publicKey"`
	UserID           string    `json:"userId"`
	OrganizationID   string    `json:"organizationId"`
	SessionType      string    `json:"sessionType"`
	Expiry           int64     `json:"expiry"`
	SessionProfileID string    `json:"sessionProfileId,omitempty"`
	Scope            string    `json:"scope,omitempty"`
	Verified         bool      `json:"verified"`
	StoredAt         time.Time `json:"storedAt"`
	APIBaseURL       string    `json:"apiBaseUrl,omitempty"`
}

// session is the session fs holds.
func (fs *fileSession) session() *session.Session {
	return &session.Session{
		Key:   fs.SessionKey,
		Token: fs.Token,
		Claims: session.Claims{
			Expiry:           time.Unix(fs.Expiry, 0).UTC(),
			PublicKey:        fs.PublicKey,
			Type:             session.Type(fs.SessionType),
			UserID:           fs.UserID,
			OrganizationID:   fs.OrganizationID,
			SessionProfileID: fs.SessionProfileID,
			Scope:            fs.Scope,
		},
		Verified:   fs.Verified,
		StoredAt:   fs.StoredAt,
		APIBaseURL: fs.APIBaseURL,
	}
}

type fileKeyPair struct {
	PublicKey string    `json:"publicKey"`
	KeyStore  string    `json:"keyStore"`
	CreatedAt time.Time `json:"createdAt"`
	Deleting  bool      `json:"deleting,omitempty"`
	Unclaimed bool      `json:"unclaimed,omitempty"`
}

func (kp fileKeyPair) keyPair() session.KeyPair {
	return session.KeyPair{PublicKey: kp.PublicKey, KeyStore: kp.KeyStore, CreatedAt: kp.CreatedAt, Deleting: kp.Deleting, Unclaimed: kp.Unclaimed}
}

// Encode returns st in the session file's format: compact JSON, one
// session a line, sessions and key pairs ordered by key so that equal
// states encode equally.
func Encode(st *session.State) ([]byte, error) {
	var b bytes.Buffer
	err := encode(&b, st, &encCache{}, "")
	return b.Bytes(), err
}

// encCache is what a File keeps between writes so that a change costs
// what changed: each session's and key pair's encoding, and their keys in
// order. Sessions are never changed in place, so the same pointer means
// the same encoding; a key pair is a value, compared whole.
type encCache struct {
	sessions ordered[*session.Session]
	keyPairs ordered[session.KeyPair]
}

// ordered holds the encodings of a map's values and its keys in order.
type ordered[V comparable] struct {
	enc  map[string]encoded[V]
	keys []string
}

type encoded[V comparable] struct {
	v    V
	json string
}

// update brings o up to m, encoding with marshal only the values that
// are new or changed, and returns m's keys in order. Keeping the order
// costs two lookups a key, not a sort, unless keys were added; then only
// those are sorted, and merged in.
func (o *ordered[V]) update(m map[string]V, marshal func(V) ([]byte, error)) ([]string, error) {
	if o.enc == nil {
		o.enc, o.keys = make(map[string]encoded[V], len(m)), nil
	}
	fail := func(err error) ([]string, error) {
		o.enc, o.keys = nil, nil
		return nil, err
	}
	// Keys kept, in place: the slice is o's own.
	keys := o.keys[:0]
	for _, k := range o.keys {
		v, ok := m[k]
		if !ok {
			delete(o.enc, k)
			continue
		}
		keys = append(keys, k)
		if e := o.enc[k]; e.v != v {
			b, err := marshal(v)
			if err != nil {
				return fail(err)
			}
			o.enc[k] = encoded[V]{v: v, json: string(b)}
		}
	}
	if len(keys) < len(m) {
		var added []string
		for k := range m {
			if _, ok := o.enc[k]; !ok {
				added = append(added, k)
			}
		}
		slices.Sort(added)
		for _, k := range added {
			b, err := marshal(m[k])
			if err != nil {
				return fail(err)
			}
			o.enc[k] = encoded[V]{v: m[k], json: string(b)}
		}
		keys = mergeSorted(keys, added)
	}
	o.keys = keys
	return keys, nil
}

// mergeSorted merges two sorted slices of distinct keys.
func mergeSorted(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] < b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

func marshalSession(s *session.Session) ([]byte, error) {
	if err := readsBack(s); err != nil {
		return nil, err
	}
	return json.Marshal(fileSession{
		SessionKey:       s.Key,
		Token:            s.Token,
		PublicKey:        s.PublicKey,
		UserID:           s.UserID,
		OrganizationID:   s.OrganizationID,
		SessionType:      string(s.Type),
		Expiry:           s.Expiry.Unix(),
		SessionProfileID: s.SessionProfileID,
		Scope:            s.Scope,
		Verified:         s.Verified,
		StoredAt:         s.StoredAt,
		APIBaseURL:       s.APIBaseURL,
	})
}

func marshalKeyPair(kp session.KeyPair) ([]byte, error) {
	return json.Marshal(fileKeyPair{PublicKey: kp.PublicKey, KeyStore: kp.KeyStore, CreatedAt: kp.CreatedAt, Deleting: kp.Deleting, Unclaimed: kp.Unclaimed})
}

// encode writes st to b as Encode does, with the generation stamp gen if
// not empty, reusing (and updating) the encodings in c.
func encode(b *bytes.Buffer, st *session.State, c *encCache, gen string) error {
	keys, err := c.sessions.update(st.Sessions, marshalSession)
	if err != nil {
		return err
	}
	pubs, err := c.keyPairs.update(st.KeyPairs, marshalKeyPair)
	if err != nil {
		return err
	}
	active, err := json.Marshal(st.Active)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, `{"version":%d`, FormatVersion)
	if gen != "" {
		b.WriteString(genField + gen + `"`)
	}
	fmt.Fprintf(b, `,"active":%s`, active)
	if st.Previous != "" {
		previous, err := json.Marshal(st.Previous)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, `,"previous":%s`, previous)
	}
	b.WriteString(`,"sessions":[`)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		b.WriteString(c.sessions.enc[k].json)
	}
	b.WriteString("\n],\"keyPairs\":[")
	for i, pub := range pubs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		b.WriteString(c.keyPairs.enc[pub].json)
	}
	b.WriteString("\n]}\n")
	return nil
}

// readsBack refuses a session whose strings JSON would not keep as they
// are: text that is not UTF-8 is written as U+FFFD, so two such session
// keys would read back as one, and tkauth would refuse its own file.
func readsBack(s *session.Session) error {
	for _, f := range []string{s.Key, s.Token, s.PublicKey, s.UserID, s.OrganizationID, s.SessionProfileID, s.Scope, string(s.Type), s.APIBaseURL} {
		if !utf8.ValidString(f) {
			return fmt.Errorf("not writing the session file: session %s holds text that is not UTF-8, which the file cannot keep as it is", strconv.QuoteToASCII(s.Key))
		}
	}
	return nil
}

// Decode parses a session file. It returns an error wrapping ErrCorrupt or
// ErrNewerVersion for a file it cannot take as it is.
func Decode(data []byte) (*session.State, error) {
	st, _, err := decodeSome(bytes.NewReader(data), int64(len(data)), false)
	return st, err
}

// decodeSome decodes the session file r, of size bytes. A file laid out
// as encode writes it is read a line at a time (decodeLines): with
// tokens, read whole, and the encodings of what it holds are returned
// too; without (File.Listing), as it is read, each token dropped at once,
// holding no more than the state. Any other is walked as JSON, and when
// that fails, read again for its version alone, to tell a newer format
// from a corrupt one.
func decodeSome(r io.ReadSeeker, size int64, noTokens bool) (*session.State, *encCache, error) {
	if noTokens {
		if st, err := decodeLinesFrom(r, size); err == nil {
			return st, nil, nil
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		st, err := decodeWalk(r, true)
		return st, nil, err
	}
	// Read into the one string every session's text is cut from.
	var b strings.Builder
	b.Grow(int(min(size, MaxFileSize)) + 1)
	if _, err := io.Copy(&b, r); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	data := b.String()
	if st, cache, err := decodeLines(data); err == nil {
		return st, cache, nil
	}
	st, err := decodeWalk(strings.NewReader(data), false)
	return st, nil, err
}

// decodeWalk decodes a session file with walk.
func decodeWalk(r io.ReadSeeker, noTokens bool) (*session.State, error) {
	st, version, err := walk(json.NewDecoder(bufio.NewReaderSize(r, 64<<10)), noTokens)
	if err != nil && version <= FormatVersion {
		var probe struct {
			Version int `json:"version"`
		}
		if _, serr := r.Seek(0, io.SeekStart); serr == nil && json.NewDecoder(r).Decode(&probe) == nil {
			version = probe.Version
		}
	}
	switch {
	case version > FormatVersion:
		return nil, fmt.Errorf("%w (format version %d; this tkauth reads up to %d): upgrade tkauth", ErrNewerVersion, version, FormatVersion)
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	case version == 0:
		return nil, fmt.Errorf("%w: no format version", ErrCorrupt)
	case version < 1:
		return nil, fmt.Errorf("%w: format version %d", ErrCorrupt, version)
	}
	return st, nil
}

// walk reads the file's top-level object field by field. It stops at a
// version newer than FormatVersion, before any session.
func walk(dec *json.Decoder, noTokens bool) (*session.State, int, error) {
	st := session.NewState()
	version := 0
	if err := expect(dec, '{'); err != nil {
		return nil, 0, err
	}
	var active, previous string
	var keyPairs []fileKeyPair
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, version, err
		}
		switch tok {
		case "version":
			if err := dec.Decode(&version); err != nil {
				return nil, version, err
			}
			if version > FormatVersion {
				return nil, version, nil
			}
		case "active":
			err = dec.Decode(&active)
		case "previous":
			err = dec.Decode(&previous)
		case "sessions":
			err = walkSessions(dec, st, noTokens)
		case "keyPairs":
			err = dec.Decode(&keyPairs)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, version, err
		}
	}
	if err := expect(dec, '}'); err != nil {
		return nil, version, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, version, errors.New("data after the end of the file's JSON object")
	}
	if err := finish(st, active, previous, keyPairs); err != nil {
		return nil, version, err
	}
	return st, version, nil
}

func expect(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("want %q, found %v", d, tok)
	}
	return nil
}

// walkSessions decodes the sessions array into st, one at a time, without
// their tokens if noTokens.
func walkSessions(dec *json.Decoder, st *session.State, noTokens bool) error {
	if err := expect(dec, '['); err != nil {
		return err
	}
	for i := 0; dec.More(); i++ {
		var fs fileSession
		if err := dec.Decode(&fs); err != nil {
			return err
		}
		if fs.SessionKey == "" || fs.Token == "" || fs.PublicKey == "" {
			return fmt.Errorf("session %d lacks its key, token or public key", i)
		}
		if _, dup := st.Sessions[fs.SessionKey]; dup {
			return fmt.Errorf("session key %q appears twice", fs.SessionKey)
		}
		if noTokens {
			fs.Token = ""
		}
		st.Sessions[fs.SessionKey] = fs.session()
	}
	return expect(dec, ']')
}

// finish adds the key pairs and the active session to st, checking them.
func finish(st *session.State, active, previous string, keyPairs []fileKeyPair) error {
	for i, kp := range keyPairs {
		if kp.PublicKey == "" {
			return fmt.Errorf("key pair %d lacks its public key", i)
		}
		if _, dup := st.KeyPairs[kp.PublicKey]; dup {
			return fmt.Errorf("key pair %s appears twice", kp.PublicKey)
		}
		st.KeyPairs[kp.PublicKey] = kp.keyPair()
	}
	if active != "" {
		if _, ok := st.Sessions[active]; !ok {
			return fmt.Errorf("active session %q is not stored", active)
		}
	}
	st.Active = active
	if _, ok := st.Sessions[previous]; ok {
		st.Previous = previous // else it was logged out: no way back
	}
	return nil
}

// genField starts the generation stamp in the file's header.
const genField = `,"gen":"`

// readGen returns the generation stamp in the file's first bytes, or "".
func readGen(file *os.File) string {
	head := make([]byte, 64)
	n, _ := file.ReadAt(head, 0)
	_, rest, ok := bytes.Cut(head[:n], []byte(genField))
	if !ok || len(rest) < 17 || rest[16] != '"' {
		return ""
	}
	return string(rest[:16])
}
