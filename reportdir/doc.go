// Package reportdir is the report directory: the files leakhound writes
// when LEAKHOUND_REPORT names a directory, one set per package (JSON, HTML
// page, pprof profile) and an index of them all.
//
// Many test binaries write into one directory at once, as `go test ./...`
// runs them; WriteDir locks the directory and renames every file into
// place, so readers and the index never see half a file.
//
// Around the directory, what CI needs at the scale of a monorepo: Collect
// and Merged.Write merge the directories of many CI shards or Bazel test
// targets (zipped or not) into one, resolving reruns and leaving out torn
// shards; a Baseline of known leaks marks each leak new or known; and
// WriteStepSummary puts a Markdown summary on a GitHub Actions run's page.
// Under Bazel (BazelOutputsEnv set, LEAKHOUND_REPORT not), reports go to
// the test's outputs directory.
//
// Package report renders the pages; this package only decides which files
// exist, what they are named and when they are written.
package reportdir
