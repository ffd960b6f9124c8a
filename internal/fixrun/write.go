package fixrun

import (
	"context"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// Write applies the verified edits to the module's files, gofmt'd, and
// returns the files written. It writes nothing unless every file can be
// written: a file outside the module, a file with uncommitted changes
// (the edit could not be undone with git), a file that changed since the
// session read it is an error naming the file. Each file is replaced by
// renaming a complete copy into place, so an interrupted write leaves the
// old file or the new one, never half of one.
func (r *Result) Write(ctx context.Context) ([]string, error) {
	edits := r.VerifiedEdits()
	byFile := map[string][]report.Edit{}
	var files []string
	for _, e := range edits {
		if byFile[e.File] == nil {
			files = append(files, e.File)
		}
		byFile[e.File] = append(byFile[e.File], e)
	}
	slices.Sort(files)
	dirty := dirtyFiles(ctx, r.Module)
	out := map[string][]byte{}
	for _, f := range files {
		rel, err := filepath.Rel(r.Module, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("not writing %s: it lies outside the module at %s", f, r.Module)
		}
		if slices.Contains(dirty, f) {
			return nil, fmt.Errorf("not writing %s: it has uncommitted changes; commit or stash them so the fix can be undone, then run fix again", rel)
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s to write the fix: %w", rel, err)
		}
		edited, err := report.ApplyEdits(src, byFile[f])
		if err != nil {
			return nil, fmt.Errorf("not writing %s: %w", rel, err)
		}
		if formatted, err := format.Source(edited); err == nil {
			edited = formatted
		}
		out[f] = edited
	}
	var written []string
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		if err := replaceFile(f, out[f]); err != nil {
			return written, err
		}
		written = append(written, f)
	}
	return written, nil
}

// replaceFile writes data to a temporary file beside name, with name's
// permissions, and renames it over name.
func replaceFile(name string, data []byte) error {
	info, err := os.Stat(name)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".leakhound-fix-*.go.tmp")
	if err != nil {
		return fmt.Errorf("writing the fix: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the fix to %s: %w", name, err)
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("writing the fix to %s: %w", name, err)
	}
	return nil
}
