// Command genwire writes, from Turnkey's API specs (the copies in
// turnkey/spec), turnkey/paths.go (every endpoint of the public API and,
// for an activity, its type, which tkauth api fills in when missing) and
// turnkey/internal/wire (the paths, enums and request and answer structs
// of the endpoints tkauth calls, and of nothing else). Each file records
// the specs' SHA-256. go generate ./turnkey runs it.
//
//	go run ./scripts/genwire -api API.json -proxy PROXY.json -paths paths.go -wire wire.go
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"os"
	"slices"
	"strings"
	"unicode"
)

// The endpoints tkauth calls: their request and answer definitions, and
// what those refer to, are generated.
var (
	apiPaths = []string{
		"/public/v1/submit/stamp_login",
		"/public/v1/submit/delete_api_keys",
		"/public/v1/submit/approve_activity",
		"/public/v1/submit/reject_activity",
		"/public/v1/submit/init_otp",
		"/public/v1/submit/verify_otp",
		"/public/v1/submit/otp_login",
		"/public/v1/query/get_activity",
		"/public/v1/query/whoami",
		"/public/v1/query/get_api_keys",
		"/public/v1/query/get_mfa_status",
		"/public/v1/query/list_verified_suborgs",
	}
	proxyPaths = []string{
		"/v1/wallet_kit_config",
		"/v1/otp_init_v2",
		"/v1/otp_verify_v2",
		"/v1/account",
		"/v1/oauth2_authenticate",
	}
	// More definitions: an error answer's body.
	apiExtra = []string{"Status"}
)

// keep names the properties generated of a definition that holds more
// than tkauth reads or sends; the others are generated whole.
var keep = map[string][]string{
	// intent is left out: a union of every activity's parameters.
	"Activity": {"id", "organizationId", "status", "type", "result", "failure", "fingerprint", "votes", "canApprove", "canReject", "createdAt", "updatedAt"},
	// user is left out: a whole User.
	"Vote":                        {"id", "userId", "activityId", "selection", "message", "publicKey", "signature", "scheme", "createdAt"},
	"Result":                      {"stampLoginResult", "deleteApiKeysResult", "initOtpResultV2", "verifyOtpResult", "otpLoginResult"},
	"InitOtpIntentV3":             {"otpType", "contact", "appName", "otpLength", "alphanumeric", "expirationSeconds"},
	"GetVerifiedSubOrgIdsRequest": {"organizationId", "filterType", "filterValue"},
	"Status":                      {"code", "message"},
	"AuthenticationMethod":        {"type"},
	"GetWalletKitConfigResponse":  {"organizationId", "otpLength", "otpAlphanumeric", "sessionExpirationSeconds", "enabledProviders", "oauthClientIds", "oauthRedirectUrl"},
	"GetAccountRequest":           {"filterType", "filterValue"},
	"InitOtpV2Request":            {"otpType", "contact"},
}

// skip is a property of every activity request that tkauth never sends.
const skip = "generateAppProofs"

// keepValues names the values generated of an enum; the others are
// generated whole.
var keepValues = map[string][]string{
	"ActivityType": {"ACTIVITY_TYPE_STAMP_LOGIN", "ACTIVITY_TYPE_DELETE_API_KEYS", "ACTIVITY_TYPE_INIT_OTP_V3", "ACTIVITY_TYPE_VERIFY_OTP_V2", "ACTIVITY_TYPE_OTP_LOGIN_V2", "ACTIVITY_TYPE_APPROVE_ACTIVITY", "ACTIVITY_TYPE_REJECT_ACTIVITY"},
}

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Enum                 []string           `json:"enum"`
	Items                *schema            `json:"items"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	Nullable             bool               `json:"x-nullable"`
	Description          string             `json:"description"`
	AdditionalProperties *schema            `json:"additionalProperties"`
}

type spec struct {
	Info struct {
		Title, Version string
	} `json:"info"`
	Paths map[string]struct {
		Post struct {
			Parameters []struct {
				Schema schema `json:"schema"`
			} `json:"parameters"`
			Responses map[string]struct {
				Schema schema `json:"schema"`
			} `json:"responses"`
		} `json:"post"`
	} `json:"paths"`
	Definitions map[string]*schema `json:"definitions"`

	raw  []byte
	file string
}

func main() {
	apiFile := flag.String("api", "", "the swagger JSON of Turnkey's public API")
	proxyFile := flag.String("proxy", "", "the swagger JSON of Turnkey's Auth Proxy")
	pathsOut := flag.String("paths", "", "where to write the public API's paths")
	wireOut := flag.String("wire", "", "where to write the wire types")
	flag.Parse()
	api, err := load(*apiFile)
	check(err)
	proxy, err := load(*proxyFile)
	check(err)
	check(write(*pathsOut, pathsFile(api)))
	src, err := wireFile(api, proxy)
	check(err)
	check(write(*wireOut, src))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "genwire:", err)
		os.Exit(1)
	}
}

func load(file string) (*spec, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s := &spec{raw: data, file: file[strings.LastIndex(file, "/")+1:]}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

func write(file string, src []byte) error {
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, out, 0o644)
}

func (s *spec) origin() string {
	return fmt.Sprintf("%s (%q version %s, SHA-256 %x)", s.file, s.Info.Title, s.Info.Version, sha256.Sum256(s.raw))
}

func header(b *bytes.Buffer, specs ...*spec) {
	fmt.Fprintln(b, "// Code generated by scripts/genwire from Turnkey's API specs; DO NOT EDIT.")
	for _, s := range specs {
		fmt.Fprintf(b, "// Spec: turnkey/spec/%s.\n", s.origin())
	}
	fmt.Fprintln(b)
}

// pathsFile is turnkey/paths.go: every path of the public API.
func pathsFile(api *spec) []byte {
	var paths []string
	for p := range api.Paths {
		if strings.HasPrefix(p, "/public/") {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var b bytes.Buffer
	header(&b, api)
	fmt.Fprintln(&b, "package turnkey")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "import \"sync\"")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "// Paths returns the endpoints of Turnkey's public API; an activity's maps")
	fmt.Fprintln(&b, "// to its type, a query's to \"\". The map is made when first asked for.")
	fmt.Fprintln(&b, "var Paths = sync.OnceValue(func() map[string]string {")
	fmt.Fprintln(&b, "return map[string]string{")
	for _, p := range paths {
		fmt.Fprintf(&b, "\t%q: %q,\n", p, api.activityType(p))
	}
	fmt.Fprintln(&b, "}")
	fmt.Fprintln(&b, "})")
	return b.Bytes()
}

// activityType is the type an activity's path takes, "" for a query.
func (s *spec) activityType(path string) string {
	if params := s.Paths[path].Post.Parameters; len(params) > 0 {
		def := s.Definitions[refName(params[0].Schema.Ref)]
		if def != nil && def.Properties["type"] != nil && len(def.Properties["type"].Enum) == 1 {
			return def.Properties["type"].Enum[0]
		}
	}
	return ""
}

func refName(ref string) string { return strings.TrimPrefix(ref, "#/definitions/") }

// gen writes the definitions of one spec reachable from its roots.
type gen struct {
	s       *spec
	prefix  string          // of Go names, so the two specs' never meet
	done    map[string]bool // definitions written or on their way
	queue   []string
	structs bytes.Buffer
	enums   bytes.Buffer
}

func wireFile(api, proxy *spec) ([]byte, error) {
	var b bytes.Buffer
	header(&b, api, proxy)
	fmt.Fprintln(&b, "// Package wire is Turnkey's wire format as tkauth's client and its test")
	fmt.Fprintln(&b, "// server both speak it: the paths, enums, requests and answers of the")
	fmt.Fprintln(&b, "// endpoints tkauth calls, generated from Turnkey's specs (this file);")
	fmt.Fprintln(&b, "// and the formats the specs leave out, from Turnkey's SDKs (formats.go).")
	fmt.Fprintln(&b, "package wire")
	fmt.Fprintln(&b)

	fmt.Fprintln(&b, "// The public API's endpoints tkauth calls.")
	fmt.Fprintln(&b, "const (")
	for _, p := range apiPaths {
		if _, ok := api.Paths[p]; !ok {
			return nil, fmt.Errorf("%s: no path %s", api.file, p)
		}
		fmt.Fprintf(&b, "Path%s = %q\n", goName(p[strings.LastIndex(p, "/")+1:]), p)
	}
	fmt.Fprintln(&b, ")")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "// The Auth Proxy's endpoints tkauth calls.")
	fmt.Fprintln(&b, "const (")
	for _, p := range proxyPaths {
		if _, ok := proxy.Paths[p]; !ok {
			return nil, fmt.Errorf("%s: no path %s", proxy.file, p)
		}
		fmt.Fprintf(&b, "ProxyPath%s = %q\n", goName(p[strings.LastIndex(p, "/")+1:]), p)
	}
	fmt.Fprintln(&b, ")")
	fmt.Fprintln(&b)

	fmt.Fprintln(&b, "// ActivityTypeOf is the type an activity posted to path must carry;")
	fmt.Fprintln(&b, "// false for a path that is not an activity's.")
	fmt.Fprintln(&b, "func ActivityTypeOf(path string) (ActivityType, bool) {")
	fmt.Fprintln(&b, "switch path {")
	for _, p := range apiPaths {
		if t := api.activityType(p); t != "" {
			if !slices.Contains(keepValues["ActivityType"], t) {
				return nil, fmt.Errorf("%s: %s's type %s is not among ActivityType's kept values", api.file, p, t)
			}
			fmt.Fprintf(&b, "case Path%s: return %s, true\n", goName(p[strings.LastIndex(p, "/")+1:]), goName(t))
		}
	}
	fmt.Fprintln(&b, "}")
	fmt.Fprintln(&b, "return \"\", false")
	fmt.Fprintln(&b, "}")
	fmt.Fprintln(&b)

	for _, g := range []struct {
		s      *spec
		prefix string
		paths  []string
		extra  []string
	}{{api, "", apiPaths, apiExtra}, {proxy, "Proxy", proxyPaths, nil}} {
		w := &gen{s: g.s, prefix: g.prefix, done: map[string]bool{}}
		for _, p := range g.paths {
			post := g.s.Paths[p].Post
			w.use(refName(post.Parameters[0].Schema.Ref))
			w.use(refName(post.Responses["200"].Schema.Ref))
		}
		for _, d := range g.extra {
			w.use(d)
		}
		if err := w.run(); err != nil {
			return nil, err
		}
		b.Write(w.enums.Bytes())
		b.Write(w.structs.Bytes())
	}
	return b.Bytes(), nil
}

func (w *gen) use(name string) {
	if !w.done[name] {
		w.done[name] = true
		w.queue = append(w.queue, name)
	}
}

// run writes the queued definitions and what they refer to, in the order
// of their Go names.
func (w *gen) run() error {
	var names []string
	for len(w.queue) > 0 {
		name := w.queue[0]
		w.queue = w.queue[1:]
		names = append(names, name)
		d := w.s.Definitions[name]
		if d == nil {
			return fmt.Errorf("%s: no definition %s", w.s.file, name)
		}
		for _, p := range w.props(name, d) {
			if r := d.Properties[p]; r.Ref != "" {
				w.use(refName(r.Ref))
			} else if r.Items != nil && r.Items.Ref != "" {
				w.use(refName(r.Items.Ref))
			}
		}
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(w.typeName(a), w.typeName(b)) })
	for _, name := range names {
		d := w.s.Definitions[name]
		if len(d.Enum) > 0 {
			if err := w.enum(name, d); err != nil {
				return err
			}
			continue
		}
		if err := w.object(name, d); err != nil {
			return err
		}
	}
	return nil
}

// props are the properties of d generated, in the spec's order by name.
func (w *gen) props(name string, d *schema) []string {
	var out []string
	for p := range d.Properties {
		if p == skip {
			continue
		}
		if k, ok := keep[name]; ok && !slices.Contains(k, p) {
			continue
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func (w *gen) typeName(def string) string {
	return w.prefix + goName(def[strings.LastIndex(def, ".")+1:])
}

// comment writes the first line of a description; for a type, after
// the name it has in the spec.
func comment(b *bytes.Buffer, name, def, desc string) {
	desc, _, _ = strings.Cut(strings.TrimSpace(desc), "\n")
	if name != "" {
		fmt.Fprintf(b, "// %s is the spec's %s.\n", name, def)
		if desc != "" {
			fmt.Fprintln(b, "//")
		}
	}
	if desc != "" {
		fmt.Fprintf(b, "// %s\n", desc)
	}
}

func (w *gen) enum(name string, d *schema) error {
	values := d.Enum
	if k, ok := keepValues[name]; ok {
		for _, v := range k {
			if !slices.Contains(d.Enum, v) {
				return fmt.Errorf("%s: %s has no value %s", w.s.file, name, v)
			}
		}
		values = k
	}
	t := w.typeName(name)
	b := &w.enums
	comment(b, t, name, d.Description)
	fmt.Fprintf(b, "type %s string\n\n", t)
	fmt.Fprintf(b, "// Values of %s.\n", t)
	fmt.Fprintln(b, "const (")
	for _, v := range values {
		fmt.Fprintf(b, "%s %s = %q\n", goName(v), t, v)
	}
	fmt.Fprintln(b, ")")
	fmt.Fprintln(b)
	return nil
}

func (w *gen) object(name string, d *schema) error {
	t := w.typeName(name)
	b := &w.structs
	comment(b, t, name, d.Description)
	fmt.Fprintf(b, "type %s struct {\n", t)
	for _, p := range w.props(name, d) {
		ps := d.Properties[p]
		required := slices.Contains(d.Required, p) && !ps.Nullable
		typ, err := w.goType(name, p, ps, required)
		if err != nil {
			return err
		}
		tag := p
		if !required {
			tag += ",omitempty"
		}
		comment(b, "", "", ps.Description)
		fmt.Fprintf(b, "%s %s `json:%q`\n", goName(p), typ, tag)
	}
	fmt.Fprintln(b, "}")
	fmt.Fprintln(b)
	return nil
}

// goType is the Go type of property p of definition def: a value when
// required; when optional, a pointer for what has a meaningful zero (a
// boolean, a number, an object), the zero value for the rest.
func (w *gen) goType(def, p string, ps *schema, required bool) (string, error) {
	opt := func(t string) string {
		if required {
			return t
		}
		return "*" + t
	}
	switch {
	case ps.Ref != "":
		target := w.s.Definitions[refName(ps.Ref)]
		if target != nil && len(target.Enum) > 0 {
			return w.typeName(refName(ps.Ref)), nil
		}
		return opt(w.typeName(refName(ps.Ref))), nil
	case ps.Type == "array" && ps.Items != nil:
		t, err := w.goType(def, p, ps.Items, true)
		return "[]" + t, err
	case ps.Type == "string" && len(ps.Enum) > 0 && strings.HasPrefix(ps.Enum[0], "ACTIVITY_TYPE_"):
		return "ActivityType", nil
	case ps.Type == "string":
		return "string", nil
	case ps.Type == "boolean":
		return opt("bool"), nil
	case ps.Type == "integer" && ps.Format == "int32":
		return opt("int32"), nil
	case ps.Type == "object" && ps.AdditionalProperties != nil && ps.AdditionalProperties.Type == "string":
		return "map[string]string", nil
	}
	return "", fmt.Errorf("%s: %s.%s: no Go type for %+v", w.s.file, def, p, *ps)
}

// initialisms are spelled as Go spells them.
var initialisms = map[string]string{"Id": "ID", "Ids": "IDs", "Api": "API", "Otp": "OTP", "Sms": "SMS", "Url": "URL", "Mfa": "MFA", "Oauth": "OAuth"}

// goName turns a camelCase name, a snake_case path segment or an
// UPPER_CASE enum value into an exported Go name.
func goName(s string) string {
	var words []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' || r == '@' }) {
		if strings.ToUpper(part) == part {
			words = append(words, strings.ToUpper(part[:1])+strings.ToLower(part[1:]))
			continue
		}
		start := 0
		for i, r := range part {
			if i > start && unicode.IsUpper(r) {
				words = append(words, part[start:i])
				start = i
			}
		}
		words = append(words, part[start:])
	}
	var b strings.Builder
	for _, w := range words {
		w = strings.ToUpper(w[:1]) + w[1:]
		if i, ok := initialisms[w]; ok {
			w = i
		}
		b.WriteString(w)
	}
	return b.String()
}
