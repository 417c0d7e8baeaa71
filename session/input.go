package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxKeyLength is the most characters a session key may have.
const MaxKeyLength = 128

// ErrInvalidKey is wrapped by CheckKey's errors.
var ErrInvalidKey = errors.New("invalid session key")

// CheckKey accepts a session key that prints as itself: UTF-8 text of at
// most MaxKeyLength characters, none of them Invisible. A key that is not
// UTF-8 would be changed by the store's encoding (two such keys can become
// one); one with controls could not be typed to log it out; one with a
// character that shows as nothing would look like another.
func CheckKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: it is empty", ErrInvalidKey)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: it is not UTF-8 text", ErrInvalidKey)
	case utf8.RuneCountInString(key) > MaxKeyLength:
		return fmt.Errorf("%w: it has %d characters; the most is %d", ErrInvalidKey, utf8.RuneCountInString(key), MaxKeyLength)
	}
	for i, r := range key {
		if Invisible(r) {
			return fmt.Errorf("%w: it has the control or invisible character %U at byte %d", ErrInvalidKey, r, i+1)
		}
	}
	return nil
}

// Invisible reports whether r drives a terminal or shows as nothing, or
// as a space that is not one: control and format characters (bidirectional
// overrides, joiners, the soft hyphen, tags), Unicode's other default
// ignorable code points and variation selectors, and every separator but
// the space. Two keys that differ only by such characters look the same.
func Invisible(r rune) bool {
	switch {
	case r == ' ':
		return false
	case unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector, unicode.Z):
		return true
	}
	return false
}

// Pasted returns the bare token in what a person pasted or piped in: the
// token itself, with white space around it, or broken over lines as a
// screen wrapped it; after "Bearer "; as a JSON string; or in a JSON
// object, under "token" or "session" (as Turnkey's answers and storage
// hold it). Anything else is refused, saying what was
// found, so that nothing but a token is ever stored.
func Pasted(input string) (string, error) {
	s := strings.TrimSpace(input)
	switch {
	case s == "":
		return "", fmt.Errorf("%w: no token was given (the input was empty)", ErrMalformedToken)
	case len(s) > MaxTokenSize:
		return "", fmt.Errorf("%w: %d bytes is larger than the %d a session token can be", ErrMalformedToken, len(s), MaxTokenSize)
	case strings.HasPrefix(s, `"`):
		var tok string
		if err := json.Unmarshal([]byte(s), &tok); err != nil {
			return "", fmt.Errorf("%w: the input starts with a quote but is not a JSON string: %v", ErrMalformedToken, err)
		}
		s = strings.TrimSpace(tok)
	case strings.HasPrefix(s, "{"):
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &fields); err != nil {
			return "", fmt.Errorf("%w: the input starts with { but is not a JSON object: %v", ErrMalformedToken, err)
		}
		tok, err := tokenField(fields)
		if err != nil {
			return "", err
		}
		s = strings.TrimSpace(tok)
	case len(s) > 7 && strings.EqualFold(s[:7], "bearer "):
		s = strings.TrimSpace(s[7:])
	}
	if lines := strings.Split(s, "\n"); len(lines) > 1 {
		// A token copied from a screen that wrapped it (the TUI's t):
		// lines of token characters only, indented or not, are one token.
		var joined strings.Builder
		for _, l := range lines {
			l = strings.TrimSpace(l)
			if strings.IndexFunc(l, notTokenRune) >= 0 {
				return "", fmt.Errorf("%w: the input has %d lines, and not only a token's characters; a token is one line", ErrMalformedToken, len(lines))
			}
			joined.WriteString(l)
		}
		s = joined.String()
	}
	return s, nil
}

// tokenField is the token in a JSON object's "token" or "session" field.
func tokenField(fields map[string]json.RawMessage) (string, error) {
	var found []string
	for _, name := range []string{"token", "session"} {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		var tok string
		if err := json.Unmarshal(raw, &tok); err != nil {
			return "", fmt.Errorf("%w: the JSON object's %q field is not a string", ErrMalformedToken, name)
		}
		found = append(found, tok)
	}
	switch {
	case len(found) == 2 && found[0] != found[1]:
		return "", fmt.Errorf("%w: the JSON object has both a \"token\" and a \"session\" field, and they differ", ErrMalformedToken)
	case len(found) == 0:
		return "", fmt.Errorf("%w: the JSON object has no \"token\" or \"session\" field holding the token", ErrMalformedToken)
	}
	return found[0], nil
}
