package report

import (
	"strconv"
	"unicode/utf8"
)

// maxShownName bounds a function name, file path or wait state as every
// form of a report shows it: the longest path Linux opens (PATH_MAX), so a
// real file can still be read for its source; function names stay far
// below, type arguments being printed as "[...]". A dump with a 50 MB name
// is broken or hostile, and printing the name whole would bury the report.
const maxShownName = 4096

// shownName returns s, or its first maxShownName bytes (whole characters)
// and how much was cut.
func shownName(s string) string {
	if len(s) <= maxShownName {
		return s
	}
	cut := maxShownName
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)-cut) + " more bytes)"
}
