// Command zipdir writes and reads the release's zip archives, the same
// bytes on any builder: entries in name order, each with the time of
// SOURCE_DATE_EPOCH (UTC) and a fixed mode, deflated by the Go that
// builds it (the release pins it), whatever the builder's zip, umask and
// time zone.
//
//	zipdir -o OUT.zip DIR   DIR's regular files, under DIR's base name;
//	                        those named in -x executable (0755), the
//	                        rest 0644
//	zipdir -l IN.zip        list its entries
//	zipdir -x DEST IN.zip   extract it into DEST (for checks)
package main

import (
	"archive/zip"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "", "write the archive of DIR to this file")
	list := flag.Bool("l", false, "list the entries of the archive")
	extract := flag.String("x", "", "extract the archive into this directory")
	exe := flag.String("exec", "", "comma-separated names, under DIR, of the executable files")
	flag.Parse()
	if flag.NArg() != 1 {
		fail(fmt.Errorf("usage: zipdir -o OUT.zip DIR | -l IN.zip | -x DEST IN.zip"))
	}
	var err error
	switch {
	case *out != "":
		err = write(*out, flag.Arg(0), strings.Split(*exe, ","))
	case *list:
		err = read(flag.Arg(0), func(f *zip.File) error { _, err := fmt.Println(f.Name); return err })
	case *extract != "":
		err = read(flag.Arg(0), func(f *zip.File) error { return extractOne(*extract, f) })
	default:
		err = fmt.Errorf("give -o, -l or -x")
	}
	if err != nil {
		fail(err)
	}
}

func write(out, dir string, exe []string) error {
	secs, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	if err != nil {
		return fmt.Errorf("SOURCE_DATE_EPOCH must be the release's time in seconds: %v", err)
	}
	when := time.Unix(secs, 0).UTC()
	var names []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(names)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := zip.NewWriter(f)
	base := filepath.Base(dir)
	for _, name := range names {
		h := &zip.FileHeader{Name: path.Join(base, name), Method: zip.Deflate, Modified: when}
		h.SetMode(0o644)
		if slices.Contains(exe, name) {
			h.SetMode(0o755)
		}
		ew, err := w.CreateHeader(h)
		if err != nil {
			return err
		}
		src, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return err
		}
		_, err = io.Copy(ew, src)
		src.Close()
		if err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}

func read(in string, each func(*zip.File) error) error {
	r, err := zip.OpenReader(in)
	if err != nil {
		return err
	}
	defer r.Close()
	for _, f := range r.File {
		if err := each(f); err != nil {
			return err
		}
	}
	return nil
}

func extractOne(dest string, f *zip.File) error {
	if !filepath.IsLocal(f.Name) || strings.Contains(f.Name, `\`) {
		return fmt.Errorf("%q is not a local path", f.Name)
	}
	p := filepath.Join(dest, filepath.FromSlash(f.Name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	src, err := f.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "zipdir:", err)
	os.Exit(1)
}
