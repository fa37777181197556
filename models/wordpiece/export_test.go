package wordpiece

// CachedWords is the number of words t's cache holds, -1 when it has none.
func CachedWords(t *Tokenizer) int {
	if t.cache == nil {
		return -1
	}
	return t.cache.len()
}
