package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tkauth/tkauth/session"
)

// --template prints the --json fields through a Go template, on every
// command that has --json, as gh does; every string in it is escaped.
func TestTemplate(t *testing.T) {
	c := newCLI(t)
	if out := c.ok("list", "--template", "{{len .}}"); out != "0" {
		t.Errorf("empty list --template: %q", out)
	}
	_, _, tokA := twoSessions(t, c)

	if out := c.ok("list", "--template", `{{range .}}{{.sessionKey}} {{.active}} {{.expiry}}{{"\n"}}{{end}}`); !regexpLines(out, `^a false \d{10}$`, `^b true \d{10}$`) {
		t.Errorf("list --template:\n%s", out)
	}
	if out := c.ok("show", "a", "--token", "--template", "{{.token}}"); out != tokA {
		t.Errorf("show --token --template = %q, want the whole token", out)
	}
	if r := c.run("", false, "status", "b", "--template", "{{.usable}} {{.problems}}"); r.code != ExitFailure || !strings.HasPrefix(r.out, "false [it expired") {
		t.Errorf("status --template: exit %d %q", r.code, r.out)
	}
	pub := c.keyPair()
	if out := c.ok("keys", "list", "--template", `{{range .}}{{.publicKey}}{{end}}`); !strings.Contains(out, pub) {
		t.Errorf("keys list --template = %q", out)
	}

	// A mistyped template or field is a usage error that names the
	// fields, and prints nothing.
	for _, tmpl := range []string{"{{.sessionKey", "{{.nope}}"} {
		r := c.run("", false, "show", "a", "--template", tmpl)
		if r.code != ExitUsage || !strings.Contains(r.errOut, "--template") || !strings.Contains(r.errOut, "sessionKey, active, userId") || r.out != "" {
			t.Errorf("--template %q: exit %d\n%s%s", tmpl, r.code, r.out, r.errOut)
		}
	}

	// A claim that carries an escape sequence reaches the template
	// escaped.
	notarizer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tok, err := session.NewToken(session.Claims{Expiry: time.Now().Add(time.Hour), PublicKey: pub, Type: session.ReadWrite,
		UserID: "u\x1b]52;c;aGk=\x07", OrganizationID: "o\u202e1"}, notarizer)
	if err != nil {
		t.Fatal(err)
	}
	c.add("evil", tok)
	out := c.ok("show", "evil", "--template", "{{.userId}} {{.organizationId}}")
	if strings.ContainsAny(out, "\x1b\x07\u202e") || out != `u\x1b]52;c;aGk=\x07 o\u202e1` {
		t.Errorf("hostile claims through --template: %q", out)
	}
}

// regexpLines says whether out has one line per pattern, each matching.
func regexpLines(out string, patterns ...string) bool {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(patterns) {
		return false
	}
	for i, p := range patterns {
		if !regexp.MustCompile(p).MatchString(lines[i]) {
			return false
		}
	}
	return true
}

// --template sees every field of the --json schema, empty where the value
// has none (a session added with no API and no names), for every command
// that has it.
func TestTemplateSeesEveryField(t *testing.T) {
	c := newCLI(t)
	pub := c.keyPair()
	c.add("a", token(t, pub, time.Hour))
	every := func(fields any) string {
		var b strings.Builder
		for _, name := range jsonFieldNames(fields) {
			b.WriteString("{{." + name + "}}|")
		}
		return b.String()
	}
	for _, tt := range []struct {
		args   []string
		fields any
		list   bool
	}{
		{[]string{"list"}, jsonSession{}, true},
		{[]string{"show", "a"}, jsonSession{}, false},
		{[]string{"status", "a"}, jsonSession{}, false},
		{[]string{"keys", "list"}, jsonKeyPair{}, true},
	} {
		tmpl := every(tt.fields)
		if tt.list {
			tmpl = "{{range .}}" + tmpl + "{{end}}"
		}
		r := c.run("", false, append(tt.args, "--template", tmpl)...)
		if r.code != 0 || strings.Contains(r.out, "<no value>") || !strings.Contains(r.out, "|") {
			t.Errorf("%v --template of every field: exit %d %q %q", tt.args, r.code, r.out, r.errOut)
		}
	}
	if out := c.ok("list", "--template", "{{range .}}{{.sessionKey}}:{{.apiBaseUrl}}:{{.organizationName}}{{end}}"); out != "a::" {
		t.Errorf("fields a session lacks: %q", out)
	}
}
