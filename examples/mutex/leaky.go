package mutex

// LeakyReserve takes n of item out of stock. When there are not enough it
// returns an error — before the Unlock at the end, so the mutex stays
// locked and the next caller blocks on Lock forever.
func (inv *Inventory) LeakyReserve(item string, n int) error {
	inv.mu.Lock() // leak: blocks here
	have := inv.stock[item]
	if have < n {
		return outOfStock(item, n, have)
	}
	inv.stock[item] = have - n
	inv.mu.Unlock()
	return nil
}
