package wordpiece_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/models/wordpiece"
)

var corpus = []string{
	"我们 下周三 前 把 报价单 发 给 您",
	"我们 明天 把 报价单 发 给 您",
	"你们 的 报价 太 贵 了",
	"我们 的 CRM 系统 经常 宕机",
	"crm 数据 对 不 上 ，",
}

func newTokenizer(t testing.TB, maxLength int, lowercase bool) *wordpiece.Tokenizer {
	t.Helper()
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{Lowercase: lowercase})
	js, err := wordpiece.Spec{Vocab: vocab, Lowercase: lowercase, MaxLength: maxLength}.JSON()
	require.NoError(t, err)
	tok, err := wordpiece.New(js, maxLength)
	require.NoError(t, err)
	return tok
}

func realTokens(e wordpiece.Encoding) []string { return e.Tokens[:e.Len] }

func TestBuildVocabOrder(t *testing.T) {
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{Lowercase: true})

	require.Equal(t, []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]"}, vocab[:4])
	// Words occurring at least twice, most frequent first, ties in byte order.
	assert.Equal(t, []string{"我们", "crm", "发", "您", "把", "报价单", "的", "给"}, vocab[4:12])
	// Then every character, then every continuation piece.
	assert.Contains(t, vocab, "宕")
	assert.Contains(t, vocab, "##宕")
	assert.Contains(t, vocab, "，")
	assert.Contains(t, vocab, "##，")
	assert.NotContains(t, vocab, "宕机", "a word seen once is left to its characters")
	assert.NotContains(t, vocab, "CRM", "lowercased")

	firstChar := -1
	for i, tok := range vocab {
		if strings.HasPrefix(tok, "##") && firstChar < 0 {
			firstChar = i
		}
		if firstChar >= 0 {
			assert.True(t, strings.HasPrefix(tok, "##"), "continuation pieces come last: %q at %d", tok, i)
		}
	}

	seen := map[string]bool{}
	for _, tok := range vocab {
		assert.False(t, seen[tok], "duplicate %q", tok)
		seen[tok] = true
	}
}

func TestBuildVocabIndependentOfSentenceOrder(t *testing.T) {
	reversed := make([]string, len(corpus))
	for i, s := range corpus {
		reversed[len(corpus)-1-i] = s
	}
	assert.Equal(t,
		wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{}),
		wordpiece.BuildVocab(reversed, wordpiece.VocabOptions{}))
}

func TestBuildVocabLimits(t *testing.T) {
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{MaxWords: 2, MinCount: 1, Lowercase: true})
	assert.Equal(t, []string{"我们", "crm"}, vocab[4:6])
	assert.Len(t, []rune(vocab[6]), 1, "characters follow the two words kept")

	vocab = wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{MinCount: 3, Lowercase: true})
	assert.Equal(t, "我们", vocab[4])
	assert.Len(t, []rune(vocab[5]), 1, "characters follow the one word seen three times")

	vocab = wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{MinCount: 1, MaxInputCharsPerWord: 2})
	assert.NotContains(t, vocab, "报价单", "longer than MaxInputCharsPerWord")
	assert.Contains(t, vocab, "我们")
}

func TestSpecValidate(t *testing.T) {
	good := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{})
	tests := []struct {
		name string
		spec wordpiece.Spec
		want string
	}{
		{"too short", wordpiece.Spec{Vocab: []string{"[PAD]"}, MaxLength: 8}, "fewer than the 4 special tokens"},
		{"specials out of order", wordpiece.Spec{Vocab: []string{"[UNK]", "[PAD]", "[CLS]", "[SEP]"}, MaxLength: 8}, `id 0 is "[UNK]", want "[PAD]"`},
		{"duplicate", wordpiece.Spec{Vocab: append(append([]string{}, good...), "我们"), MaxLength: 8}, `token "我们" has ids 4 and`},
		{"empty token", wordpiece.Spec{Vocab: append(append([]string{}, good...), ""), MaxLength: 8}, "is empty"},
		{"invalid UTF-8", wordpiece.Spec{Vocab: append(append([]string{}, good...), "\xff"), MaxLength: 8}, "not valid UTF-8"},
		{"max length", wordpiece.Spec{Vocab: good, MaxLength: 2}, "max length 2"},
		{"negative chars", wordpiece.Spec{Vocab: good, MaxLength: 8, MaxInputCharsPerWord: -1}, "negative max input chars"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			_, err = tt.spec.JSON()
			require.Error(t, err)
		})
	}
	require.NoError(t, wordpiece.Spec{Vocab: good, MaxLength: 8}.Validate())
}

func TestSpecJSON(t *testing.T) {
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{})
	spec := wordpiece.Spec{Vocab: vocab, Lowercase: true, MaxLength: 16}
	js, err := spec.JSON()
	require.NoError(t, err)
	again, err := spec.JSON()
	require.NoError(t, err)
	assert.Equal(t, js, again, "deterministic")

	var doc map[string]any
	require.NoError(t, json.Unmarshal(js, &doc))
	for _, key := range []string{"version", "truncation", "padding", "added_tokens", "normalizer",
		"pre_tokenizer", "post_processor", "decoder", "model"} {
		assert.Contains(t, doc, key)
	}
	assert.Equal(t, map[string]any{"type": "WhitespaceSplit"}, doc["pre_tokenizer"])
	assert.Equal(t, map[string]any{"type": "Lowercase"}, doc["normalizer"])
	model := doc["model"].(map[string]any)
	assert.Equal(t, "WordPiece", model["type"])
	assert.Equal(t, "[UNK]", model["unk_token"])
	assert.Equal(t, "##", model["continuing_subword_prefix"])
	assert.EqualValues(t, wordpiece.DefaultMaxInputCharsPerWord, model["max_input_chars_per_word"])
	assert.EqualValues(t, 16, doc["truncation"].(map[string]any)["max_length"])
	assert.Equal(t, map[string]any{"Fixed": float64(16)}, doc["padding"].(map[string]any)["strategy"])

	vocabJSON := model["vocab"].(map[string]any)
	require.Len(t, vocabJSON, len(vocab))
	for id, tok := range vocab {
		assert.EqualValues(t, id, vocabJSON[tok])
	}
	// Written in id order, not key order, and without HTML escaping.
	text := string(js)
	last := -1
	for _, tok := range vocab[:12] {
		i := strings.Index(text, fmt.Sprintf("%q:", tok))
		require.Greater(t, i, last, "token %q out of id order", tok)
		last = i
	}

	plain, err := wordpiece.Spec{Vocab: vocab, MaxLength: 16}.JSON()
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(plain, &doc))
	assert.Equal(t, "Sequence", doc["normalizer"].(map[string]any)["type"])
}

func TestEncode(t *testing.T) {
	tok := newTokenizer(t, 12, true)
	assert.Equal(t, 12, tok.MaxLength())

	tests := []struct {
		name     string
		sentence string
		want     []string
	}{
		{"known words", "我们 把 报价单 发 给 您", []string{"[CLS]", "我们", "把", "报价单", "发", "给", "您", "[SEP]"}},
		{"unseen word falls back to characters", "报价 宕", []string{"[CLS]", "报", "##价", "宕", "[SEP]"}},
		{"unsegmented text", "我们报价单", []string{"[CLS]", "我们", "##报", "##价", "##单", "[SEP]"}},
		{"unseen character", "我们 鑫", []string{"[CLS]", "我们", "[UNK]", "[SEP]"}},
		{"lowercased Latin", "CRM Crm", []string{"[CLS]", "crm", "crm", "[SEP]"}},
		{"full-width punctuation", "数据 ， 宕机", []string{"[CLS]", "数", "##据", "，", "宕", "##机", "[SEP]"}},
		{"any Unicode space separates", "\u3000我们\t把\u00a0您\n", []string{"[CLS]", "我们", "把", "您", "[SEP]"}},
		{"empty", "", []string{"[CLS]", "[SEP]"}},
		{"only spaces", " \u3000 ", []string{"[CLS]", "[SEP]"}},
		{"truncated to max length", "我们 我们 我们 我们 我们 我们 我们 我们 我们 我们 我们 我们",
			[]string{"[CLS]", "我们", "我们", "我们", "我们", "我们", "我们", "我们", "我们", "我们", "我们", "[SEP]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := tok.Encode(tt.sentence)
			require.NoError(t, err)
			assert.Equal(t, tt.want, realTokens(enc))
			require.Len(t, enc.IDs, 12)
			require.Len(t, enc.Mask, 12)
			require.Len(t, enc.Tokens, 12)
			for i := range enc.IDs {
				if i < enc.Len {
					assert.EqualValues(t, 1, enc.Mask[i])
				} else {
					assert.EqualValues(t, 0, enc.Mask[i])
					assert.EqualValues(t, wordpiece.PadID, enc.IDs[i])
					assert.Equal(t, wordpiece.PadToken, enc.Tokens[i])
				}
			}
			assert.EqualValues(t, wordpiece.ClsID, enc.IDs[0])
			assert.EqualValues(t, wordpiece.SepID, enc.IDs[enc.Len-1])
		})
	}
}

func TestEncodeKeepCase(t *testing.T) {
	tok := newTokenizer(t, 12, false)
	enc, err := tok.Encode("CRM crm")
	require.NoError(t, err)
	assert.Equal(t, []string{"[CLS]", "C", "##R", "##M", "c", "##r", "##m", "[SEP]"}, realTokens(enc))
}

func TestEncodeInvalidUTF8(t *testing.T) {
	tok := newTokenizer(t, 12, true)
	_, err := tok.Encode("我们 \xff")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not valid UTF-8")
}

func TestNewRejectsBadInput(t *testing.T) {
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{})
	good, err := wordpiece.Spec{Vocab: vocab, MaxLength: 8}.JSON()
	require.NoError(t, err)
	swapped := append([]string{}, vocab...)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	var doc map[string]any
	require.NoError(t, json.Unmarshal(good, &doc))
	doc["model"].(map[string]any)["vocab"] = map[string]any{"[UNK]": 0, "[PAD]": 1, "[CLS]": 2, "[SEP]": 3}
	reordered, err := json.Marshal(doc)
	require.NoError(t, err)

	tests := []struct {
		name      string
		json      string
		maxLength int
		want      string
	}{
		{"not JSON", "{", 8, "parse tokenizer.json"},
		{"no model", `{"pre_tokenizer":{"type":"WhitespaceSplit"}}`, 8, "tokenizer.json"},
		{"model without vocab", `{"model":{"type":"WordPiece"},"pre_tokenizer":{"type":"WhitespaceSplit"}}`, 8, "malformed tokenizer.json"},
		{"special tokens out of place", string(reordered), 8, `id 0 is "[UNK]", want "[PAD]"`},
		{"max length too small", string(good), 2, "max length 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wordpiece.New([]byte(tt.json), tt.maxLength)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoad(t *testing.T) {
	vocab := wordpiece.BuildVocab(corpus, wordpiece.VocabOptions{})
	js, err := wordpiece.Spec{Vocab: vocab, MaxLength: 8}.JSON()
	require.NoError(t, err)
	path := t.TempDir() + "/tokenizer.json"
	require.NoError(t, os.WriteFile(path, js, 0o644))

	// The caller's max length wins over the file's.
	tok, err := wordpiece.Load(path, 5)
	require.NoError(t, err)
	assert.Equal(t, len(vocab), tok.VocabSize())
	enc, err := tok.Encode("我们 把 报价单 发 给 您")
	require.NoError(t, err)
	assert.Equal(t, []string{"[CLS]", "我们", "把", "报价单", "[SEP]"}, enc.Tokens)

	_, err = wordpiece.Load(t.TempDir()+"/missing.json", 8)
	require.Error(t, err)
}

func TestEncodeConcurrently(t *testing.T) {
	tok := newTokenizer(t, 16, true)
	want := make([]wordpiece.Encoding, len(corpus))
	for i, s := range corpus {
		var err error
		want[i], err = tok.Encode(s)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				for i, s := range corpus {
					got, err := tok.Encode(s)
					if err != nil {
						errs <- err
						return
					}
					if !assert.Equal(t, want[i].IDs, got.IDs) {
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func BenchmarkTokenize(b *testing.B) {
	tok := newTokenizer(b, 64, true)
	sentences := append(corpus, "我们 的 ERP 系统 经常 宕机 很 影响 月底 结算 ， 希望 你们 下周 给 个 方案")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := tok.Encode(sentences[i%len(sentences)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
}

func TestFeaturePrefix(t *testing.T) {
	sentences := []string{"报价 太 贵 ▁报价 ▁价太", "报价 贵 ▁报价 ▁side:customer", "贵 ▁side:customer"}
	vocab := wordpiece.BuildVocab(sentences, wordpiece.VocabOptions{FeaturePrefix: "▁"})
	assert.Contains(t, vocab, "▁报价")
	assert.Contains(t, vocab, "▁side:customer")
	assert.NotContains(t, vocab, "▁价太", "rare features are left out like rare words")
	for _, tok := range vocab {
		assert.NotEqual(t, "▁", tok, "features give no character pieces")
		assert.NotEqual(t, "s", tok)
	}

	js, err := wordpiece.Spec{Vocab: vocab, MaxLength: 16}.JSON()
	require.NoError(t, err)
	tok, err := wordpiece.New(js, 16)
	require.NoError(t, err)
	enc, err := tok.Encode("报价 ▁报价 ▁价太 ▁side:vendor")
	require.NoError(t, err)
	assert.Equal(t, []string{"[CLS]", "报价", "▁报价", "[UNK]", "[UNK]", "[SEP]"}, realTokens(enc),
		"an unknown feature reads as [UNK], not as characters")
}
