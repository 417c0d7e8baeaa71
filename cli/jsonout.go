package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/tkauth/tkauth/internal/escape"
)

// jsonOutput is --json and --template, as gh has them: the schema the
// README documents, as JSON or through a Go template of its fields.
type jsonOutput struct {
	JSON     bool
	Template string
	tmpl     *template.Template
	fields   any // the struct whose JSON fields the output has, named in errors
}

// addFlags adds --json (described by what) and --template to cmd, and
// checks the template before cmd runs, so a mistyped one costs nothing.
func (o *jsonOutput) addFlags(cmd *cobra.Command, what string, fields any) {
	o.fields = fields
	cmd.Flags().BoolVar(&o.JSON, "json", false, what)
	cmd.Flags().StringVar(&o.Template, "template", "", "print the --json fields through a Go template, as {{.sessionKey}}")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if o.Template == "" {
			return nil
		}
		t, err := template.New("--template").Option("missingkey=error").Parse(o.Template)
		if err != nil {
			return usageError{fmt.Errorf("%w; the fields are %s", err, jsonFields(o.fields))}
		}
		o.tmpl = t
		return nil
	}
}

// on says whether the output is JSON (or a template of it).
func (o *jsonOutput) on() bool { return o.JSON || o.Template != "" }

// write writes v as JSON or through the template. The template sees the
// JSON's own values (maps, lists, numbers, strings), each string escaped:
// {{.sessionKey}}, {{range .}}...{{end}}.
func (o *jsonOutput) write(w io.Writer, v any) error {
	if o.tmpl == nil {
		return writeJSON(w, v)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // an expiry prints as 1767225600, not 1.7672256e+09
	var data any
	if err := dec.Decode(&data); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := o.tmpl.Execute(&b, everyField(escapeStrings(data), o.fields)); err != nil {
		return usageError{fmt.Errorf("%w; the fields are %s", err, jsonFields(o.fields))}
	}
	_, err = w.Write(b.Bytes())
	return err
}

// escapeStrings is v, decoded JSON, with every string made safe for a
// terminal, whole (escape.Whole).
func escapeStrings(v any) any {
	switch v := v.(type) {
	case string:
		return escape.Whole(v)
	case []any:
		for i := range v {
			v[i] = escapeStrings(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = escapeStrings(v[k])
		}
	}
	return v
}

// everyField is v, decoded JSON of fields (an object or a list of
// objects), with every field of the schema that JSON leaves out (omitempty:
// a session with no API, no names) as "": a template sees every field the
// schema has, empty where the value has none.
func everyField(v any, fields any) any {
	names := jsonFieldNames(fields)
	fill := func(m map[string]any) {
		for _, name := range names {
			if _, ok := m[name]; !ok {
				m[name] = ""
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		fill(v)
	case []any:
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				fill(m)
			}
		}
	}
	return v
}

// jsonFieldNames are the JSON fields of v, a struct.
func jsonFieldNames(v any) []string {
	var out []string
	for f := range reflect.TypeOf(v).Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// jsonFields names the JSON fields of v, a struct: "sessionKey, active, …".
func jsonFields(v any) string { return strings.Join(jsonFieldNames(v), ", ") }
