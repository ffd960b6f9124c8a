package reportdir

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// Variables a step summary is written by: GitHub Actions sets
// GITHUB_STEP_SUMMARY to the file whose Markdown it shows on the run's
// page; the workflow sets LEAKHOUND_ARTIFACT to the name it uploads the
// report directory as, so the summary can say where the report is.
const (
	StepSummaryEnv = "GITHUB_STEP_SUMMARY"
	ArtifactEnv    = "LEAKHOUND_ARTIFACT"
)

// WriteStepSummary puts the Markdown summary of docs (one package, or all
// of a merge) into the step summary file at path. The summary sits
// between two comment lines naming key (the package); if the file already
// holds key's summary (an earlier check of the same test binary wrote it)
// it is replaced, else appended. So each package appears once however
// many of its tests leak, and the summaries of a job's packages, written
// by test binaries running at once, all stay: the file is locked while it
// is rewritten. opts says where the report is.
func WriteStepSummary(path string, docs []*report.Document, key string, opts report.SummaryOptions) (err error) {
	var md bytes.Buffer
	if err := report.WriteMarkdownSummary(&md, docs, opts); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("writing the step summary: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	unlock, err := lockOpenFile(f, path)
	if err != nil {
		return fmt.Errorf("writing the step summary: %w", err)
	}
	defer func() { err = errors.Join(err, unlock()) }()
	old, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("writing the step summary: %w", err)
	}
	block := summaryBlock(key, md.String())
	updated, replaced := replaceSummaryBlock(string(old), key, block)
	if !replaced {
		// Appending leaves the rest of the file as its writers made it.
		_, err = f.Write([]byte(separated(string(old)) + block))
	} else {
		if err = f.Truncate(0); err == nil {
			_, err = f.WriteAt([]byte(updated), 0)
		}
	}
	if err != nil {
		return fmt.Errorf("writing the step summary: %w", err)
	}
	return nil
}

// summaryMarkers are the comment lines around a package's summary. A
// comment cannot hold "--", so the key is cleaned of it.
func summaryMarkers(key string) (begin, end string) {
	key = strings.NewReplacer("--", "-", "\n", " ", ">", " ").Replace(key)
	return "<!-- leakhound summary: " + key + " -->\n", "<!-- end of leakhound summary: " + key + " -->\n"
}

func summaryBlock(key, md string) string {
	begin, end := summaryMarkers(key)
	if !strings.HasSuffix(md, "\n") {
		md += "\n"
	}
	return begin + md + end
}

// replaceSummaryBlock replaces key's block in text, if there is one.
func replaceSummaryBlock(text, key, block string) (string, bool) {
	begin, end := summaryMarkers(key)
	i := strings.Index(text, begin)
	if i < 0 {
		return text, false
	}
	j := strings.Index(text[i:], end)
	if j < 0 {
		return text, false
	}
	return text[:i] + block + text[i+j+len(end):], true
}

// separated ends text with a blank line, so what is appended after it
// starts a new Markdown block.
func separated(text string) string {
	switch {
	case text == "", strings.HasSuffix(text, "\n\n"):
		return ""
	case strings.HasSuffix(text, "\n"):
		return "\n"
	}
	return "\n\n"
}
