package wordpiece

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sugarme/tokenizer"
	"github.com/sugarme/tokenizer/pretrained"
)

// Tokenizer encodes sentences into fixed-length model inputs. It wraps a
// github.com/sugarme/tokenizer loaded from a tokenizer.json and enforces the
// truncation and padding of the model it belongs to, whatever the file says.
//
// A Tokenizer is safe for concurrent use.
//
// Sentences are encoded word by word: each distinct word goes through
// sugarme/tokenizer once and its pieces are kept in a bounded cache, and a
// sentence is assembled from the pieces of its words, truncated and padded
// as sugarme/tokenizer does it. In the files Spec.JSON writes the
// whitespace pre-tokenizer splits words apart and the normalizer works rune
// by rune, so the pieces of a word do not depend on its neighbours and the
// result equals encoding the whole sentence at once (EncodeUncached), at a
// fraction of the cost. Files of another make are always encoded whole.
type Tokenizer struct {
	tk        *tokenizer.Tokenizer // whole sentences: truncation, padding, [CLS] and [SEP]
	word      *tokenizer.Tokenizer // one word: none of those
	maxLength int
	vocabSize int
	cache     *wordCache // nil when disabled
	added     []string   // added tokens; sentences spelling one are encoded whole
}

// DefaultWordCacheSize is how many distinct words a Tokenizer keeps the
// pieces of unless WithWordCache says otherwise: more than the vocabulary
// and character bigrams of a few months of one team's messages.
const DefaultWordCacheSize = 1 << 17

// Option configures New and Load.
type Option func(*config)

type config struct {
	cacheSize int
}

// WithWordCache bounds the word cache to n distinct words; n = 0 turns the
// cache off, so that every sentence goes through sugarme/tokenizer whole.
func WithWordCache(n int) Option { return func(c *config) { c.cacheSize = n } }

// Encoding is one encoded sentence. IDs and Mask have the tokenizer's
// MaxLength entries; positions past Len are padding with mask 0.
type Encoding struct {
	IDs  []int64
	Mask []int64
	// Tokens are the token strings, padding included.
	Tokens []string
	// Len counts the real tokens, [CLS] and [SEP] included.
	Len int
}

// Load reads a tokenizer.json and returns a Tokenizer producing maxLength
// tokens per sentence.
func Load(path string, maxLength int, opts ...Option) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("wordpiece: %w", err)
	}
	t, err := New(data, maxLength, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return t, nil
}

// New parses tokenizer.json content and returns a Tokenizer producing
// maxLength tokens per sentence.
func New(tokenizerJSON []byte, maxLength int, opts ...Option) (t *Tokenizer, err error) {
	if maxLength < 3 {
		return nil, fmt.Errorf("wordpiece: max length %d leaves no room between [CLS] and [SEP]", maxLength)
	}
	cfg := config{cacheSize: DefaultWordCacheSize}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.cacheSize < 0 {
		return nil, fmt.Errorf("wordpiece: negative word cache size %d", cfg.cacheSize)
	}
	// sugarme/tokenizer type-asserts JSON fields without checking them, so
	// a malformed file panics inside it instead of returning an error.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("wordpiece: malformed tokenizer.json: %v", r)
		}
	}()
	tk, err := pretrained.FromReader(bytes.NewReader(tokenizerJSON))
	if err != nil {
		return nil, fmt.Errorf("wordpiece: parse tokenizer.json: %w", err)
	}
	if tk.GetModel() == nil {
		return nil, fmt.Errorf("wordpiece: tokenizer.json has no model")
	}
	if tk.GetPreTokenizer() == nil {
		return nil, fmt.Errorf("wordpiece: tokenizer.json has no pre_tokenizer")
	}
	for id, want := range specialTokens {
		if got, ok := tk.IdToToken(id); !ok || got != want {
			return nil, fmt.Errorf("wordpiece: tokenizer.json id %d is %q, want %q", id, got, want)
		}
	}
	tk.WithTruncation(&tokenizer.TruncationParams{
		MaxLength: maxLength,
		Strategy:  tokenizer.LongestFirst,
	})
	tk.WithPadding(&tokenizer.PaddingParams{
		Strategy:  *tokenizer.NewPaddingStrategy(tokenizer.WithFixed(maxLength)),
		Direction: tokenizer.Right,
		PadId:     PadID,
		PadToken:  PadToken,
	})
	// A second instance from the same file, left without truncation and
	// padding, encodes single words for the cache.
	word, err := pretrained.FromReader(bytes.NewReader(tokenizerJSON))
	if err != nil {
		return nil, fmt.Errorf("wordpiece: parse tokenizer.json: %w", err)
	}
	word.WithTruncation(nil)
	word.WithPadding(nil)
	t = &Tokenizer{tk: tk, word: word, maxLength: maxLength, vocabSize: tk.GetVocabSize(true)}
	if cfg.cacheSize > 0 {
		added, ok := wordLocal(tokenizerJSON)
		if ok {
			t.cache = newWordCache(cfg.cacheSize)
			t.added = added
		}
	}
	return t, nil
}

// wordLocal reports whether the tokenizer.json encodes each word on its
// own, so that sentences can be put together from cached words: a WordPiece
// model behind a whitespace pre-tokenizer and a normalizer that works rune
// by rune, as Spec.JSON writes them. It returns the added tokens, which
// sugarme/tokenizer cuts out of the text before anything else. Other files
// are encoded whole, without the cache.
func wordLocal(tokenizerJSON []byte) (added []string, ok bool) {
	var doc struct {
		AddedTokens []struct {
			Content string `json:"content"`
		} `json:"added_tokens"`
		Normalizer *struct {
			Type        string            `json:"type"`
			Normalizers []json.RawMessage `json:"normalizers"`
		} `json:"normalizer"`
		PreTokenizer *struct {
			Type string `json:"type"`
		} `json:"pre_tokenizer"`
		Model struct {
			Type string `json:"type"`
		} `json:"model"`
	}
	if err := json.Unmarshal(tokenizerJSON, &doc); err != nil {
		return nil, false
	}
	if doc.Model.Type != "WordPiece" || doc.PreTokenizer == nil || doc.PreTokenizer.Type != "WhitespaceSplit" {
		return nil, false
	}
	if n := doc.Normalizer; n != nil {
		switch {
		case n.Type == "Lowercase":
		case n.Type == "Sequence" && len(n.Normalizers) == 0:
		default:
			return nil, false
		}
	}
	for _, a := range doc.AddedTokens {
		if a.Content != "" {
			added = append(added, a.Content)
		}
	}
	return added, true
}

// MaxLength is the number of tokens of every encoding.
func (t *Tokenizer) MaxLength() int { return t.maxLength }

// VocabSize is the number of token ids, special tokens included.
func (t *Tokenizer) VocabSize() int { return t.vocabSize }

// Encode tokenises one sentence of space-joined words. Any Unicode space
// separates words, the ideographic space U+3000 included. Text that is empty
// or only whitespace encodes to just [CLS] [SEP].
func (t *Tokenizer) Encode(sentence string) (Encoding, error) {
	m := t.maxLength
	// One allocation for both int slices; the caller may keep them.
	buf := make([]int64, 2*m)
	enc := Encoding{IDs: buf[:m:m], Mask: buf[m:], Tokens: make([]string, m)}
	n, err := t.encodeInto(sentence, enc.IDs, enc.Mask, enc.Tokens)
	if err != nil {
		return Encoding{}, err
	}
	enc.Len = n
	return enc, nil
}

// EncodeIDs is Encode writing only token ids and attention mask, into ids
// and mask, which must hold MaxLength entries each; it returns the number
// of real tokens. It allocates nothing once the words of sentence are in
// the cache, which is what a model's input batch needs.
func (t *Tokenizer) EncodeIDs(sentence string, ids, mask []int64) (int, error) {
	if len(ids) < t.maxLength || len(mask) < t.maxLength {
		return 0, fmt.Errorf("wordpiece: buffers of %d ids and %d mask entries, want %d", len(ids), len(mask), t.maxLength)
	}
	return t.encodeInto(sentence, ids[:t.maxLength], mask[:t.maxLength], nil)
}

// encodeInto encodes sentence into ids, mask and, unless nil, tokens, all
// MaxLength long, and returns the number of real tokens.
func (t *Tokenizer) encodeInto(sentence string, ids, mask []int64, tokens []string) (int, error) {
	if t.cache == nil || t.hasAddedToken(sentence) {
		enc, err := t.EncodeUncached(sentence)
		if err != nil {
			return 0, err
		}
		copy(ids, enc.IDs)
		copy(mask, enc.Mask)
		if tokens != nil {
			copy(tokens, enc.Tokens)
		}
		return enc.Len, nil
	}
	if !utf8.ValidString(sentence) {
		return 0, fmt.Errorf("wordpiece: sentence is not valid UTF-8")
	}
	m := t.maxLength
	ids[0] = ClsID
	if tokens != nil {
		tokens[0] = ClsToken
	}
	n, last := 1, m-1 // last is the place of [SEP] when the sentence fills it all
	c := t.cache
	c.mu.RLock()
	for rest := sentence; n < last; {
		w := ""
		w, rest = nextWord(rest)
		if w == "" {
			break
		}
		p, ok := c.m[w]
		if !ok {
			c.mu.RUnlock()
			var err error
			if p, err = t.encodeWord(w); err != nil {
				return 0, fmt.Errorf("wordpiece: tokenise %q: %w", sentence, err)
			}
			c.put(w, p)
			c.mu.RLock()
		}
		k := min(len(p.ids), last-n)
		copy(ids[n:], p.ids[:k])
		if tokens != nil {
			copy(tokens[n:], p.tokens[:k])
		}
		n += k
	}
	c.mu.RUnlock()
	ids[n] = SepID
	if tokens != nil {
		tokens[n] = SepToken
	}
	n++
	for i := range n {
		mask[i] = 1
	}
	for i := n; i < m; i++ {
		ids[i], mask[i] = PadID, 0
		if tokens != nil {
			tokens[i] = PadToken
		}
	}
	return n, nil
}

// hasAddedToken reports whether s spells out an added token such as
// "[CLS]". sugarme/tokenizer cuts those out of the text before splitting it
// into words, and what it makes of them depends on the whole sentence, so
// such rare sentences are encoded whole.
func (t *Tokenizer) hasAddedToken(s string) bool {
	for _, tok := range t.added {
		if strings.Contains(s, tok) {
			return true
		}
	}
	return false
}

// nextWord returns the first word of s, split on Unicode spaces as
// strings.Fields does, and what follows it; "" when s has no more words.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) {
			break
		}
		j += size
	}
	return s[i:j], s[j:]
}

// encodeWord passes one word through sugarme/tokenizer.
func (t *Tokenizer) encodeWord(w string) (p *wordPieces, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("word %q: %v", w, r)
		}
	}()
	en, err := t.word.EncodeSingle(w, false)
	if err != nil {
		return nil, fmt.Errorf("word %q: %w", w, err)
	}
	ids := en.GetIds()
	if len(en.Tokens) != len(ids) {
		return nil, fmt.Errorf("word %q: %d ids but %d tokens", w, len(ids), len(en.Tokens))
	}
	p = &wordPieces{ids: make([]int64, len(ids)), tokens: slices.Clone(en.Tokens)}
	for i, id := range ids {
		if id < 0 || id >= t.vocabSize {
			return nil, fmt.Errorf("word %q: id %d outside the vocabulary of %d", w, id, t.vocabSize)
		}
		p.ids[i] = int64(id)
	}
	return p, nil
}

// EncodeUncached tokenises a sentence as Encode does, passing it whole
// through sugarme/tokenizer without the word cache. It is the reference
// Encode is checked against.
func (t *Tokenizer) EncodeUncached(sentence string) (enc Encoding, err error) {
	if !utf8.ValidString(sentence) {
		return Encoding{}, fmt.Errorf("wordpiece: sentence is not valid UTF-8")
	}
	// sugarme/tokenizer splits only on ASCII whitespace; folding every
	// Unicode space to ' ' first matches the vocabulary, which was built
	// with strings.Fields, and the Hugging Face WhitespaceSplit.
	sentence = strings.Join(strings.Fields(sentence), " ")
	defer func() {
		// Guard against panics inside sugarme/tokenizer on unusual input;
		// one bad sentence must not bring the process down.
		if r := recover(); r != nil {
			enc, err = Encoding{}, fmt.Errorf("wordpiece: tokenise %q: %v", sentence, r)
		}
	}()
	en, err := t.tk.EncodeSingle(sentence, true)
	if err != nil {
		return Encoding{}, fmt.Errorf("wordpiece: tokenise %q: %w", sentence, err)
	}
	ids, mask := en.GetIds(), en.GetAttentionMask()
	if len(ids) != t.maxLength || len(mask) != t.maxLength || len(en.Tokens) != t.maxLength {
		return Encoding{}, fmt.Errorf("wordpiece: tokenise %q: got %d ids and %d mask entries, want %d",
			sentence, len(ids), len(mask), t.maxLength)
	}
	enc = Encoding{
		IDs:    make([]int64, t.maxLength),
		Mask:   make([]int64, t.maxLength),
		Tokens: en.Tokens,
	}
	for i := range ids {
		if ids[i] < 0 || ids[i] >= t.vocabSize {
			return Encoding{}, fmt.Errorf("wordpiece: tokenise %q: id %d outside the vocabulary of %d",
				sentence, ids[i], t.vocabSize)
		}
		enc.IDs[i] = int64(ids[i])
		enc.Mask[i] = int64(mask[i])
		if mask[i] != 0 {
			enc.Len++
		}
	}
	return enc, nil
}
