// Package wordpiece builds and runs the WordPiece tokenizer of guanxi's
// sentence models.
//
// Model inputs are sentences that have already been segmented into words
// (by gse) and joined with single spaces, such as
// "我们 下周三 前 把 报价单 发 给 您". The tokenizer splits on whitespace and
// looks every word up in a vocabulary of frequent words; a word outside it
// falls back to WordPiece pieces, which always exist down to single
// characters ("报价" → "报", "##价") for every character seen in training.
//
// Vocabularies are written as a Hugging Face tokenizer.json and read back
// through github.com/sugarme/tokenizer, so training and inference tokenise
// with the very same code.
package wordpiece

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Special tokens, in the order of their ids (0–3) in every vocabulary.
const (
	PadToken = "[PAD]"
	UnkToken = "[UNK]"
	ClsToken = "[CLS]"
	SepToken = "[SEP]"
)

// ContinuingPrefix marks a piece that continues a word rather than starting it.
const ContinuingPrefix = "##"

// DefaultMaxInputCharsPerWord bounds the length in runes of a word that is
// split into pieces; longer words become [UNK]. It is large because text
// that was not segmented arrives as one long "word", and the character
// fallback still gives it a meaningful encoding.
const DefaultMaxInputCharsPerWord = 200

// Ids of the special tokens.
const (
	PadID = iota
	UnkID
	ClsID
	SepID
)

var specialTokens = []string{PadToken, UnkToken, ClsToken, SepToken}

// VocabOptions controls BuildVocab.
type VocabOptions struct {
	// MaxWords caps the number of whole words kept (default 30000); the
	// character pieces come on top of it.
	MaxWords int
	// MinCount is how often a word must occur to be kept whole (default 2).
	MinCount int
	// Lowercase folds case before counting, matching a tokenizer whose Spec
	// has Lowercase set.
	Lowercase bool
	// MaxInputCharsPerWord drops longer words from the vocabulary (default
	// DefaultMaxInputCharsPerWord).
	MaxInputCharsPerWord int
	// FeaturePrefix, when set, marks words that are features rather than
	// text (such as character bigrams). They are kept whole when frequent
	// and give no character pieces, so with a prefix that starts no other
	// word, a feature missing from the vocabulary encodes as [UNK] instead
	// of as characters that would read like text.
	FeaturePrefix string
}

func (o VocabOptions) withDefaults() VocabOptions {
	if o.MaxWords <= 0 {
		o.MaxWords = 30000
	}
	if o.MinCount <= 0 {
		o.MinCount = 2
	}
	if o.MaxInputCharsPerWord <= 0 {
		o.MaxInputCharsPerWord = DefaultMaxInputCharsPerWord
	}
	return o
}

// BuildVocab returns a vocabulary, indexed by token id, for sentences of
// space-joined words: the special tokens, then the frequent words (most
// frequent first, ties in byte order), then every character seen as a
// word-initial piece, then every character as a continuation piece
// ("##"+char). The result depends only on the input, never on map order.
func BuildVocab(sentences []string, opts VocabOptions) []string {
	opts = opts.withDefaults()
	counts := make(map[string]int)
	chars := make(map[rune]struct{})
	for _, s := range sentences {
		if opts.Lowercase {
			s = strings.ToLower(s)
		}
		for _, w := range strings.Fields(s) {
			counts[w]++
			if opts.FeaturePrefix != "" && strings.HasPrefix(w, opts.FeaturePrefix) {
				continue
			}
			for _, r := range w {
				chars[r] = struct{}{}
			}
		}
	}

	vocab := slices.Clone(specialTokens)
	seen := make(map[string]bool, len(counts)+2*len(chars))
	for _, t := range vocab {
		seen[t] = true
	}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			vocab = append(vocab, t)
		}
	}

	words := make([]string, 0, len(counts))
	for w, n := range counts {
		if n >= opts.MinCount && utf8.RuneCountInString(w) <= opts.MaxInputCharsPerWord {
			words = append(words, w)
		}
	}
	slices.SortFunc(words, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	if len(words) > opts.MaxWords {
		words = words[:opts.MaxWords]
	}
	for _, w := range words {
		add(w)
	}

	runes := make([]rune, 0, len(chars))
	for r := range chars {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	for _, r := range runes {
		add(string(r))
	}
	for _, r := range runes {
		add(ContinuingPrefix + string(r))
	}
	return vocab
}

// Spec describes a tokenizer.json: a WordPiece model over a whitespace
// pre-tokenizer, with [CLS] … [SEP] added around each sentence and the
// result truncated and padded to MaxLength tokens.
type Spec struct {
	// Vocab lists the tokens by id; it must start with [PAD] [UNK] [CLS]
	// [SEP] and hold no duplicates.
	Vocab []string
	// Lowercase adds a Lowercase normalizer.
	Lowercase bool
	// MaxLength is the encoded length, special tokens included.
	MaxLength int
	// MaxInputCharsPerWord defaults to DefaultMaxInputCharsPerWord.
	MaxInputCharsPerWord int
}

// Validate reports whether s can be written as a tokenizer.json.
func (s Spec) Validate() error {
	if len(s.Vocab) < len(specialTokens) {
		return fmt.Errorf("wordpiece: vocabulary has %d tokens, fewer than the %d special tokens",
			len(s.Vocab), len(specialTokens))
	}
	for i, t := range specialTokens {
		if s.Vocab[i] != t {
			return fmt.Errorf("wordpiece: vocabulary id %d is %q, want %q", i, s.Vocab[i], t)
		}
	}
	seen := make(map[string]int, len(s.Vocab))
	for i, t := range s.Vocab {
		if t == "" {
			return fmt.Errorf("wordpiece: vocabulary id %d is empty", i)
		}
		if !utf8.ValidString(t) {
			return fmt.Errorf("wordpiece: vocabulary id %d (%q) is not valid UTF-8", i, t)
		}
		if j, dup := seen[t]; dup {
			return fmt.Errorf("wordpiece: token %q has ids %d and %d", t, j, i)
		}
		seen[t] = i
	}
	if s.MaxLength < 3 {
		return fmt.Errorf("wordpiece: max length %d leaves no room between [CLS] and [SEP]", s.MaxLength)
	}
	if s.MaxInputCharsPerWord < 0 {
		return fmt.Errorf("wordpiece: negative max input chars per word %d", s.MaxInputCharsPerWord)
	}
	return nil
}

// JSON returns s as a Hugging Face tokenizer.json. Every field that
// sugarme/tokenizer reads is written explicitly, since it panics on absent
// optional fields, and the vocabulary is written in id order, so the output
// is byte-for-byte reproducible.
func (s Spec) JSON() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	maxChars := s.MaxInputCharsPerWord
	if maxChars == 0 {
		maxChars = DefaultMaxInputCharsPerWord
	}

	added := make([]addedToken, len(specialTokens))
	for i, t := range specialTokens {
		added[i] = addedToken{ID: i, Content: t, Special: true}
	}
	var norm any
	if s.Lowercase {
		norm = map[string]any{"type": "Lowercase"}
	} else {
		// An empty sequence rather than null: readers that expect an
		// object always find one.
		norm = map[string]any{"type": "Sequence", "normalizers": []any{}}
	}
	doc := tokenizerJSON{
		Version: "1.0",
		Truncation: truncation{
			Direction: "Right",
			MaxLength: s.MaxLength,
			Strategy:  "LongestFirst",
			Stride:    0,
		},
		Padding: padding{
			Strategy:  map[string]int{"Fixed": s.MaxLength},
			Direction: "Right",
			PadID:     PadID,
			PadTypeID: 0,
			PadToken:  PadToken,
		},
		AddedTokens:  added,
		Normalizer:   norm,
		PreTokenizer: map[string]any{"type": "WhitespaceSplit"},
		PostProcessor: postProcessor{
			Type: "BertProcessing",
			Sep:  []any{SepToken, SepID},
			Cls:  []any{ClsToken, ClsID},
		},
		Decoder: decoder{Type: "WordPiece", Prefix: ContinuingPrefix, Cleanup: true},
		Model: model{
			Type:                    "WordPiece",
			UnkToken:                UnkToken,
			ContinuingSubwordPrefix: ContinuingPrefix,
			MaxInputCharsPerWord:    maxChars,
			Vocab:                   orderedVocab(s.Vocab),
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("wordpiece: encode tokenizer.json: %w", err)
	}
	return buf.Bytes(), nil
}

type tokenizerJSON struct {
	Version       string        `json:"version"`
	Truncation    truncation    `json:"truncation"`
	Padding       padding       `json:"padding"`
	AddedTokens   []addedToken  `json:"added_tokens"`
	Normalizer    any           `json:"normalizer"`
	PreTokenizer  any           `json:"pre_tokenizer"`
	PostProcessor postProcessor `json:"post_processor"`
	Decoder       decoder       `json:"decoder"`
	Model         model         `json:"model"`
}

type truncation struct {
	Direction string `json:"direction"`
	MaxLength int    `json:"max_length"`
	Strategy  string `json:"strategy"`
	Stride    int    `json:"stride"`
}

type padding struct {
	Strategy        map[string]int `json:"strategy"`
	Direction       string         `json:"direction"`
	PadToMultipleOf *int           `json:"pad_to_multiple_of"`
	PadID           int            `json:"pad_id"`
	PadTypeID       int            `json:"pad_type_id"`
	PadToken        string         `json:"pad_token"`
}

type addedToken struct {
	ID         int    `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	Lstrip     bool   `json:"lstrip"`
	Rstrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

type postProcessor struct {
	Type string `json:"type"`
	Sep  []any  `json:"sep"`
	Cls  []any  `json:"cls"`
}

type decoder struct {
	Type    string `json:"type"`
	Prefix  string `json:"prefix"`
	Cleanup bool   `json:"cleanup"`
}

type model struct {
	Type                    string       `json:"type"`
	UnkToken                string       `json:"unk_token"`
	ContinuingSubwordPrefix string       `json:"continuing_subword_prefix"`
	MaxInputCharsPerWord    int          `json:"max_input_chars_per_word"`
	Vocab                   orderedVocab `json:"vocab"`
}

// orderedVocab marshals as a JSON object from token to id, in id order
// rather than the sorted key order encoding/json gives maps.
type orderedVocab []string

func (v orderedVocab) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for id, tok := range v {
		if id > 0 {
			buf.WriteByte(',')
		}
		key, err := marshalString(tok)
		if err != nil {
			return nil, err
		}
		buf.Write(key)
		fmt.Fprintf(&buf, ":%d", id)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func marshalString(s string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
