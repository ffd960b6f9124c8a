package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/leakhound/leakhound/profile"
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
// or a file. Every read is bounded by limit (profile.ReadDump), so no input
// can take more memory than the largest real dump would.
func readInput(ctx context.Context, arg string, stdin io.Reader, limit int64) (*input, error) {
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
		data, err := profile.ReadDump(stdin, limit)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return &input{data: data, name: "standard input"}, nil
	case isURL(arg):
		data, err := fetch(ctx, arg, limit)
		if err != nil {
			return nil, err
		}
		return &input{data: data, name: arg}, nil
	default:
		data, err := readFile(arg, limit)
		if err != nil {
			return nil, err
		}
		return &input{data: data, name: arg}, nil
	}
}

// readFile reads a dump file, refusing one larger than limit before
// reading it.
func readFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if strings.Contains(path, "/debug/pprof") || strings.HasPrefix(path, "localhost:") {
				return nil, fmt.Errorf("no such file %s (to fetch from a process, give the URL with http://): %w", path, err)
			}
			return nil, fmt.Errorf("no such file %s: %w", path, err)
		}
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	var data []byte
	if st, serr := f.Stat(); serr == nil && st.Mode().IsRegular() {
		data, err = profile.ReadDumpSized(f, st.Size(), limit)
	} else {
		data, err = profile.ReadDump(f, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, nil
}

// fetch gets a dump from a live process's pprof endpoint. The context
// carries the -timeout deadline, which covers connecting and the whole
// body; the body is bounded by limit like any other input.
func fetch(ctx context.Context, url string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetching %s: no answer within the -timeout: %w", url, ctx.Err())
		}
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return nil, fmt.Errorf("fetching %s: the server answered %s: %s", url, resp.Status, strings.TrimSpace(string(snippet)))
	}
	data, err := profile.ReadDump(resp.Body, limit)
	switch {
	case err == nil:
		return data, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("fetching %s: the -timeout ran out while the answer was still coming: %w", url, ctx.Err())
	case errors.Is(err, profile.ErrTooLarge), errors.Is(err, profile.ErrBinary):
		return nil, fmt.Errorf("fetching %s: %w; is this a goroutine endpoint?", url, err)
	}
	return nil, fmt.Errorf("fetching %s: %w", url, err)
}
