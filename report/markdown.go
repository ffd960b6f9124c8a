package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

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
	where := "in " + words.Plural(len(docs), "package")
	if len(docs) == 1 {
		where = "in " + mdCode(docs[0].Package)
	}
	fmt.Fprintf(bw, "### leakhound: %s leaked %s\n\n", words.Plural(all.goroutines, "goroutine"), where)
	if all.baselined {
		fmt.Fprintf(bw, "**%d new** (failing), %d known in the baseline. ", all.goroutines-all.known, all.known)
	}
	tests := sortedKeys(all.tests)
	if len(tests) > 0 {
		shown := tests[:min(len(tests), 10)]
		codes := make([]string, len(shown))
		for i, t := range shown {
			codes[i] = mdCode(t)
		}
		fmt.Fprintf(bw, "From %s: %s", words.Plural(len(tests), "test"), strings.Join(codes, ", "))
		if len(tests) > len(shown) {
			fmt.Fprintf(bw, " and %d more", len(tests)-len(shown))
		}
		bw.WriteString(".")
	}
	bw.WriteString("\n\n| Blocking reason | Goroutines |\n|---|--:|\n")
	reasons := sortedKeys(all.byReason)
	sort.SliceStable(reasons, func(i, j int) bool { return all.byReason[reasons[i]] > all.byReason[reasons[j]] })
	for _, r := range reasons {
		fmt.Fprintf(bw, "| %s | %d |\n", mdCell(Reason(r).Title()), all.byReason[r])
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
				fmt.Fprintf(bw, "\n… and %s more; the report lists them all.\n", words.Plural(len(rows)-i, "package"))
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
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the Markdown summary: %w", err)
	}
	return nil
}

// summaryCount is what a summary counts of one package or of all.
type summaryCount struct {
	goroutines, known int
	baselined         bool
	tests             map[string]bool
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
				c.tests[t] = true
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
// as a quote rather than breaking the span.
func mdCode(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	return "`" + s + "`"
}

// mdCell makes s safe in a table cell: a pipe would end the cell, even in
// a code span.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
