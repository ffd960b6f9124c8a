package adopt

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// PlanAll plans every package.
func PlanAll(pkgs []*Package) ([]Plan, error) {
	plans := make([]Plan, 0, len(pkgs))
	for _, p := range pkgs {
		pl, err := PlanPackage(p)
		if err != nil {
			return nil, fmt.Errorf("package %s: %w", p.ImportPath, err)
		}
		plans = append(plans, pl)
	}
	return plans, nil
}

// Write writes the plans' changes into the tree, as "leakhound init"
// does, and returns the paths written.
func Write(plans []Plan) ([]string, error) {
	var written []string
	for _, pl := range plans {
		for _, c := range pl.Changes {
			mode := os.FileMode(0o644)
			if fi, err := os.Stat(c.Path); err == nil {
				mode = fi.Mode().Perm()
			}
			if err := os.WriteFile(c.Path, c.Content, mode); err != nil {
				return written, fmt.Errorf("writing %s: %w", c.Path, err)
			}
			written = append(written, c.Path)
		}
	}
	return written, nil
}

// WriteOverlay writes the plans' changes under dir, with the overlay file
// go build's -overlay flag reads, and returns that file's path: the tree
// stays as it is, the build sees the changes.
func WriteOverlay(plans []Plan, dir string) (string, error) {
	replace := map[string]string{}
	for _, pl := range plans {
		for _, c := range pl.Changes {
			name := filepath.Join(dir, fmt.Sprintf("%d_%s", len(replace), filepath.Base(c.Path)))
			if err := os.WriteFile(name, c.Content, 0o644); err != nil {
				return "", fmt.Errorf("writing the overlay: %w", err)
			}
			abs, err := filepath.Abs(c.Path)
			if err != nil {
				return "", fmt.Errorf("writing the overlay: %w", err)
			}
			replace[abs] = name
		}
	}
	b, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return "", fmt.Errorf("writing the overlay: %w", err)
	}
	path := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("writing the overlay: %w", err)
	}
	return path, nil
}
