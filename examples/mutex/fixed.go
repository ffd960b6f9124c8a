package mutex

// Reserve takes n of item out of stock. The deferred Unlock right after
// Lock runs on every return, the error path included, so a failed
// reservation cannot freeze the inventory.
func (inv *Inventory) Reserve(item string, n int) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	have := inv.stock[item]
	if have < n {
		return outOfStock(item, n, have)
	}
	inv.stock[item] = have - n
	return nil
}
