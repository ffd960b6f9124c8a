// Package words holds the English the user-facing text of every package
// shares, so that it is written one way everywhere.
package words

import "strconv"

// Plural returns n and the noun, in the plural unless n is 1:
// "1 goroutine", "0 goroutines", "2 goroutines". The noun must take a plain
// "s" in the plural, as every noun leakhound counts does.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
