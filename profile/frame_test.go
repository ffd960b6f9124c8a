package profile

import "testing"

func TestFramePackage(t *testing.T) {
	tests := []struct {
		fn       string
		pkg      string
		standard bool
		runtime  bool
	}{
		{"net/http.(*persistConn).readLoop", "net/http", true, false},
		{"fmt.Println", "fmt", true, false},
		{"internal/runtime/maps.(*Map).Get", "internal/runtime/maps", true, true},
		{"runtime.gopark", "runtime", true, true},
		{"runtime/pprof.Do", "runtime/pprof", true, false},
		{"runtime/trace.Start.func1", "runtime/trace", true, false},
		{"internal/poll.runtime_pollWait", "internal/poll", true, false},
		{"main.main.func1", "main", false, false},
		{"github.com/leakhound/leakhound/profile.Parse", "github.com/leakhound/leakhound/profile", false, false},
		// The runtime escapes a dot in the last path element.
		{"gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml.v3", false, false},
		{"example.com/a.b/c%2ed.(*T).M", "example.com/a.b/c.d", false, false},
		{"example.com/bad%2.F", "example.com/bad%2", false, false},
		// A module path without a dot is not the standard library, though
		// it looks like it.
		{"example/worker.(*Pool).run.func2", "example/worker", false, false},
		{"nodot", "nodot", false, false},
		{"", "", false, false},
	}
	for _, tt := range tests {
		f := Frame{Func: tt.fn}
		if got := f.Package(); got != tt.pkg {
			t.Errorf("Frame{Func: %q}.Package() = %q, want %q", tt.fn, got, tt.pkg)
		}
		if got := f.Standard(); got != tt.standard {
			t.Errorf("Frame{Func: %q}.Standard() = %v, want %v", tt.fn, got, tt.standard)
		}
		if got := f.Runtime(); got != tt.runtime {
			t.Errorf("Frame{Func: %q}.Runtime() = %v, want %v", tt.fn, got, tt.runtime)
		}
	}
}
