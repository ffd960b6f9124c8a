//go:build unix

package srcfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRead is the rule against what dumps and shards name: only Go files
// under the roots, links resolved, nothing that blocks or is huge.
func TestRead(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write := func(dir, name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write(root, "main.go", "package main\n")
	secret := write(outside, "secret.go", "package secret // token\n")
	passwd := write(outside, "passwd", "root:x:0:0\n")
	notGo := write(root, "notes.txt", "private\n")
	link := func(name, target string) string {
		p := filepath.Join(root, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inner := link("inner.go", good)
	out := link("out.go", secret)
	toPasswd := link("shadow.go", passwd)
	toNotes := link("notes.go", notGo)
	toZero := link("zero.go", "/dev/zero")
	fifo := filepath.Join(root, "fifo.go")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	big := filepath.Join(root, "big.go")
	if err := os.WriteFile(big, []byte("package big\n//"+strings.Repeat("x", MaxBytes)), 0o644); err != nil {
		t.Fatal(err)
	}

	r := New(root)
	tests := []struct {
		name, path string
		want       string // content, or "" for refused
	}{
		{"a Go file under the root", good, "package main\n"},
		{"a link to a Go file under the root", inner, "package main\n"},
		{"a Go file outside", secret, ""},
		{"a link out of the root", out, ""},
		{"a .go link to a non-Go file outside", toPasswd, ""},
		{"a .go link to a non-Go file inside", toNotes, ""},
		{"a file not named .go", notGo, ""},
		{"/dev/zero behind a .go link", toZero, ""},
		{"a FIFO named .go", fifo, ""},
		{"a Go file over the size cap", big, ""},
		{"/etc/passwd", "/etc/passwd", ""},
		{"/proc/self/environ", "/proc/self/environ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Read(tt.path)
			if tt.want != "" {
				if err != nil || string(got) != tt.want {
					t.Fatalf("Read(%s) = %q, %v; want %q", tt.path, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Read(%s) = %q, want it refused", tt.path, got)
			}
			if len(got) != 0 {
				t.Fatalf("Read(%s) refused but returned %d bytes", tt.path, len(got))
			}
		})
	}
}

// TestReadNil: a nil Reader (a report from JSON, -nosource) and a Reader
// without roots read nothing, not even a Go file.
func TestReadNil(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.go")
	if err := os.WriteFile(p, []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Reader{"nil": nil, "no roots": New(), "missing root": New(filepath.Join(dir, "gone"))} {
		if got, err := r.Read(p); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("%s: Read = %q, %v; want ErrNotAllowed", name, got, err)
		}
	}
}

func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.json")
	if err := os.WriteFile(file, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "l.json")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "p.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	for _, tt := range []struct {
		path string
		ok   bool
	}{{file, true}, {link, false}, {fifo, false}, {dir, false}, {"/dev/zero", false}} {
		f, err := OpenRegular(tt.path)
		if (err == nil) != tt.ok {
			t.Errorf("OpenRegular(%s): err = %v, want ok=%v", tt.path, err, tt.ok)
		}
		if f != nil {
			f.Close()
		}
	}
}
