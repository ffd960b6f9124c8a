// Package editverify puts edited copies of source files into a go build
// overlay (go test -overlay), for the tests that prove a suggested edit
// removes its leak, so the real tree is never touched. The edits are
// applied by report.EditFiles; this package, like all of internal/,
// imports none of leakhound's packages.
package editverify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Overlay writes, under dir, the edited files (absolute path to the
// file's edited content, as report.EditFiles returns them), the extra
// files (absolute path to content: files the overlay adds, such as a test)
// and the overlay description go build reads. It returns the description's
// path. An edited file that does not parse, or that was gofmt-clean and is
// not any more, is an error: suggested edits must leave the user's code
// formatted.
func Overlay(dir string, edited, extra map[string][]byte) (string, error) {
	replace := make(map[string]string)
	files := make([]string, 0, len(edited))
	for f := range edited {
		files = append(files, f)
	}
	slices.Sort(files)
	for i, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("reading the source before its edit: %w", err)
		}
		out := edited[f]
		formatted, err := format.Source(out)
		if err != nil {
			return "", fmt.Errorf("the edited %s does not parse: %w\n%s", f, err, out)
		}
		// Code that was not gofmt-clean before cannot be after an edit of a
		// few lines; code that was must stay so.
		if orig, err := format.Source(src); err == nil && bytes.Equal(orig, src) && !bytes.Equal(formatted, out) {
			return "", fmt.Errorf("the edited %s is not gofmt-clean:\n%s", f, out)
		}
		name := filepath.Join(dir, fmt.Sprintf("edited%d_%s", i, filepath.Base(f)))
		if err := os.WriteFile(name, out, 0o644); err != nil {
			return "", err
		}
		replace[f] = name
	}
	n := 0
	for path, content := range extra {
		name := filepath.Join(dir, fmt.Sprintf("extra%d_%s", n, filepath.Base(path)))
		n++
		if err := os.WriteFile(name, content, 0o644); err != nil {
			return "", err
		}
		replace[path] = name
	}
	desc, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return "", err
	}
	overlay := filepath.Join(dir, "overlay.json")
	return overlay, os.WriteFile(overlay, desc, 0o644)
}

// GoCommand returns the go command on PATH and its GOROOT (as go env
// reports it, so GOTOOLCHAIN is honoured): what the verification builds
// and tests with.
func GoCommand() (goCmd, goroot string, err error) {
	goCmd, err = exec.LookPath("go")
	if err != nil {
		return "", "", fmt.Errorf("finding the go command: %w", err)
	}
	out, err := exec.Command(goCmd, "env", "GOROOT").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return goCmd, strings.TrimSpace(string(out)), nil
}

// Findings returns the findings in out, go vet's output, without their
// positions (edits move lines), one per line; a finding in an overlay's
// copy of a file is named after the file, so it compares equal to the
// same finding before the edit.
func Findings(out []byte) []string {
	var found []string
	for l := range strings.SplitSeq(string(out), "\n") {
		if m := findingPos.FindStringSubmatch(l); m != nil {
			name := editedPrefix.ReplaceAllString(filepath.Base(m[1]), "")
			found = append(found, name+": "+l[len(m[0]):])
		}
	}
	return found
}

// findingPos is the position that starts a go vet finding; go vet puts
// "vet: " before a type error.
var findingPos = regexp.MustCompile(`^(?:vet: )?(\S+?\.go):\d+(?::\d+)?: `)

// editedPrefix is how Overlay names an edited file's copy.
var editedPrefix = regexp.MustCompile(`^edited\d+_`)

// NewFindings returns the findings of now that base does not hold, each
// of base's matching at most one.
func NewFindings(now, base []string) []string {
	base = slices.Clone(base)
	var added []string
	for _, f := range now {
		if i := slices.Index(base, f); i >= 0 {
			base = slices.Delete(base, i, i+1)
			continue
		}
		added = append(added, f)
	}
	return added
}
