package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
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

// The on-disk form: one JSON object, fileState, written one session and
// one key pair a line so that the file diffs well. Field names match
// Turnkey's Session type where one exists; expiry is Unix seconds, as in
// the JWT.
type fileState struct {
	Version  int           `json:"version"`
	Active   string        `json:"active"`
	Previous string        `json:"previous,omitempty"`
	Sessions []fileSession `json:"sessions"`
	KeyPairs []fileKeyPair `json:"keyPairs"`
	// AuthProxies came after version 1 without a new version, as
	// "previous" did: an older tkauth reads the file and ignores them
	// (writing the file, it forgets them, which costs only the offer).
	AuthProxies []fileAuthProxy `json:"authProxies,omitempty"`
	// Gen is the generation older tkauth wrote in the file, which its
	// logout notes name (oldnote.go); it is read, not written.
	Gen string `json:"gen,omitempty"`
}

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
	TestSigned       bool      `json:"testSigned,omitempty"`
	StoredAt         time.Time `json:"storedAt"`
	APIBaseURL       string    `json:"apiBaseUrl,omitempty"`
	OrganizationName string    `json:"organizationName,omitempty"`
	Username         string    `json:"username,omitempty"`
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
		Verified:         fs.Verified,
		TestSigned:       fs.TestSigned,
		StoredAt:         fs.StoredAt,
		APIBaseURL:       fs.APIBaseURL,
		OrganizationName: fs.OrganizationName,
		Username:         fs.Username,
	}
}

// fileAuthProxy is an Auth Proxy configuration a code login went through.
type fileAuthProxy struct {
	ConfigID string    `json:"configId"`
	URL      string    `json:"url,omitempty"`
	UsedAt   time.Time `json:"usedAt"`
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
	active, err := json.Marshal(st.Active)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, `{"version":%d,"active":%s`, FormatVersion, active)
	if st.Previous != "" {
		previous, err := json.Marshal(st.Previous)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, `,"previous":%s`, previous)
	}
	b.WriteString(`,"sessions":[`)
	if err := writeArray(&b, st.Sessions, marshalSession); err != nil {
		return nil, err
	}
	b.WriteString("\n],\"keyPairs\":[")
	if err := writeArray(&b, st.KeyPairs, marshalKeyPair); err != nil {
		return nil, err
	}
	b.WriteString("\n]")
	if len(st.AuthProxies) > 0 {
		b.WriteString(`,"authProxies":[`)
		for i, c := range st.AuthProxies {
			line, err := json.Marshal(fileAuthProxy{ConfigID: c.ID, URL: c.URL, UsedAt: c.UsedAt})
			if err != nil {
				return nil, err
			}
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
			b.Write(line)
		}
		b.WriteString("\n]")
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// writeArray writes the elements of a JSON array, m's values in the order
// of their keys, each on a line of its own.
func writeArray[V any](b *bytes.Buffer, m map[string]V, marshal func(V) ([]byte, error)) error {
	for i, k := range slices.Sorted(maps.Keys(m)) {
		line, err := marshal(m[k])
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		b.Write(line)
	}
	return nil
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
		TestSigned:       s.TestSigned,
		StoredAt:         s.StoredAt,
		APIBaseURL:       s.APIBaseURL,
		OrganizationName: s.OrganizationName,
		Username:         s.Username,
	})
}

func marshalKeyPair(kp session.KeyPair) ([]byte, error) {
	return json.Marshal(fileKeyPair{PublicKey: kp.PublicKey, KeyStore: kp.KeyStore, CreatedAt: kp.CreatedAt, Deleting: kp.Deleting, Unclaimed: kp.Unclaimed})
}

// readsBack refuses a session whose strings JSON would not keep as they
// are: text that is not UTF-8 is written as U+FFFD, so two such session
// keys would read back as one, and tkauth would refuse its own file.
func readsBack(s *session.Session) error {
	for _, f := range []string{s.Key, s.Token, s.PublicKey, s.UserID, s.OrganizationID, s.SessionProfileID, s.Scope, string(s.Type), s.APIBaseURL, s.OrganizationName, s.Username} {
		if !utf8.ValidString(f) {
			return fmt.Errorf("not writing the session file: session %s holds text that is not UTF-8, which the file cannot keep as it is", strconv.QuoteToASCII(s.Key))
		}
	}
	return nil
}

// Decode parses a session file. It returns an error wrapping ErrCorrupt or
// ErrNewerVersion for a file it cannot take as it is.
func Decode(data []byte) (*session.State, error) {
	st, _, err := decode(data)
	return st, err
}

// decode is Decode, returning too the generation an older tkauth wrote in
// the file, if any. A file that does not decode is read again for its
// version alone, to tell a newer format from a corrupt one.
func decode(data []byte) (*session.State, string, error) {
	var fst fileState
	err := json.Unmarshal(data, &fst)
	if err != nil {
		var probe struct {
			Version int `json:"version"`
		}
		if json.Unmarshal(data, &probe) == nil {
			fst.Version = probe.Version
		}
	}
	switch {
	case fst.Version > FormatVersion:
		return nil, "", fmt.Errorf("%w (format version %d; this tkauth reads up to %d): upgrade tkauth", ErrNewerVersion, fst.Version, FormatVersion)
	case err != nil:
		return nil, "", fmt.Errorf("%w: %v", ErrCorrupt, err)
	case fst.Version == 0:
		return nil, "", fmt.Errorf("%w: no format version", ErrCorrupt)
	case fst.Version < 1:
		return nil, "", fmt.Errorf("%w: format version %d", ErrCorrupt, fst.Version)
	}
	st := session.NewState()
	for i, fs := range fst.Sessions {
		if fs.SessionKey == "" || fs.Token == "" || fs.PublicKey == "" {
			return nil, "", fmt.Errorf("%w: session %d lacks its key, token or public key", ErrCorrupt, i)
		}
		if _, dup := st.Sessions[fs.SessionKey]; dup {
			return nil, "", fmt.Errorf("%w: session key %q appears twice", ErrCorrupt, fs.SessionKey)
		}
		st.Sessions[fs.SessionKey] = fs.session()
	}
	if err := finish(st, fst.Active, fst.Previous, fst.KeyPairs); err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	st.AuthProxies = authProxies(fst.AuthProxies)
	return st, fst.Gen, nil
}

// authProxies are the configurations remembered, in the file's order
// (most recently used first): one with no ID, or one already listed, is
// dropped, as a "previous" pointing nowhere is; they are an offer, not
// something a session needs.
func authProxies(in []fileAuthProxy) []session.AuthProxyConfig {
	var out []session.AuthProxyConfig
	for _, c := range in {
		dup := slices.ContainsFunc(out, func(o session.AuthProxyConfig) bool { return o.ID == c.ConfigID && o.URL == c.URL })
		if c.ConfigID == "" || dup || len(out) == session.MaxAuthProxies {
			continue
		}
		out = append(out, session.AuthProxyConfig{ID: c.ConfigID, URL: c.URL, UsedAt: c.UsedAt})
	}
	return out
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
