package report

// patternSource is where the HTML and JSON writers find the details of a
// pattern a group names: the patterns a Document carries (stored with the
// JSON it was read from, so an older file keeps its own texts) first, then
// this build's catalog.
type patternSource map[string]Pattern

// lookup returns the pattern with the given ID, and whether there is one.
func (ps patternSource) lookup(id string) (Pattern, bool) {
	if p, ok := ps[id]; ok {
		return p, true
	}
	return PatternByID(id)
}
