package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// runReport is "leakhound report": read one dump, filter, print the text
// report and write the other forms asked for.
func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f := newReportFlags()
	arg, err := f.parse(args)
	if errors.Is(err, flag.ErrHelp) {
		writeReportUsage(stdout, f.fs)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "leakhound report: %v (leakhound report -h lists the flags)\n", err)
		return exitUsage
	}

	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	in, err := readInput(ctx, arg, stdin, profile.MaxDumpSize)
	if err != nil {
		fmt.Fprintf(stderr, "leakhound report: %v\n", err)
		return exitUsage
	}

	var headlines []string
	snap, err := profile.ParseBytes(in.data)
	if errors.Is(err, profile.ErrNoGoroutines) && snap != nil && snap.LeakProfile {
		// Nothing leaked: an empty report, in every form asked for.
		headlines = append(headlines, "the runtime's goroutineleak profile lists no goroutine: it proved none leaked")
		snap, err = &profile.Snapshot{Format: snap.Format, LeakProfile: true}, nil
	}
	if err != nil {
		fmt.Fprintf(stderr, "leakhound report: %s\n", explainParseError(in, snap, err))
		return exitUsage
	}
	warnTruncated(stderr, in.name, snap)

	rep, st := f.build(in, snap)
	out := bufio.NewWriter(stdout)
	code := f.writeForms(rep, out, stderr)
	if code == exitOK && f.diff {
		code = writeDiff(rep, f.moduleRoot, out, stderr)
	} else if code == exitOK && f.toStdout() == "" {
		if err := writeText(out, rep, st, headlines); err != nil {
			fmt.Fprintf(stderr, "leakhound report: writing the report: %v\n", err)
			code = exitUsage
		}
	}
	if code == exitOK && f.github {
		// Workflow commands are read from stdout only.
		if err := rep.WriteAnnotations(out); err != nil {
			fmt.Fprintf(stderr, "leakhound report: -github: %v\n", err)
			code = exitUsage
		}
	}
	if err := out.Flush(); err != nil && code == exitOK {
		fmt.Fprintf(stderr, "leakhound report: writing the report: %v\n", err)
		code = exitUsage
	}
	if code == exitOK && f.fail && blocked(rep) {
		return exitFound
	}
	return code
}

// build turns the snapshot into the filtered, ordered report. The test of
// each goroutine comes from the snapshot (its label, or the running test
// of a timed-out test binary that started it).
func (f *reportFlags) build(in *input, snap *profile.Snapshot) (*report.Report, *filterStats) {
	ties := snap.TestTies()
	st := &filterStats{}
	leaks := make([]report.Leak, 0, len(snap.Goroutines))
	for i, g := range snap.Goroutines {
		st.total += g.Weight()
		if !f.keepGoroutine(g, st) {
			continue
		}
		var tie profile.TestTie
		if ties != nil {
			tie = ties[i]
		}
		leaks = append(leaks, report.Leak{Goroutine: g, Test: tie.Test, Attribution: tie.How})
	}
	title := f.title
	if title == "" {
		title = in.name
	}
	opts := report.Options{Title: title, ModuleRoot: f.moduleRoot, NoSource: f.noSource, Dump: true, Context: snap.Context}
	if !f.noSource {
		opts.SourceRoots = sourceRoots(f.moduleRoot, f.srcDirs)
	}
	rep := report.New(leaks, opts)
	explain.Report(rep, explain.Options{})
	f.filterGroups(rep, st)
	return rep, st
}

// blocked reports whether any goroutine left in the report waits on
// something, which is what -fail is about: running goroutines are busy,
// not stuck.
func blocked(r *report.Report) bool {
	for _, g := range r.Groups {
		if g.Reason != report.ReasonRunning {
			return true
		}
	}
	return false
}

// writeText prints the text report, preceded by what the command found
// about the input and followed by what the filters hid.
func writeText(w io.Writer, rep *report.Report, st *filterStats, headlines []string) error {
	for _, h := range headlines {
		if _, err := fmt.Fprintln(w, h); err != nil {
			return err
		}
	}
	if err := rep.WriteText(w); err != nil {
		return err
	}
	for _, n := range st.notes() {
		if _, err := fmt.Fprintln(w, "note: "+n); err != nil {
			return err
		}
	}
	return nil
}

// toStdout returns the flag whose form goes to stdout in place of the text
// report, "" when none does.
func (f *reportFlags) toStdout() string {
	switch "-" {
	case f.htmlPath:
		return "html"
	case f.jsonPath:
		return "json"
	case f.pprofPath:
		return "pprof"
	}
	return ""
}

// writeForms writes the HTML, JSON and pprof forms that were asked for.
func (f *reportFlags) writeForms(rep *report.Report, stdout io.Writer, stderr io.Writer) int {
	forms := []struct {
		flag, path string
		write      func(io.Writer) error
	}{
		{"html", f.htmlPath, rep.WriteHTML},
		{"json", f.jsonPath, rep.WriteJSON},
		{"pprof", f.pprofPath, rep.WritePprof},
	}
	for _, form := range forms {
		if form.path == "" {
			continue
		}
		var err error
		if form.path == "-" {
			err = form.write(stdout)
		} else {
			err = writeFile(form.path, form.write)
		}
		if err != nil {
			fmt.Fprintf(stderr, "leakhound report: -%s: %v\n", form.flag, err)
			return exitUsage
		}
	}
	return exitOK
}

// writeFile creates path (with the usual permissions, as the umask
// allows) and writes it; when writing fails the partial file is removed,
// so a failed run never leaves half a report that looks whole.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// warnTruncated tells the person that the dump was cut, which goroutine
// was cut and what the report rests on, so a short report is not mistaken
// for a complete one.
func warnTruncated(stderr io.Writer, name string, snap *profile.Snapshot) {
	for _, g := range snap.Goroutines {
		if !g.Truncated {
			continue
		}
		fmt.Fprintf(stderr, "leakhound report: warning: %s ends in the middle of goroutine %d (%s read); "+
			"the dump was cut there, so goroutines after it are missing. The report covers the %s read.\n",
			name, g.ID, words.Plural(len(g.Frames), "frame"), words.Plural(len(snap.Goroutines), "goroutine record"))
	}
}

// explainParseError words a parse failure for the person: what was read,
// what leakhound looked for, what to try.
func explainParseError(in *input, snap *profile.Snapshot, err error) string {
	switch {
	case errors.Is(err, profile.ErrEmpty):
		if len(in.data) == 0 {
			return fmt.Sprintf("%s is empty: there is no dump to report on", in.name)
		}
		return fmt.Sprintf("%s holds only white space (%d bytes): there is no dump to report on", in.name, len(in.data))
	case errors.Is(err, profile.ErrTooLarge):
		return fmt.Sprintf("cannot read %s: %v; no goroutine dump is that large, so this is not one (or not one leakhound can hold)", in.name, err)
	case errors.Is(err, profile.ErrBinary):
		return fmt.Sprintf("cannot read %s (%d bytes): %v.\n%s", in.name, len(in.data), err, formatsHint)
	case errors.Is(err, profile.ErrNoGoroutines):
		msg := fmt.Sprintf("read %d bytes from %s but found no goroutine in them", len(in.data), in.name)
		if snap != nil && snap.Format != "" {
			msg += fmt.Sprintf(" (it looked like %s input)", snap.Format)
		}
		if first := firstLine(in.data); first != "" {
			msg += fmt.Sprintf("; it starts with %q", first)
		}
		return msg + ".\n" + formatsHint
	}
	return fmt.Sprintf("cannot read %s (%d bytes) as a goroutine dump: %v\n%s", in.name, len(in.data), err, formatsHint)
}

// formatsHint lists what the command reads, for errors about input it
// could not use.
const formatsHint = `leakhound reads runtime.Stack or debug=2 text ("goroutine 1 [running]:"),
crash and test-timeout output, go test -json output, and pprof goroutine
profiles (debug=1 text or protobuf).`

// firstLine returns the first non-blank line of data, shortened, or "" when
// data does not look like text.
func firstLine(data []byte) string {
	for _, line := range strings.SplitN(string(data[:min(len(data), 4096)]), "\n", 20) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		for _, r := range line {
			if r == '\uFFFD' || (r < ' ' && r != '\t') {
				return ""
			}
		}
		if len(line) > 80 {
			line = line[:77] + "..."
		}
		return line
	}
	return ""
}
