package wordpiece

import (
	"strings"
	"sync"
)

// wordPieces is the encoding of one word: its token ids and strings.
type wordPieces struct {
	ids    []int64
	tokens []string
}

// wordCache maps words to their pieces. A sentence takes the read lock once
// for all its words (see Tokenizer.encodeInto) and gives it up only to
// encode a word it misses: a plain map read under one lock costs a fraction
// of a sync.Map load per word. The cache is bounded by emptying it when it
// fills: cheaper than tracking recency, and it refills at once with the
// words in use, since most text is made of the same few thousand words.
// Entries are never modified once stored.
type wordCache struct {
	limit int
	mu    sync.RWMutex
	m     map[string]*wordPieces
}

func newWordCache(limit int) *wordCache {
	return &wordCache{limit: limit, m: make(map[string]*wordPieces)}
}

// put stores the pieces of w; the caller holds no lock.
func (c *wordCache) put(w string, p *wordPieces) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[w]; ok {
		return
	}
	if len(c.m) >= c.limit {
		clear(c.m)
	}
	// w is usually a slice of a sentence; a copy lets the sentence go.
	c.m[strings.Clone(w)] = p
}

// len is the number of words cached, for tests.
func (c *wordCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
