package turnkeytest

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/tkauth/tkauth/turnkey/internal/wire"
)

// MsgScopeDenied is the fake's words for a request a session's scope
// refuses, with gRPC code 7 (PermissionDenied). Turnkey's own words are
// not published; its code is (tkhq/sdk#1522).
const MsgScopeDenied = "request denied by the session's scope"

// MsgPolicyDenied is the fake's words for a request a policy denies
// (Deny), with code 7.
const MsgPolicyDenied = "request denied by policy"

// activityFacts is what a scope may ask of a request: the activity's
// type, and its resource and action as Turnkey's policy language names
// them (docs features/policies/language.mdx, "Activity types by resource
// and action"). A query is no activity: every field is "".
type activityFacts struct{ typ, resource, action string }

// facts are the resource and action of the activities the fake serves.
var facts = map[wire.ActivityType][2]string{
	wire.ActivityTypeStampLogin:    {"AUTH", "CREATE"},
	wire.ActivityTypeOTPLoginV2:    {"AUTH", "CREATE"},
	wire.ActivityTypeDeleteAPIKeys: {"CREDENTIAL", "DELETE"},
	wire.ActivityTypeInitOTPV3:     {"OTP", "CREATE"},
	wire.ActivityTypeVerifyOTPV2:   {"OTP", "VERIFY"},
}

func factsOf(typ wire.ActivityType) activityFacts {
	if typ == "" {
		return activityFacts{}
	}
	f := facts[typ]
	return activityFacts{typ: string(typ), resource: f[0], action: f[1]}
}

// scope is a parsed scope: the part of Turnkey's policy language that
// speaks of the activity (true, false, activity.type / .resource /
// .action compared with == or != to a quoted string, or "in" a list of
// them, joined by &&, || and !, in parentheses).
type scope func(activityFacts) bool

// parseScope parses src; an expression the fake cannot read is an error.
func parseScope(src string) (scope, error) {
	p := &scopeParser{toks: tokenize(src)}
	e, err := p.or()
	if err == nil && p.i < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	if err != nil {
		return nil, fmt.Errorf("turnkeytest: scope %q: %w", src, err)
	}
	return e, nil
}

func tokenize(src string) []string {
	var out []string
	r := []rune(src)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(r) && r[j] != c {
				j++
			}
			out = append(out, string(r[i:min(j+1, len(r))]))
			i = j + 1
		case strings.ContainsRune("()[],", c):
			out = append(out, string(c))
			i++
		case strings.ContainsRune("=!&|", c):
			j := i + 1
			if j < len(r) && strings.ContainsRune("=&|", r[j]) {
				j++
			}
			out = append(out, string(r[i:j]))
			i = j
		default:
			j := i
			for j < len(r) && (unicode.IsLetter(r[j]) || unicode.IsDigit(r[j]) || r[j] == '_' || r[j] == '.') {
				j++
			}
			if j == i {
				j++
			}
			out = append(out, string(r[i:j]))
			i = j
		}
	}
	return out
}

type scopeParser struct {
	toks []string
	i    int
}

func (p *scopeParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *scopeParser) next() string { t := p.peek(); p.i++; return t }

func (p *scopeParser) or() (scope, error) {
	l, err := p.and()
	for err == nil && p.peek() == "||" {
		p.next()
		var r scope
		if r, err = p.and(); err == nil {
			a, b := l, r
			l = func(f activityFacts) bool { return a(f) || b(f) }
		}
	}
	return l, err
}

func (p *scopeParser) and() (scope, error) {
	l, err := p.unary()
	for err == nil && p.peek() == "&&" {
		p.next()
		var r scope
		if r, err = p.unary(); err == nil {
			a, b := l, r
			l = func(f activityFacts) bool { return a(f) && b(f) }
		}
	}
	return l, err
}

func (p *scopeParser) unary() (scope, error) {
	switch t := p.next(); t {
	case "!":
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(f activityFacts) bool { return !e(f) }, nil
	case "(":
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return e, nil
	case "true", "false":
		v := t == "true"
		return func(activityFacts) bool { return v }, nil
	case "activity.type", "activity.resource", "activity.action":
		field := func(f activityFacts) string {
			switch t {
			case "activity.type":
				return f.typ
			case "activity.resource":
				return f.resource
			}
			return f.action
		}
		switch op := p.next(); op {
		case "==", "!=":
			v, err := p.str()
			if err != nil {
				return nil, err
			}
			eq := op == "=="
			return func(f activityFacts) bool { return (field(f) == v) == eq }, nil
		case "in":
			if p.next() != "[" {
				return nil, fmt.Errorf("in wants a list")
			}
			var list []string
			for p.peek() != "]" {
				v, err := p.str()
				if err != nil {
					return nil, err
				}
				list = append(list, v)
				if p.peek() == "," {
					p.next()
				}
			}
			p.next()
			return func(f activityFacts) bool {
				for _, v := range list {
					if field(f) == v {
						return true
					}
				}
				return false
			}, nil
		default:
			return nil, fmt.Errorf("unexpected %q after %s", op, t)
		}
	default:
		return nil, fmt.Errorf("unexpected %q", t)
	}
}

func (p *scopeParser) str() (string, error) {
	t := p.next()
	if len(t) < 2 || (t[0] != '\'' && t[0] != '"') || t[len(t)-1] != t[0] {
		return "", fmt.Errorf("want a quoted string, not %q", t)
	}
	return t[1 : len(t)-1], nil
}
