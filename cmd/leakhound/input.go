package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// input is the raw dump and how to name it to the person reading the report.
type input struct {
	data []byte
	name string
}

// isURL reports whether the argument names a pprof endpoint rather than a
// file. Only an explicit http:// or https:// prefix counts, so a file
// can never be mistaken for a network address.
func isURL(arg string) bool {
	return strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://")
}

// readInput reads the dump the argument names: "" or "-" for stdin, a URL,
// or a file.
func readInput(ctx context.Context, arg string, stdin io.Reader) (*input, error) {
	switch {
	case arg == "" || arg == "-":
		if stdin == nil {
			return &input{name: "standard input"}, nil
		}
		if f, ok := stdin.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				return nil, errors.New("no input: give a dump FILE or URL, or pipe a dump into standard input")
			}
		}
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return &input{data: data, name: "standard input"}, nil
	case isURL(arg):
		data, err := fetch(ctx, arg)
		if err != nil {
			return nil, err
		}
		return &input{data: data, name: arg}, nil
	default:
		data, err := os.ReadFile(arg)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				if strings.Contains(arg, "/debug/pprof") || strings.HasPrefix(arg, "localhost:") {
					return nil, fmt.Errorf("no such file %s (to fetch from a process, give the URL with http://): %w", arg, err)
				}
				return nil, fmt.Errorf("no such file %s: %w", arg, err)
			}
			return nil, fmt.Errorf("reading %s: %w", arg, err)
		}
		return &input{data: data, name: arg}, nil
	}
}

// maxFetch bounds what a URL may send: far above any real goroutine dump,
// low enough that a wrong URL serving an endless stream cannot exhaust memory.
const maxFetch = 2 << 30

// fetch gets a dump from a live process's pprof endpoint. The context
// carries the -timeout deadline, which covers connecting and the whole body.
func fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("fetching %s: no answer within the -timeout: %w", url, err)
		}
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return nil, fmt.Errorf("fetching %s: the server answered %s: %s", url, resp.Status, strings.TrimSpace(string(snippet)))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFetch+1))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("fetching %s: read %d bytes, then the -timeout ran out: %w", url, len(data), err)
		}
		return nil, fmt.Errorf("fetching %s: read %d bytes, then: %w", url, len(data), err)
	}
	if len(data) > maxFetch {
		return nil, fmt.Errorf("fetching %s: the answer is larger than %d bytes; is this a goroutine endpoint?", url, maxFetch)
	}
	return data, nil
}
