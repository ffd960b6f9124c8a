// Package cart is clean: its tests leave nothing running.
package cart

// Total adds the prices, each summed on its own goroutine.
func Total(prices []int) int {
	sums := make(chan int, len(prices))
	for _, p := range prices {
		go func() { sums <- p }()
	}
	total := 0
	for range prices {
		total += <-sums
	}
	return total
}
