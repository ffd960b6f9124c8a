package main

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// shopSource has two leaks with mechanical fixes in one file: a result
// channel with one sender per URL, and a goroutine whose early return
// skips wg.Done().
const shopSource = `package shop

import "sync"

// Fetch returns the first URL's answer.
func Fetch(urls []string) string {
	out := make(chan string)
	for _, u := range urls {
		go func() {
			out <- u
		}()
	}
	return <-out
}

// All waits for n workers.
func All(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			if n > 2 {
				return
			}
			wg.Done()
		}()
	}
	wg.Wait()
}
`

const shopDump = `goroutine 21 [chan send]:
example.com/shop.Fetch.func1()
	DIR/shop.go:10 +0x2c
created by example.com/shop.Fetch in goroutine 20
	DIR/shop.go:9 +0x5c

goroutine 30 [sync.WaitGroup.Wait]:
sync.runtime_SemacquireWaitGroup(0xc000012345?)
	/usr/local/go/src/runtime/sema.go:110 +0x25
sync.(*WaitGroup).Wait(0xc000012340)
	/usr/local/go/src/sync/waitgroup.go:118 +0x48
example.com/shop.All(0x3)
	DIR/shop.go:28 +0x90
created by example.com/shop.TestAll in goroutine 29
	DIR/shop_test.go:5 +0x20
`

// TestDiffApplies checks that "leakhound report -diff" prints a diff that
// git apply and patch -p0 apply to the source the dump came from, and
// that the result is the edited source, gofmt-clean.
func TestDiffApplies(t *testing.T) {
	for _, tool := range []struct {
		name string
		args []string
	}{
		{"git", []string{"apply", "-"}},
		{"patch", []string{"-p0", "--quiet"}},
	} {
		t.Run(tool.name, func(t *testing.T) {
			if _, err := exec.LookPath(tool.name); err != nil {
				t.Skipf("%s not installed", tool.name)
			}
			dir := t.TempDir()
			src := filepath.Join(dir, "shop.go")
			if err := os.WriteFile(src, []byte(shopSource), 0o644); err != nil {
				t.Fatal(err)
			}
			dump := filepath.Join(dir, "dump.txt")
			if err := os.WriteFile(dump, []byte(strings.ReplaceAll(shopDump, "DIR", dir)), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run([]string{"report", "-diff", "-root", dir, dump}, nil, &stdout, &stderr); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			diff := stdout.String()
			if !strings.Contains(stderr.String(), "unverified; leakhound fix") {
				t.Errorf("stderr does not label the edits unverified: %q", stderr.String())
			}
			for _, want := range []string{"--- ./shop.go", "-\tout := make(chan string)", "+\tout := make(chan string, len(urls))",
				"+\t\t\tdefer wg.Done()", "-\t\t\twg.Done()"} {
				if !strings.Contains(diff, want) {
					t.Errorf("diff lacks %q:\n%s", want, diff)
				}
			}
			cmd := exec.Command(tool.name, tool.args...)
			cmd.Dir = dir
			cmd.Stdin = strings.NewReader(diff)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s %s: %v\n%s\ndiff:\n%s", tool.name, strings.Join(tool.args, " "), err, out, diff)
			}
			got, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if formatted, err := format.Source(got); err != nil || !bytes.Equal(formatted, got) {
				t.Errorf("the patched file is not gofmt-clean (err %v):\n%s", err, got)
			}
			if !strings.Contains(string(got), "out := make(chan string, len(urls))") ||
				strings.Count(string(got), "wg.Done()") != 1 {
				t.Errorf("the patched file is not the edited source:\n%s", got)
			}
		})
	}
}

// TestDiffNothingToApply checks the message when no group has an edit.
func TestDiffNothingToApply(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "dump.txt")
	text := "goroutine 5 [select (no cases)]:\nmain.main()\n\t" + filepath.Join(dir, "gone.go") + ":3 +0x1\n"
	if err := os.WriteFile(dump, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"report", "-diff", "-all", dump}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "no group has a safe mechanical edit") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}
