// Package reportdir is the report directory: the files leakhound writes
// when LEAKHOUND_REPORT names a directory, one set per package (JSON, HTML
// page, pprof profile) and an index of them all.
//
// Many test binaries write into one directory at once, as `go test ./...`
// runs them; WriteDir locks the directory and renames every file into
// place, so readers and the index never see half a file.
//
// Package report renders the pages; this package only decides which files
// exist, what they are named and when they are written.
package reportdir
