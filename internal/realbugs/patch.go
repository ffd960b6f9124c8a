package realbugs

import (
	"fmt"
	"strconv"
	"strings"
)

// ApplyPatch applies a unified diff to files read by read (a path as the
// diff names it, without its a/ or b/ prefix) and returns the patched
// files by that path. Hunks must apply exactly where they say: the patches
// are this corpus's own, so any offset or fuzz means the case changed
// under its patch.
func ApplyPatch(patch []byte, read func(name string) ([]byte, error)) (map[string][]byte, error) {
	out := make(map[string][]byte)
	lines := strings.Split(string(patch), "\n")
	var (
		name string
		src  []string // the file's lines being patched
		dst  []string
		at   int // next line of src not yet copied, 0-based
	)
	flush := func() {
		if name == "" {
			return
		}
		dst = append(dst, src[at:]...)
		out[name] = []byte(strings.Join(dst, "\n"))
		name = ""
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "--- "):
			flush()
		case strings.HasPrefix(l, "+++ "):
			n := strings.Fields(strings.TrimPrefix(l, "+++ "))[0]
			name = strings.TrimPrefix(n, "b/")
			data, err := read(name)
			if err != nil {
				return nil, fmt.Errorf("patching %s: %w", name, err)
			}
			src, dst, at = strings.Split(string(data), "\n"), nil, 0
		case strings.HasPrefix(l, "@@ "):
			if name == "" {
				return nil, fmt.Errorf("line %d: hunk before a +++ header", i+1)
			}
			f := strings.Fields(l)
			if len(f) < 3 {
				return nil, fmt.Errorf("line %d: bad hunk header %q", i+1, l)
			}
			start, _, _ := strings.Cut(strings.TrimPrefix(f[1], "-"), ",")
			n, err := strconv.Atoi(start)
			if err != nil || n-1 < at {
				return nil, fmt.Errorf("line %d: bad hunk header %q", i+1, l)
			}
			if n == 0 { // a hunk into an empty file
				n = 1
			}
			if n-1 > len(src) {
				return nil, fmt.Errorf("line %d: the hunk starts at line %d, past the end of %s (%d lines)", i+1, n, name, len(src))
			}
			dst = append(dst, src[at:n-1]...)
			at = n - 1
			for i+1 < len(lines) && len(lines[i+1]) > 0 && strings.ContainsRune(" -+", rune(lines[i+1][0])) &&
				!strings.HasPrefix(lines[i+1], "--- ") {
				i++
				h := lines[i]
				switch h[0] {
				case '+':
					dst = append(dst, h[1:])
				default:
					if at >= len(src) || src[at] != h[1:] {
						return nil, fmt.Errorf("%s:%d: the patch expects %q, the file has %q", name, at+1, h[1:], lineAt(src, at))
					}
					if h[0] == ' ' {
						dst = append(dst, src[at])
					}
					at++
				}
			}
		}
	}
	flush()
	if len(out) == 0 {
		return nil, fmt.Errorf("the patch changes no file")
	}
	return out, nil
}

func lineAt(src []string, i int) string {
	if i < len(src) {
		return src[i]
	}
	return "(end of file)"
}
