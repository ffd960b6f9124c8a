package profile

import "testing"

func TestStandardFrame(t *testing.T) {
	tests := []struct {
		fn, file string
		want     bool
	}{
		{"runtime.gopark", "/usr/local/go/src/runtime/proc.go", true},
		{"net/http.(*persistConn).readLoop", "/usr/local/go/src/net/http/transport.go", true},
		{"internal/poll.runtime_pollWait", "/usr/local/go/src/runtime/netpoll.go", true},
		{"testing.tRunner", "C:/Program Files/Go/src/testing/testing.go", true},
		{"sync.(*Mutex).Lock", "", true},
		{"main.main", "/home/me/app/main.go", false},
		{"main.main", "_testmain.go", true},
		{"example.com/app.worker", "/home/me/app/worker.go", false},
		{"github.com/x/y.(*T).Run", "/root/go/pkg/mod/github.com/x/y@v1.0.0/y.go", false},
		{"leaky.worker", "/home/me/leaky/worker.go", false}, // dot-less module path
		{"leaky.worker", "", false},                         // without a file the name alone decides: not a standard package
		{"net/http.(*conn).serve", "", true},
		{"gopkg.in/yaml.v3.Unmarshal", "/root/go/pkg/mod/gopkg.in/yaml.v3@v3.0.1/yaml.go", false},
	}
	for _, tt := range tests {
		if got := standardFrame(Frame{Func: tt.fn, File: tt.file}); got != tt.want {
			t.Errorf("standardFrame(%s in %q) = %v, want %v", tt.fn, tt.file, got, tt.want)
		}
	}
}

func TestStandardOnly(t *testing.T) {
	std := Frame{Func: "net/http.(*conn).serve", File: "/go/src/net/http/server.go"}
	user := Frame{Func: "example.com/app.handle", File: "/app/handle.go"}
	tests := []struct {
		name string
		g    Goroutine
		want bool
	}{
		{"all standard", Goroutine{Frames: []Frame{std}, CreatedBy: &std}, true},
		{"user frame", Goroutine{Frames: []Frame{std, user}, CreatedBy: &std}, false},
		{"started by user code", Goroutine{Frames: []Frame{std}, CreatedBy: &user}, false},
		{"no stack", Goroutine{StackUnavailable: true}, false},
	}
	for _, tt := range tests {
		if got := tt.g.StandardOnly(); got != tt.want {
			t.Errorf("%s: StandardOnly = %v, want %v", tt.name, got, tt.want)
		}
	}
}
