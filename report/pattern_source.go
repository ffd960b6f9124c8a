package report

// patternSource is where the HTML and JSON writers find the details of a
// pattern a group names: this build's catalog first, then the patterns a
// Document carries (stored with the JSON it was read from, so a file
// written by another version can name a pattern this build does not
// know). A document may come from anyone: its texts never replace the
// catalog's.
type patternSource map[string]Pattern

// lookup returns the pattern with the given ID, and whether there is one.
func (ps patternSource) lookup(id string) (Pattern, bool) {
	if p, ok := PatternByID(id); ok {
		return p, true
	}
	p, ok := ps[id]
	return p, ok
}
