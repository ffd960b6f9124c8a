package words

import "strings"

// LowerFirst returns s with its first letter lowered, to use a title or a
// sentence as a clause inside another sentence.
func LowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
