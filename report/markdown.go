package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/leakhound/leakhound/internal/words"
)

// SummaryOptions says where a Markdown summary points its reader.
type SummaryOptions struct {
	// Page is the report file to open (a package page or index.html), ""
	// to name none.
	Page string
	// Artifact is the name of the CI artifact holding the report
	// directory, "" when it is not uploaded as one.
	Artifact string
}

// maxSummaryPackages bounds the package rows of a summary: it is read on
// a CI run's page, and the report itself lists every package.
const maxSummaryPackages = 25

// WriteMarkdownSummary writes a short Markdown summary of the documents'
// leaks for a CI run's page (GitHub Actions' GITHUB_STEP_SUMMARY): the
// totals, new and known leaks when a baseline was used, the tests, the
// goroutines by blocking reason, a row per package when there are several,
// and where the full report is. It never lists stacks; the report does.
func WriteMarkdownSummary(w io.Writer, docs []*Document, opts SummaryOptions) error {
	bw := bufio.NewWriter(w)
	var all summaryCount
	type pkgRow struct {
		pkg string
		summaryCount
	}
	var rows []pkgRow
	for _, d := range docs {
		var c summaryCount
		c.add(d)
		all.merge(c)
		rows = append(rows, pkgRow{d.Package, c})
	}
	if all.goroutines == 0 {
		bw.WriteString("### leakhound: no leaked goroutines\n")
		return flushSummary(bw)
	}
	where := "in " + words.Plural(len(docs), "package")
	if len(docs) == 1 {
		where = "in " + mdCode(docs[0].Package)
	}
	fmt.Fprintf(bw, "### leakhound: %s leaked %s\n\n", words.Plural(all.goroutines, "goroutine"), where)
	if all.baselined {
		fmt.Fprintf(bw, "**%d new** (failing), %d known in the baseline. ", all.goroutines-all.known, all.known)
	}
	if len(all.tests) > 0 {
		// Tests of different packages may share a name: they count apart
		// and are named once.
		names := map[string]bool{}
		for t := range all.tests {
			_, name, _ := strings.Cut(t, "\x00")
			names[name] = true
		}
		list := sortedKeys(names)
		shown := list[:min(len(list), 10)]
		codes := make([]string, len(shown))
		for i, t := range shown {
			codes[i] = mdCode(t)
		}
		fmt.Fprintf(bw, "From %s: %s", words.Plural(len(all.tests), "test"), strings.Join(codes, ", "))
		if len(list) > len(shown) {
			fmt.Fprintf(bw, " and %d more", len(list)-len(shown))
		}
		bw.WriteString(".")
	}
	bw.WriteString("\n\n| Blocking reason | Goroutines |\n|---|--:|\n")
	reasons := sortedKeys(all.byReason)
	sort.SliceStable(reasons, func(i, j int) bool { return all.byReason[reasons[i]] > all.byReason[reasons[j]] })
	for _, r := range reasons {
		fmt.Fprintf(bw, "| %s | %d |\n", mdText(Reason(r).Title()), all.byReason[r])
	}
	if len(docs) > 1 {
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].goroutines > rows[j].goroutines })
		bw.WriteString("\n| Package | Goroutines |")
		if all.baselined {
			bw.WriteString(" New | Known |")
		}
		bw.WriteString(" Tests |\n|---|--:|")
		if all.baselined {
			bw.WriteString("--:|--:|")
		}
		bw.WriteString("--:|\n")
		for i, row := range rows {
			if i == maxSummaryPackages {
				fmt.Fprintf(bw, "\n… and %d more; the report lists every package.\n", len(rows)-i)
				break
			}
			fmt.Fprintf(bw, "| %s | %d |", mdCell(mdCode(row.pkg)), row.goroutines)
			if all.baselined {
				fmt.Fprintf(bw, " %d | %d |", row.goroutines-row.known, row.known)
			}
			fmt.Fprintf(bw, " %d |\n", len(row.tests))
		}
	}
	switch {
	case opts.Page != "" && opts.Artifact != "":
		fmt.Fprintf(bw, "\nReport: %s in the artifact %s.\n", mdCode(opts.Page), mdCode(opts.Artifact))
	case opts.Page != "":
		fmt.Fprintf(bw, "\nReport: %s.\n", mdCode(opts.Page))
	case opts.Artifact != "":
		fmt.Fprintf(bw, "\nReport: the artifact %s.\n", mdCode(opts.Artifact))
	}
	return flushSummary(bw)
}

func flushSummary(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the Markdown summary: %w", err)
	}
	return nil
}

// summaryCount is what a summary counts of one package or of all.
type summaryCount struct {
	goroutines, known int
	baselined         bool
	tests             map[string]bool // package NUL test
	byReason          map[string]int
}

func (c *summaryCount) add(d *Document) {
	if c.tests == nil {
		c.tests, c.byReason = map[string]bool{}, map[string]int{}
	}
	for _, r := range d.Reports {
		c.baselined = c.baselined || r.Baseline != ""
		for _, g := range r.Groups {
			c.goroutines += g.Count
			c.byReason[string(g.Reason)] += g.Count
			if g.Known {
				c.known += g.Count
			}
			for _, t := range g.Tests {
				c.tests[d.Package+"\x00"+t] = true
			}
		}
	}
}

func (c *summaryCount) merge(o summaryCount) {
	if c.tests == nil {
		c.tests, c.byReason = map[string]bool{}, map[string]int{}
	}
	c.goroutines += o.goroutines
	c.known += o.known
	c.baselined = c.baselined || o.baselined
	for t := range o.tests {
		c.tests[t] = true
	}
	for r, n := range o.byReason {
		c.byReason[r] += n
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// mdCode puts s in a Markdown code span. A code span cannot hold its own
// delimiter, and Go names never contain a backquote, so one in s is shown
// as a quote rather than breaking the span; line breaks and other control
// characters become spaces, so a value cannot end the span's line and
// start a heading, a link or an image of its own.
func mdCode(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.Map(noControl, s)
	return "`" + s + "`"
}

// mdText makes s plain text in Markdown: every character Markdown or the
// HTML GitHub allows in it would read as markup is escaped, and line
// breaks become spaces (a pipe is escaped too, so the text is safe in a
// table cell). Values in a summary (a reason a shard names) come from
// anyone.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range strings.Map(noControl, s) {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r < 0x80 && strings.ContainsRune("\\`*_{}[]()#+-.!|~", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// noControl maps control characters (line breaks among them) to a space.
func noControl(r rune) rune {
	if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
		return ' '
	}
	return r
}

// mdCell makes s safe in a table cell: a pipe would end the cell, even in
// a code span.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
