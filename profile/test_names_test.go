package profile

import "testing"

func TestTestFunc(t *testing.T) {
	tests := []struct {
		fn   string
		want string
	}{
		{"example.com/srv.TestServe", "TestServe"},
		{"example.com/srv.TestServe.func1.2", "TestServe"},
		{"example.com/srv_test.BenchmarkGet.func3", "BenchmarkGet"},
		{"example.com/srv.FuzzParse", "FuzzParse"},
		{"example.com/srv.ExampleClient", "ExampleClient"},
		{"example.com/srv.Test", "Test"},
		{"example.com/srv.Test_underscore", "Test_underscore"},
		{"example.com/srv.Testimony", ""}, // lower case after the prefix: not a test
		{"example.com/srv.(*T).TestMethod", ""},
		{"example.com/test.helper", ""},
		{"main.main", ""},
		{"nodot", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := TestFunc(tt.fn)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("TestFunc(%q) = %q, %v; want %q", tt.fn, got, ok, tt.want)
		}
	}
}
