package monitor

import (
	"fmt"
	"testing"
)

func statesOf(n int) *connStates {
	m := make(map[resultKey]*state, n)
	for i := range n {
		m[resultKey{"t", "r", fmt.Sprint(i)}] = &state{}
	}
	return &connStates{gen: 1, states: m}
}

// The memory of results stays within its bound: remembering a connection
// drops others until the total fits, and a connection larger than the bound
// is not remembered at all.
func TestStateCacheIsBounded(t *testing.T) {
	c := stateCache{limit: 10}
	c.put(1, 1, statesOf(4))
	c.put(1, 2, statesOf(4))
	if len(c.m) != 2 {
		t.Fatalf("%d connections remembered, want 2", len(c.m))
	}
	c.put(1, 3, statesOf(4)) // 12 > 10: one of the others goes
	total := 0
	for _, s := range c.m {
		total += len(s.states)
	}
	if total > 10 || c.m[[2]int64{1, 3}] == nil {
		t.Fatalf("after a third: %d remembered, the newest kept: %v", total, c.m[[2]int64{1, 3}] != nil)
	}
	c.put(1, 4, statesOf(11))
	if c.m[[2]int64{1, 4}] != nil {
		t.Fatal("a connection larger than the bound was remembered")
	}
	if s := c.take(1, 3); s == nil || c.take(1, 3) != nil {
		t.Fatal("take returns a memory once")
	}
}
