// Package mutex shows a mutex left locked on an error path.
//
// An Inventory guards its stock with a sync.Mutex. LeakyReserve locks it,
// and on the happy path unlocks it at the end — but when the stock is too
// low it returns the error first, with the mutex still held. Every later
// caller then blocks in Lock forever: one failed reservation freezes the
// shop. Reserve unlocks with defer right after Lock, so every return path
// releases the mutex.
package mutex

import (
	"errors"
	"fmt"
	"sync"
)

// Inventory counts items in stock.
type Inventory struct {
	mu    sync.Mutex
	stock map[string]int
}

// ErrOutOfStock means a reservation asked for more than is in stock.
var ErrOutOfStock = errors.New("out of stock")

// NewInventory returns an Inventory holding stock (copied).
func NewInventory(stock map[string]int) *Inventory {
	inv := &Inventory{stock: make(map[string]int, len(stock))}
	for item, n := range stock {
		inv.stock[item] = n
	}
	return inv
}

// InStock returns how many of item are in stock.
func (inv *Inventory) InStock(item string) int {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.stock[item]
}

func outOfStock(item string, want, have int) error {
	return fmt.Errorf("reserving %d × %s: %w (%d left)", want, item, ErrOutOfStock, have)
}
