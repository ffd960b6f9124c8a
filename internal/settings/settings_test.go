package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/golden"
)

func TestUnknown(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		want    []string // substrings of the warnings, one per warning
	}{
		{"nothing of ours", []string{"HOME=/root", "GOFLAGS=-v"}, nil},
		{"known names", []string{"LEAKHOUND_REPORT=x", "LEAKHOUND_BASELINE=y", "LEAKHOUND_PROBE=z"}, nil},
		{"a swap", []string{"LEAKHOUND_REPROT=leaks"}, []string{"LEAKHOUND_REPROT is not a variable leakhound reads", "did you mean LEAKHOUND_REPORT?"}},
		{"a letter missing", []string{"LEAKHOUND_BASELIN=b"}, []string{"did you mean LEAKHOUND_BASELINE?"}},
		{"lower case", []string{"leakhound_report=x"}, []string{"did you mean LEAKHOUND_REPORT?"}},
		{"nothing near", []string{"LEAKHOUND_COLOUR=1"}, []string{"LEAKHOUND_COLOUR is not a variable", "(it reads LEAKHOUND_REPORT, "}},
		{"once per name", []string{"LEAKHOUND_REPROT=a", "LEAKHOUND_REPROT=b"}, []string{"LEAKHOUND_REPROT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Unknown(tt.environ)
			if len(tt.want) == 0 {
				if len(got) != 0 {
					t.Fatalf("warnings %q, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("warnings %q, want one", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("warning %q does not say %q", got[0], w)
				}
			}
		})
	}
}

// The README's table of variables is Table: between its marker lines.
func TestREADMETable(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- variables: generated from internal/settings -->\n", "<!-- end of variables -->\n"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no table of variables between %q and %q", begin, end)
	}
	want := s[:i+len(begin)] + Table() + s[j:]
	if want == s {
		return
	}
	if golden.Updating() {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's table of variables is not Table(); run go test ./internal/settings -update")
}
