package session

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrMalformedToken is wrapped by every error Parse returns for a token that
// is not a well-formed Turnkey session JWT.
var ErrMalformedToken = errors.New("malformed session token")

// MaxTokenSize bounds the length of a token Parse accepts. Turnkey's session
// JWTs are well under a kilobyte; anything this large is not one.
const MaxTokenSize = 64 << 10

// ProductionNotarizerKey is the uncompressed P-256 public key with which
// Turnkey's production API signs session JWTs.
const ProductionNotarizerKey = "04d498aa87ac3bf982ac2b5dd9604d0074905cfbda5d62727c5a237b895e6749205e9f7cd566909c4387f6ca25c308445c60884b788560b785f4a96ac33702a469"

// productionNotarizer is parsed on first use, not at start-up: a command
// that reads no token (tkauth current, in every prompt) does not pay it.
var productionNotarizer = sync.OnceValue(func() *ecdsa.PublicKey { return mustParseUncompressed(ProductionNotarizerKey) })

func mustParseUncompressed(h string) *ecdsa.PublicKey {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), b)
	if err != nil {
		panic(err)
	}
	return pub
}

// Type is a session's permission level, spelled as Turnkey spells it.
type Type string

// The session types Turnkey issues without a session profile; with one,
// session_type is the profile's name.
const (
	ReadWrite Type = "SESSION_TYPE_READ_WRITE"
	ReadOnly  Type = "SESSION_TYPE_READ_ONLY"
)

// String returns the short human form: "read-write", "read-only", or a
// session profile's name (not escaped).
func (t Type) String() string {
	switch t {
	case ReadWrite:
		return "read-write"
	case ReadOnly:
		return "read-only"
	}
	return string(t)
}

// Scoped reports whether t names a session profile, which scopes what the
// session may do, rather than one of Turnkey's two plain types.
func (t Type) Scoped() bool { return t != ReadWrite && t != ReadOnly }

// maxProfileName bounds a session profile's name in session_type.
const maxProfileName = 256

// Claims are the payload fields of a Turnkey session JWT that tkauth uses.
type Claims struct {
	Expiry           time.Time
	PublicKey        string // compressed P-256, hex
	Type             Type
	UserID           string
	OrganizationID   string
	SessionProfileID string // optional
	Scope            string // optional
}

// wireClaims is the JSON payload. Exp stays raw so that a quoted or
// non-numeric value is reported as such rather than silently coerced.
type wireClaims struct {
	Exp              json.RawMessage `json:"exp"`
	PublicKey        string          `json:"public_key"`
	SessionType      string          `json:"session_type"`
	UserID           string          `json:"user_id"`
	OrganizationID   string          `json:"organization_id"`
	SessionProfileID string          `json:"session_profile_id,omitempty"`
	Scope            string          `json:"scope,omitempty"`
}

// Parse decodes a Turnkey session JWT and checks its claims and its
// signature against Turnkey's production notarizer key. A token that parses
// but is not signed by that key is returned with Verified false: test setups
// sign their own tokens, and those may still be stored.
//
// The returned Session has no Key; the caller names it.
func Parse(token string) (Session, error) {
	return ParseWithNotarizer(token, productionNotarizer())
}

// ParseWithNotarizer is Parse with another notarizer key, for tests and
// non-production Turnkey deployments. A token is three parts of canonical
// base64url joined by dots: a JSON header with alg ES256, a JSON payload
// of claims, a 64-byte signature. Anything else is refused (other
// characters, a key twice, trailing data, text not UTF-8), so the token
// stored is the token checked, and safe to print. White space around it
// is dropped.
func ParseWithNotarizer(token string, notarizer *ecdsa.PublicKey) (Session, error) {
	if len(token) > MaxTokenSize {
		return Session{}, fmt.Errorf("%w: %d bytes is larger than the %d a session token can be", ErrMalformedToken, len(token), MaxTokenSize)
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return Session{}, fmt.Errorf("%w: the token is empty", ErrMalformedToken)
	}
	if i := strings.IndexFunc(token, notTokenRune); i >= 0 {
		r, _ := utf8.DecodeRuneInString(token[i:])
		return Session{}, fmt.Errorf("%w: %s at byte %d cannot be in a token, which is base64url text in three parts joined by dots", ErrMalformedToken, describeRune(r, token[i:]), i+1)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Session{}, fmt.Errorf("%w: a JWT has 3 dot-separated parts, this has %d", ErrMalformedToken, len(parts))
	}
	header, err := decodePart("header", parts[0])
	if err != nil {
		return Session{}, err
	}
	if err := checkHeader(header); err != nil {
		return Session{}, err
	}
	payload, err := decodePart("payload", parts[1])
	if err != nil {
		return Session{}, err
	}
	sig, err := decodePart("signature", parts[2])
	if err != nil {
		return Session{}, err
	}
	if len(sig) != 64 {
		return Session{}, fmt.Errorf("%w: the signature is %d bytes; an ES256 signature is 64", ErrMalformedToken, len(sig))
	}
	c, err := decodeClaims(payload)
	if err != nil {
		return Session{}, err
	}
	return Session{
		Token:    token,
		Claims:   c,
		Verified: verify(parts[0]+"."+parts[1], sig, notarizer),
	}, nil
}

// notTokenRune reports whether r cannot be in a token: anything but
// base64url's alphabet and the dots between parts.
func notTokenRune(r rune) bool {
	return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
}

// describeRune names r, found at the start of rest, safely for a terminal.
func describeRune(r rune, rest string) string {
	switch {
	case r == utf8.RuneError && !strings.HasPrefix(rest, "\uFFFD"):
		return "a byte that is not UTF-8"
	case r == ' ':
		return "a space"
	case r == '\n' || r == '\r':
		return "a line break"
	case r == '=':
		return "padding (=)"
	case r < 0x20 || r == 0x7f || !unicode.IsPrint(r):
		return fmt.Sprintf("the control character %U", r)
	}
	return strconv.QuoteRune(r)
}

// strict is base64url without padding, refusing the non-canonical forms
// (trailing bits set) that would let two strings decode alike.
var strict = base64.RawURLEncoding.Strict()

func decodePart(name, part string) ([]byte, error) {
	b, err := strict.DecodeString(part)
	if err != nil {
		return nil, fmt.Errorf("%w: the %s is not base64url: %v", ErrMalformedToken, name, err)
	}
	if name != "signature" && !utf8.Valid(b) {
		return nil, fmt.Errorf("%w: the %s is not UTF-8 text", ErrMalformedToken, name)
	}
	return b, nil
}

// checkHeader accepts a JSON object whose alg is ES256, the algorithm
// Turnkey signs sessions with, and whose typ, if any, is JWT.
func checkHeader(header []byte) error {
	if err := checkObject(header, "alg", "typ"); err != nil {
		return fmt.Errorf("%w: the header is not a JSON object: %v", ErrMalformedToken, err)
	}
	var h struct {
		Alg *string `json:"alg"`
		Typ *string `json:"typ"`
	}
	if err := json.Unmarshal(header, &h); err != nil {
		return fmt.Errorf("%w: the header: %v", ErrMalformedToken, err)
	}
	if h.Alg == nil || *h.Alg != "ES256" {
		alg := "none"
		if h.Alg != nil {
			alg = strconv.QuoteToASCII(*h.Alg)
		}
		return fmt.Errorf("%w: the header's algorithm is %s; Turnkey signs sessions with ES256", ErrMalformedToken, alg)
	}
	if h.Typ != nil && *h.Typ != "JWT" {
		return fmt.Errorf("%w: the header's type is %s, not JWT", ErrMalformedToken, strconv.QuoteToASCII(*h.Typ))
	}
	return nil
}

// checkObject accepts exactly one JSON object with no key twice at its top
// level, even in another case, and nothing after it but white space.
// encoding/json would take a repeated key's last value, match keys
// without regard to case, and ignore what follows, where JavaScript's
// JSON.parse (Turnkey's SDK) does none of these: two readers could see
// different claims in one token. For the same reason a key that is one of
// known in another case is refused.
func checkObject(data []byte, known ...string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("it does not start with {")
	}
	seen := map[string]string{} // by the key in lower case
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch first, dup := seen[strings.ToLower(key)]; {
		case dup && first == key:
			return fmt.Errorf("%s appears twice", strconv.QuoteToASCII(key))
		case dup:
			return fmt.Errorf("%s and %s differ only in case", strconv.QuoteToASCII(first), strconv.QuoteToASCII(key))
		}
		seen[strings.ToLower(key)] = key
		for _, k := range known {
			if key != k && strings.EqualFold(key, k) {
				return fmt.Errorf("%s is %s in another case", strconv.QuoteToASCII(key), strconv.QuoteToASCII(k))
			}
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("there is more after the object")
	}
	return nil
}

func decodeClaims(payload []byte) (Claims, error) {
	if err := checkObject(payload, "exp", "public_key", "session_type", "user_id", "organization_id", "session_profile_id", "scope"); err != nil {
		return Claims{}, fmt.Errorf("%w: payload is not a JSON object: %v", ErrMalformedToken, err)
	}
	var w wireClaims
	if err := json.Unmarshal(payload, &w); err != nil {
		return Claims{}, fmt.Errorf("%w: payload is not a JSON object of claims: %v", ErrMalformedToken, err)
	}
	var missing []string
	for _, f := range []struct {
		name, val string
	}{
		{"exp", string(w.Exp)},
		{"public_key", w.PublicKey},
		{"session_type", w.SessionType},
		{"user_id", w.UserID},
		{"organization_id", w.OrganizationID},
	} {
		if f.val == "" || f.val == "null" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return Claims{}, fmt.Errorf("%w: missing required claim %s", ErrMalformedToken, strings.Join(missing, ", "))
	}
	exp, err := parseExp(w.Exp)
	if err != nil {
		return Claims{}, err
	}
	if _, err := ParsePublicKey(w.PublicKey); err != nil {
		return Claims{}, fmt.Errorf("%w: public_key: %v", ErrMalformedToken, err)
	}
	// Turnkey puts a session profile's name in session_type for a scoped
	// session (its docs on session profiles; the SDK does not check it).
	t := Type(w.SessionType)
	if len(w.SessionType) > maxProfileName {
		return Claims{}, fmt.Errorf("%w: session_type is %d bytes long; a session profile's name is at most %d", ErrMalformedToken, len(w.SessionType), maxProfileName)
	}
	return Claims{
		Expiry:           exp,
		PublicKey:        strings.ToLower(w.PublicKey),
		Type:             t,
		UserID:           w.UserID,
		OrganizationID:   w.OrganizationID,
		SessionProfileID: w.SessionProfileID,
		Scope:            w.Scope,
	}, nil
}

// parseExp accepts a JSON number of seconds (RFC 7519 NumericDate, which
// may have a fraction) and nothing else.
func parseExp(raw json.RawMessage) (time.Time, error) {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<40 {
		return time.Time{}, fmt.Errorf("%w: exp is %s, not a number of seconds", ErrMalformedToken, raw)
	}
	return time.Unix(int64(f), 0).UTC(), nil
}

// ParsePublicKey decodes a compressed P-256 public key in hex (66 digits,
// prefix 02 or 03), as Turnkey writes them.
func ParsePublicKey(h string) (*ecdsa.PublicKey, error) {
	if len(h) != 66 {
		return nil, fmt.Errorf("want 66 hex digits of a compressed P-256 key, got %d characters", len(h))
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, errors.New("not hex")
	}
	if b[0] != 2 && b[0] != 3 {
		return nil, fmt.Errorf("prefix %02x is not 02 or 03 (compressed)", b[0])
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), b)
	if x == nil {
		return nil, errors.New("not a point on P-256")
	}
	full := make([]byte, 65)
	full[0] = 4
	x.FillBytes(full[1:33])
	y.FillBytes(full[33:])
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), full)
}

// verify checks the notarizer's raw r||s signature sig over
// sha256(sha256(signingInput)), the digest Turnkey signs.
func verify(signingInput string, sig []byte, notarizer *ecdsa.PublicKey) bool {
	if notarizer == nil || len(sig) != 64 {
		return false
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	return ecdsa.Verify(notarizer, digest(signingInput), r, s)
}

func digest(signingInput string) []byte {
	first := sha256.Sum256([]byte(signingInput))
	second := sha256.Sum256(first[:])
	return second[:]
}

// NewToken builds a session JWT with claims c, signed by notarizer the way
// Turnkey signs them. tkauth uses it for its demo store and tests; a token
// it makes verifies only against that notarizer, never as Turnkey's.
func NewToken(c Claims, notarizer *ecdsa.PrivateKey) (string, error) {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"ES256","typ":"JWT"}`))
	body, err := json.Marshal(wireClaims{
		Exp:              json.RawMessage(strconv.FormatInt(c.Expiry.Unix(), 10)),
		PublicKey:        c.PublicKey,
		SessionType:      string(c.Type),
		UserID:           c.UserID,
		OrganizationID:   c.OrganizationID,
		SessionProfileID: c.SessionProfileID,
		Scope:            c.Scope,
	})
	if err != nil {
		return "", err
	}
	input := header + "." + base64.RawURLEncoding.EncodeToString(body)
	r, s, err := ecdsa.Sign(rand.Reader, notarizer, digest(input))
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
