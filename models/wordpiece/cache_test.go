package wordpiece_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/models/wordpiece"
)

// cacheSentences covers what could tell word-by-word encoding from whole
// sentences: truncation inside a word's pieces, special tokens written in
// the text, mixed case and scripts, odd spaces and words too long to split.
func cacheSentences() []string {
	return append(corpus,
		"",
		" \u3000 ",
		"我们报价单",
		"我们 [CLS] 把 [SEP]报价单 [UNK]",
		"[PAD]",
		"[cls] 我们 [Sep] [ 我们 ]",
		"CRM Crm cRM 宕机 ，",
		"\u3000我们\t把\u00a0您\n\u2003报价单\u0085发",
		"鑫淼 犇 骉 SaaS 方案 demo",
		strings.Repeat("报价单", 30),
		strings.Repeat("宕", 201),
		strings.Repeat("我们 ", 20),
		strings.Repeat("报价单 ", 6)+"宕机宕机宕机",
		"我们 报价单 报价单 报价单 报价单 宕机宕机",
		"İSTANBUL ΣΊΣΥΦΟΣ ǅ",
	)
}

func TestEncodeCachedMatchesUncached(t *testing.T) {
	for _, lowercase := range []bool{true, false} {
		for _, maxLength := range []int{3, 4, 7, 12, 64} {
			tok := newTokenizer(t, maxLength, lowercase)
			for range 2 { // first filling the cache, then reading it
				for _, s := range cacheSentences() {
					want, err := tok.EncodeUncached(s)
					require.NoError(t, err)
					got, err := tok.Encode(s)
					require.NoError(t, err)
					require.Equal(t, want, got, "lowercase %v, max length %d: %q", lowercase, maxLength, s)

					ids, mask := make([]int64, maxLength), make([]int64, maxLength)
					for i := range ids { // stale content must be overwritten
						ids[i], mask[i] = 7, 7
					}
					n, err := tok.EncodeIDs(s, ids, mask)
					require.NoError(t, err)
					require.Equal(t, want.Len, n)
					require.Equal(t, want.IDs, ids, s)
					require.Equal(t, want.Mask, mask, s)
				}
			}
		}
	}
}

func TestWordCacheBounded(t *testing.T) {
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{Lowercase: true})
	js, err := wordpiece.Spec{Vocab: vocab, Lowercase: true, MaxLength: 16}.JSON()
	require.NoError(t, err)

	tok, err := wordpiece.New(js, 16, wordpiece.WithWordCache(4))
	require.NoError(t, err)
	for _, s := range cacheSentences() {
		want, err := tok.EncodeUncached(s)
		require.NoError(t, err)
		got, err := tok.Encode(s)
		require.NoError(t, err)
		require.Equal(t, want, got, s)
		assert.LessOrEqual(t, wordpiece.CachedWords(tok), 4)
	}
	assert.Positive(t, wordpiece.CachedWords(tok))

	off, err := wordpiece.New(js, 16, wordpiece.WithWordCache(0))
	require.NoError(t, err)
	assert.Equal(t, -1, wordpiece.CachedWords(off))
	enc, err := off.Encode("我们 把 报价单")
	require.NoError(t, err)
	assert.Equal(t, []string{"[CLS]", "我们", "把", "报价单", "[SEP]"}, realTokens(enc))

	_, err = wordpiece.New(js, 16, wordpiece.WithWordCache(-1))
	require.ErrorContains(t, err, "negative word cache size")
}

func TestEncodeCachedInvalidUTF8(t *testing.T) {
	tok := newTokenizer(t, 12, true)
	_, err := tok.Encode("我们 \xff")
	require.ErrorContains(t, err, "not valid UTF-8")
	_, err = tok.EncodeIDs("我们 \xff", make([]int64, 12), make([]int64, 12))
	require.ErrorContains(t, err, "not valid UTF-8")
}

func TestEncodeIDsNeedsRoom(t *testing.T) {
	tok := newTokenizer(t, 12, true)
	_, err := tok.EncodeIDs("我们", make([]int64, 11), make([]int64, 12))
	require.ErrorContains(t, err, "buffers of 11 ids and 12 mask entries, want 12")
}

// BenchmarkTokenizeUncached is BenchmarkTokenize without the word cache:
// the cost of passing every sentence whole through sugarme/tokenizer.
func BenchmarkTokenizeUncached(b *testing.B) {
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{Lowercase: true})
	js, err := wordpiece.Spec{Vocab: vocab, Lowercase: true, MaxLength: 64}.JSON()
	require.NoError(b, err)
	tok, err := wordpiece.New(js, 64, wordpiece.WithWordCache(0))
	require.NoError(b, err)
	sentences := append(corpus, "我们 的 ERP 系统 经常 宕机 很 影响 月底 结算 ， 希望 你们 下周 给 个 方案")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := tok.Encode(sentences[i%len(sentences)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
}

func TestWordCacheOnlyForWordLocalFiles(t *testing.T) {
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{Lowercase: true})
	js, err := wordpiece.Spec{Vocab: vocab, Lowercase: true, MaxLength: 16}.JSON()
	require.NoError(t, err)
	tok, err := wordpiece.New(js, 16)
	require.NoError(t, err)
	assert.Equal(t, 0, wordpiece.CachedWords(tok), "a file Spec.JSON writes gets the cache")

	// Whitespace splits punctuation off words as well: still local to a
	// word, but not a file this package writes, so it is left whole.
	other := strings.Replace(string(js), `"WhitespaceSplit"`, `"Whitespace"`, 1)
	require.NotEqual(t, string(js), other)
	tok, err = wordpiece.New([]byte(other), 16)
	require.NoError(t, err)
	assert.Equal(t, -1, wordpiece.CachedWords(tok))
	enc, err := tok.Encode("我们 把 报价单")
	require.NoError(t, err)
	assert.Equal(t, []string{"[CLS]", "我们", "把", "报价单", "[SEP]"}, realTokens(enc))
}
