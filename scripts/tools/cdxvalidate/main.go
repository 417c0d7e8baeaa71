// Command cdxvalidate checks CycloneDX JSON documents against a JSON
// schema offline: cdxvalidate SCHEMA_DIR bom-1.6.SNAPSHOT.schema.json
// FILE... Every *.schema.json in SCHEMA_DIR (the schemas that the npm
// package @cyclonedx/cyclonedx-library ships in res/schema) is served
// under cyclonedx.org's URL, so the schemas' references resolve with no
// network; any other reference fails.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: cdxvalidate SCHEMA_DIR SCHEMA FILE...")
		os.Exit(2)
	}
	dir, main := os.Args[1], os.Args[2]
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	paths, err := filepath.Glob(filepath.Join(dir, "*.schema.json"))
	if err != nil || len(paths) == 0 {
		fail(fmt.Errorf("no *.schema.json in %s", dir))
	}
	for _, p := range paths {
		doc, err := readJSON(p)
		if err != nil {
			fail(err)
		}
		// The schemas refer to each other by file name, relative to
		// their $id under cyclonedx.org.
		if err := c.AddResource("http://cyclonedx.org/schema/"+filepath.Base(p), doc); err != nil {
			fail(err)
		}
	}
	sch, err := c.Compile("http://cyclonedx.org/schema/" + main)
	if err != nil {
		fail(err)
	}
	bad := 0
	for _, f := range os.Args[3:] {
		doc, err := readJSON(f)
		if err == nil {
			err = sch.Validate(doc)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "cdxvalidate: %s: %v\n", f, err)
			bad++
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}

func readJSON(path string) (any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cdxvalidate:", err)
	os.Exit(1)
}
